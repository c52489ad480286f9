/* nlut/error.h - error codes shared by every libnlut call. */
#ifndef NLUT_ERROR_H
#define NLUT_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every libnlut call that can fail returns an int: NLUT_SUCCESS (0) or one of
 * these negative codes. Codes are stable across releases; new ones are only
 * ever appended.
 */
enum nlut_error {
	NLUT_SUCCESS = 0,
	NLUT_ERROR_IO = -1,             /* read/write/open failed (errno in detail) */
	NLUT_ERROR_INVALID_PARAM = -2,  /* caller passed a bad argument */
	NLUT_ERROR_NO_MEM = -3,         /* allocation failed */
	NLUT_ERROR_NOT_FOUND = -4,      /* file, board, key or entity not found */
	NLUT_ERROR_BAD_MAGIC = -5,      /* file is not of the expected type */
	NLUT_ERROR_VERSION = -6,        /* format major version not supported */
	NLUT_ERROR_TRUNCATED = -7,      /* file ends before its declared content */
	NLUT_ERROR_CHECKSUM = -8,       /* CRC mismatch: file is corrupt */
	NLUT_ERROR_TOO_LARGE = -9,      /* declared size exceeds a documented limit */
	NLUT_ERROR_MALFORMED = -10,     /* structure is wrong (sections, lengths) */
	NLUT_ERROR_INCONSISTENT = -11,  /* structure parses but does not add up */
	NLUT_ERROR_UNSUPPORTED = -12,   /* valid but uses a feature not handled */
	NLUT_ERROR_DATA = -13,          /* data file (IDX/CSV/npy) is bad */
	NLUT_ERROR_TIMEOUT = -14,       /* device did not answer in time */
	NLUT_ERROR_NO_DEVICE = -15,     /* device absent or vanished */
	NLUT_ERROR_MODEL_MISMATCH = -16,/* device holds another model */
	NLUT_ERROR_BUSY = -17,          /* resource in use */
	NLUT_ERROR_PROTOCOL = -18,      /* peer broke the wire protocol */
	NLUT_ERROR_INTERRUPTED = -19,   /* stopped on request (signal) */
	NLUT_ERROR_OTHER = -99
};

/* Short human-readable description of an error code. Never NULL. */
const char *nlut_strerror(int err);

/* Name of the enum constant, e.g. "NLUT_ERROR_TRUNCATED". Never NULL. */
const char *nlut_error_name(int err);

/*
 * Detail of the most recent failure in the calling thread: which section,
 * offset, neuron or row, and what was wrong. Valid until the next failing
 * libnlut call in the same thread; "" when there is none. Never NULL.
 */
const char *nlut_error_detail(void);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_ERROR_H */
