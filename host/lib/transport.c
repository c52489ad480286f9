/* transport.c - the table of transports, chosen at run time by name. */
#include <string.h>

#include "internal.h"
#include "transport.h"

#define MAX_ADDED 8

static const struct nlut_transport_ops *builtin[] = {
	&nlut_transport_golden,
	&nlut_transport_sim,
#ifdef NLUT_HAVE_XRT
	&nlut_transport_xrt,
#endif
#ifdef NLUT_HAVE_USB
	&nlut_transport_usb,
	&nlut_transport_ftdi,
#endif
};

static const struct nlut_transport_ops *added[MAX_ADDED];
static unsigned n_added;

const struct nlut_transport_ops *nlut_transport_find(const char *name)
{
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (!strcmp(builtin[i]->name, name))
			return builtin[i];
	for (unsigned i = 0; i < n_added; i++)
		if (!strcmp(added[i]->name, name))
			return added[i];
	return NULL;
}

int nlut_transport_add(const struct nlut_transport_ops *ops)
{
	if (!ops || !ops->name || nlut_transport_find(ops->name))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "transport missing, unnamed or already present");
	if (n_added >= MAX_ADDED)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "more than %u added transports", MAX_ADDED);
	added[n_added++] = ops;
	return NLUT_SUCCESS;
}
