/* error.c - error names, messages and the per-thread failure detail. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static _Thread_local char detail[512];

int nlut_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return err;
}

void nlut_clear_error(void)
{
	detail[0] = '\0';
}

NLUT_API const char *nlut_error_detail(void)
{
	return detail;
}

struct err_entry {
	int code;
	const char *name;
	const char *msg;
};

static const struct err_entry errors[] = {
	{ NLUT_SUCCESS, "NLUT_SUCCESS", "success" },
	{ NLUT_ERROR_IO, "NLUT_ERROR_IO", "input/output error" },
	{ NLUT_ERROR_INVALID_PARAM, "NLUT_ERROR_INVALID_PARAM", "invalid parameter" },
	{ NLUT_ERROR_NO_MEM, "NLUT_ERROR_NO_MEM", "out of memory" },
	{ NLUT_ERROR_NOT_FOUND, "NLUT_ERROR_NOT_FOUND", "not found" },
	{ NLUT_ERROR_BAD_MAGIC, "NLUT_ERROR_BAD_MAGIC", "not an nlut model file (bad magic)" },
	{ NLUT_ERROR_VERSION, "NLUT_ERROR_VERSION", "unsupported format version" },
	{ NLUT_ERROR_TRUNCATED, "NLUT_ERROR_TRUNCATED", "file is truncated" },
	{ NLUT_ERROR_CHECKSUM, "NLUT_ERROR_CHECKSUM", "checksum mismatch (corrupt file)" },
	{ NLUT_ERROR_TOO_LARGE, "NLUT_ERROR_TOO_LARGE", "size exceeds a limit" },
	{ NLUT_ERROR_MALFORMED, "NLUT_ERROR_MALFORMED", "malformed file structure" },
	{ NLUT_ERROR_INCONSISTENT, "NLUT_ERROR_INCONSISTENT", "inconsistent model" },
	{ NLUT_ERROR_UNSUPPORTED, "NLUT_ERROR_UNSUPPORTED", "unsupported feature" },
	{ NLUT_ERROR_DATA, "NLUT_ERROR_DATA", "bad data file" },
	{ NLUT_ERROR_TIMEOUT, "NLUT_ERROR_TIMEOUT", "operation timed out" },
	{ NLUT_ERROR_NO_DEVICE, "NLUT_ERROR_NO_DEVICE", "no such device (it may have been disconnected)" },
	{ NLUT_ERROR_MODEL_MISMATCH, "NLUT_ERROR_MODEL_MISMATCH", "device holds a different model" },
	{ NLUT_ERROR_BUSY, "NLUT_ERROR_BUSY", "resource busy" },
	{ NLUT_ERROR_PROTOCOL, "NLUT_ERROR_PROTOCOL", "protocol error" },
	{ NLUT_ERROR_INTERRUPTED, "NLUT_ERROR_INTERRUPTED", "interrupted" },
	{ NLUT_ERROR_OTHER, "NLUT_ERROR_OTHER", "other error" },
};

static const struct err_entry *lookup(int err)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].code == err)
			return &errors[i];
	return NULL;
}

NLUT_API const char *nlut_strerror(int err)
{
	const struct err_entry *e = lookup(err);

	return e ? e->msg : "unknown error";
}

NLUT_API const char *nlut_error_name(int err)
{
	const struct err_entry *e = lookup(err);

	return e ? e->name : "NLUT_ERROR_UNKNOWN";
}
