/* fuzz_data.c - libFuzzer targets for the dataset readers, one binary per
 * format (FUZZ_FORMAT: 1 IDX, 2 CSV, 3 npy): any bytes must load or fail
 * cleanly, and what loads must be a consistent table. CSV takes its options
 * from the first byte so header, label column and delimiter vary too. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct nlut_dataset *d, const struct nlut_data_opts *o)
{
	volatile float sink = 0;
	size_t cells;

	if (!d->n_rows || !d->n_features || (o->max_rows && d->n_rows > o->max_rows))
		abort();
	if (nlut_mul_size(d->n_rows, d->n_features, &cells) || !d->x)
		abort();
	for (size_t i = 0; i < cells; i++)
		sink += d->x[i];
	if (d->labels) {
		int32_t max = -1;

		for (size_t i = 0; i < d->n_rows; i++) {
			if (d->labels[i] < 0)
				abort();
			if (d->labels[i] > max)
				max = d->labels[i];
		}
		if (d->n_classes != (uint32_t)max + 1)
			abort();
	} else if (d->n_classes) {
		abort();
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlut_data_opts o;
	struct nlut_dataset *d = NULL;
	int rc;

	nlut_data_opts_init(&o);
#if FUZZ_FORMAT == 2
	static const char delims[4] = { 0, ',', ';', '\t' };
	uint8_t sel = size ? data[0] : 0;
	char *text;

	if (size) {
		data++;
		size--;
	}
	o.header = (int)(sel & 3) % 3 - 1;
	o.delimiter = delims[(sel >> 2) & 3];
	o.label_col = (sel >> 4) & 3 ? (int)((sel >> 4) & 3) - 3 : 0; /* -2 none, -1 last, 0 */
	if (sel & 0x80)
		o.max_rows = 3;
	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = nlut_data_load_csv("fuzz.csv", text, size, &o, &d);
	free(text);
#elif FUZZ_FORMAT == 3
	rc = nlut_data_load_npy("fuzz.npy", data, size, &o, &d);
#else
	struct nlut_array a;

	rc = nlut_data_load_idx("fuzz-idx", data, size, &o, &d);
	/* The same bytes as a labels file goes through the array parser alone. */
	if (!nlut_idx_parse("fuzz-labels", data, size, &a) && a.rows && !a.data)
		abort();
#endif
	if (rc) {
		if (d)
			abort(); /* a failed load must not hand out a table */
		return 0;
	}
	check(d, &o);
	nlut_data_free(d);
	return 0;
}
