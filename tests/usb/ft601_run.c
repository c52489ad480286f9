/* ft601_run.c - nlut-run itself (host/tools/nlut_run.c, its main renamed)
 * with the ft601-a7 board's RTL behind an emulated FT601: the Verilated
 * board (ft601_rtl.cpp) holding the core of examples/digits-tiny.nlut
 * serves the usbfs ioctls (ft601_emu.c), so `ft601_run --board ft601-a7 ...`
 * runs the unmodified command line through libusb against the RTL. Run under
 * umockdev-wrapper; exit status that of nlut-run, 77 without umockdev. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <umockdev.h>

#include "ft601_emu.h"
#include "ft601_rtl.h"

int nlut_run_main(int argc, char **argv);

int main(int argc, char **argv)
{
	const char *pre = getenv("LD_PRELOAD");
	struct ft601_emu *emu;
	struct ft601_rtl *rtl;
	int rc;

	if (!pre || !strstr(pre, "libumockdev-preload")) {
		fprintf(stderr, "ft601_run: umockdev preload not active: run under umockdev-wrapper\n");
		return 77;
	}
	rtl = ft601_rtl_new(9970, 1);
	struct ft601_backend be = ft601_rtl_backend(rtl);

	if (ft601_emu_start_backend(&be, 1, &emu))
		return 1;
	if (!umockdev_in_mock_environment()) {
		fprintf(stderr, "ft601_run: umockdev testbed not active\n");
		return 77;
	}
	rc = nlut_run_main(argc, argv);
	ft601_emu_stop(emu);
	ft601_rtl_free(rtl);
	return rc;
}
