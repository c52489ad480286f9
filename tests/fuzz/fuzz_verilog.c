/* fuzz_verilog.c - libFuzzer target for the Verilog importer (nlut import):
 * the input is one .v file in an otherwise empty folder; it must import or
 * fail with a message, and a model that imports must save and load again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nlut/nlut.h>
#include <nlut_gen.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], file[96];

static void cleanup(void)
{
	unlink(file);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nlut_model *m = NULL, *r = NULL;
	void *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/fuzz_verilog.XXXXXX", tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
		if (!mkdtemp(dir))
			abort();
		snprintf(file, sizeof(file), "%s/logicnet.v", dir);
		atexit(cleanup);
	}
	if (!(f = fopen(file, "wb")) || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	if (nlut_import_dir(dir, NULL, &m)) {
		if (m || !nlut_gen_error_detail()[0])
			abort(); /* a failure hands out no model and says why */
		return 0;
	}
	if (nlut_model_save_mem(m, &buf, &len) || nlut_model_load_mem(buf, len, &r))
		abort();
	free(buf);
	nlut_model_free(r);
	nlut_model_free(m);
	return 0;
}
