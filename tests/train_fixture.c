/* train_fixture.c - what the trainer tests share (train_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "train_fixture.h"

struct nlut_dataset *digits_train, *digits_test;

int digits_load(const struct nlut_train_config *c)
{
	struct stat st;

	mkdir(NLUT_TEST_TMPDIR, 0777);
	if (stat(DIGITS, &st))
		return 0; /* the data tests skip */
	if (nlut_train_load_data(c, &digits_train, &digits_test)) {
		fprintf(stderr, "loading %s: %s\n", DIGITS, nlut_train_error_detail());
		return -1;
	}
	return 0;
}

int digits_free(void **state)
{
	(void)state;
	nlut_data_free(digits_train);
	nlut_data_free(digits_test);
	digits_train = digits_test = NULL;
	return 0;
}

void need_digits(void)
{
	if (!digits_train)
		skip();
}

nlut_trainer *train_digits(const struct nlut_train_config *c, nlut_model **m)
{
	nlut_trainer *t = NULL;
	int rc = nlut_trainer_new(c, digits_train, &t);

	if (rc)
		fail_msg("nlut_trainer_new: %s", nlut_train_error_detail());
	rc = nlut_trainer_run(t, NULL, NULL, NULL);
	if (rc)
		fail_msg("nlut_trainer_run: %s", nlut_train_error_detail());
	rc = nlut_trainer_compile(t, m);
	if (rc)
		fail_msg("nlut_trainer_compile: %s", nlut_train_error_detail());
	return t;
}

double check_equal_trained(nlut_trainer *t, const nlut_model *m, const char *name)
{
	const struct nlut_dataset *d = digits_test;
	char path[512];
	nlut_model *back = NULL;
	nlut_golden *g = NULL;
	uint32_t C = nlut_trainer_num_classes(t);
	uint16_t *st = malloc(d->n_rows * C * sizeof(uint16_t));
	uint16_t *sg = malloc(d->n_rows * C * sizeof(uint16_t));
	uint32_t *ct = malloc(d->n_rows * sizeof(uint32_t));
	uint32_t *cg = malloc(d->n_rows * sizeof(uint32_t));
	size_t ok = 0;

	assert_non_null(st);
	assert_non_null(sg);
	assert_non_null(ct);
	assert_non_null(cg);
	snprintf(path, sizeof(path), NLUT_TEST_TMPDIR "/%s.nlut", name);
	assert_int_equal(nlut_model_save(m, path), 0);
	assert_int_equal(nlut_model_load(path, &back), 0);
	assert_int_equal(nlut_model_num_classes(back), C);
	assert_int_equal(nlut_model_decoding(back), nlut_model_decoding(m));
	assert_int_equal(nlut_golden_new(back, &g), 0);
	assert_int_equal(nlut_golden_eval_float_batch(g, d->n_rows, d->x, sg, cg, 2), 0);
	assert_int_equal(nlut_trainer_predict(t, d->n_rows, d->x, st, ct), 0);
	for (size_t i = 0; i < d->n_rows; i++) {
		if (ct[i] != cg[i])
			fail_msg("%s: test sample %zu: trained pass says %u, golden model %u",
				 name, i, ct[i], cg[i]);
		assert_int_equal(ct[i], nlut_argmax(st + i * C, C));
		ok += cg[i] == (uint32_t)d->labels[i];
	}
	assert_memory_equal(st, sg, d->n_rows * C * sizeof(uint16_t));
	nlut_golden_free(g);
	nlut_model_free(back);
	free(st);
	free(sg);
	free(ct);
	free(cg);
	return (double)ok / (double)d->n_rows;
}
