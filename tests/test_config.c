/* test_config.c - the trainer config round trip: what `nlut train` stores in a
 * model as train.config makes the same config when fed back (exact numbers,
 * no injected keys, '#' in paths), duplicate keys and bad batch sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include <cmocka.h>

#include <nlut/train.h>

static void parse_ok(struct nlut_train_config *c, const char *text)
{
	nlut_train_config_init(c);
	if (nlut_train_config_parse(c, text, strlen(text), "t.cfg"))
		fail_msg("'%s': %s", text, nlut_train_error_detail());
}

/* Dump c, parse the dump and compare every dumped setting. */
static void round_trip(const struct nlut_train_config *c)
{
	struct nlut_train_config r;
	char *d = nlut_train_config_dump(c);

	assert_non_null(d);
	parse_ok(&r, d);
	free(d);
	r.threads = c->threads;
	memcpy(r.output, c->output, sizeof(r.output));
	assert_memory_equal(c, &r, sizeof(r));
}

static void test_numbers_exact(void **state)
{
	struct nlut_train_config c;

	(void)state;
	parse_ok(&c, "train = d.csv\nlayers = 8,2\nlr = 0.0123456789012345\n"
		     "weight_decay = 3.3333333333333e-05\nval_percent = 12.345678901\n"
		     "quant_clip = 0.1000000000000001\nwarmup = 1.5\n");
	round_trip(&c);
	char *d = nlut_train_config_dump(&c);

	assert_non_null(strstr(d, "lr = 0.0123456789012345\n"));
	assert_non_null(strstr(d, "warmup = 1.5\n")); /* shortest form */
	free(d);
}

static void test_text_values(void **state)
{
	struct nlut_train_config c;

	(void)state;
	/* A '#' inside a path is part of it; after a blank it starts a comment. */
	parse_ok(&c, "train = runs/a#2/d.csv # the data\nlayers = 4\nname = net#1\n");
	assert_string_equal(c.train_path, "runs/a#2/d.csv");
	assert_string_equal(c.name, "net#1");
	round_trip(&c);
	/* Values the file format cannot carry are refused where they are set. */
	nlut_train_config_init(&c);
	assert_int_equal(nlut_train_config_set(&c, "name", "x\nepochs = 0", "--name"),
			 NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "control character"));
	assert_int_equal(nlut_train_config_set(&c, "train", "a #b", "--train"),
			 NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_train_config_set(&c, "output", " lead", "-o"),
			 NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_train_config_set(&c, "name", "fine name", "--name"), 0);
}

static void test_duplicate_key(void **state)
{
	struct nlut_train_config c;
	const char *t = "train = a.csv\nlayers = 8,2\nepochs = 3\n\nepochs = 5\n";

	(void)state;
	nlut_train_config_init(&c);
	assert_int_equal(nlut_train_config_parse(&c, t, strlen(t), "t.cfg"),
			 NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(),
			       "t.cfg:5: 'epochs' given twice (first on line 3)"));
}

static void test_batch_multiple(void **state)
{
	struct nlut_train_config c;

	(void)state;
	parse_ok(&c, "train = a.csv\nlayers = 8,2\nbatch = 2\nghost = 64\n");
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "not a multiple of ghost"));
	parse_ok(&c, "train = a.csv\nlayers = 8,2\nbatch = 128\nghost = 64\n");
	assert_int_equal(nlut_train_config_check(&c), 0);
}

/* A model over the format's 512 MiB is refused by the check, before data is
 * read or anything trained (it was found only after training, issue 15). */
static void test_model_too_large(void **state)
{
	struct nlut_train_config c;

	(void)state;
	/* 64 neurons of 2^24-entry tables: 1 GiB of tables. */
	parse_ok(&c, "train = a.csv\nlayers = 64,10\nfan_in = 6,6\nin_bits = 4\nhidden_bits = 4\n");
	assert_true(nlut_train_config_table_bytes(&c) > (1ull << 30));
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_TOO_LARGE);
	assert_non_null(strstr(nlut_train_error_detail(), "a model file holds at most 512 MiB"));
	/* 16 of them (256 MiB and a little) fit. */
	parse_ok(&c, "train = a.csv\nlayers = 16,10\nfan_in = 6,4\nin_bits = 4\nhidden_bits = 2\n");
	assert_true(nlut_train_config_table_bytes(&c) < (300ull << 20));
	assert_int_equal(nlut_train_config_check(&c), 0);
}

/* IDX or npy training data with its labels in a file named by train_labels
 * (npy data had no way to give them: "no labels" whatever was set). */
static void test_labels_file(void **state)
{
	struct nlut_train_config c;
	struct nlut_dataset *tr = NULL, *te = NULL;
	char cfg[2048];
	FILE *f;
	const char *imgs = NLUT_TEST_TMPDIR "/imgs.idx.gz", *labs = NLUT_TEST_TMPDIR "/labs.idx.gz";

	(void)state;
	if (!(f = fopen(NLUT_SHARED_DATA_DIR "/mnist/t10k-images-idx3-ubyte.gz", "rb")))
		skip();
	fclose(f);
	/* Names from which no labels file can be derived. */
	assert_int_equal(symlink(NLUT_SHARED_DATA_DIR "/mnist/t10k-images-idx3-ubyte.gz", imgs) &&
			 errno != EEXIST, 0);
	assert_int_equal(symlink(NLUT_SHARED_DATA_DIR "/mnist/t10k-labels-idx1-ubyte.gz", labs) &&
			 errno != EEXIST, 0);
	snprintf(cfg, sizeof(cfg), "train = %s\nlayers = 8,10\ntest_rows = 100\n", imgs);
	parse_ok(&c, cfg);
	assert_int_equal(nlut_train_load_data(&c, &tr, &te), NLUT_ERROR_DATA);
	assert_non_null(strstr(nlut_train_error_detail(), "no labels (IDX or npy data: name their file with train_labels)"));
	snprintf(cfg, sizeof(cfg), "train = %s\ntrain_labels = %s\nlayers = 8,10\ntest_rows = 100\n",
		 imgs, labs);
	parse_ok(&c, cfg);
	round_trip(&c);
	assert_int_equal(nlut_train_load_data(&c, &tr, &te), 0);
	assert_int_equal(tr->n_rows, 9900);
	assert_int_equal(te->n_rows, 100);
	assert_int_equal(tr->n_classes, 10);
	nlut_data_free(tr);
	nlut_data_free(te);
}

/* The PolyLUT / adder / SparseLUT keys: dumped whenever one is set, read
 * back the same; the checks name the key that breaks a limit. */
static void test_adder_keys(void **state)
{
	struct nlut_train_config c;

	(void)state;
	parse_ok(&c, "train = d.csv\nlayers = 8,2\nneuron = poly\ndegree = 3\n");
	assert_int_equal(c.neuron, NLUT_TRAIN_NEURON_POLY);
	round_trip(&c);
	parse_ok(&c, "train = d.csv\nlayers = 8,2\nadder = 3\nsub_bits = 5\nfan_in = 2\n");
	round_trip(&c);
	assert_int_equal(nlut_train_config_check(&c), 0);
	parse_ok(&c, "train = d.csv\nlayers = 8,2\nprune = 2\n");
	round_trip(&c);
	parse_ok(&c, "train = d.csv\nlayers = 8,2\ndegree = 1\n");
	round_trip(&c);
	/* 4 x 3 = 12 inputs of a neuron above a layer of 8. */
	parse_ok(&c, "train = d.csv\nlayers = 16,8,2\nadder = 4\nfan_in = 3\n");
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "adder: layer 2 reads 4 x 3 = 12"));
	parse_ok(&c, "train = d.csv\nlayers = 64,2\nneuron = poly\ndegree = 4\nfan_in = 12\n");
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "monomials"));
	parse_ok(&c, "train = d.csv\nlayers = 64,2\nneuron = lut\nadder = 2\n");
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	nlut_train_config_init(&c);
	assert_int_equal(nlut_train_config_set(&c, "neuron", "polynomial", "--neuron"),
			 NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_train_config_set(&c, "degree", "5", "--degree"),
			 NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_train_config_set(&c, "adder", "17", "--adder"),
			 NLUT_ERROR_INVALID_PARAM);
}

static void test_empty_dump_loads(void **state)
{
	struct nlut_train_config c;

	(void)state;
	parse_ok(&c, "");
	round_trip(&c); /* no train path and no layers: both left out */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_exact),
		cmocka_unit_test(test_text_values),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_batch_multiple),
		cmocka_unit_test(test_model_too_large),
		cmocka_unit_test(test_labels_file),
		cmocka_unit_test(test_empty_dump_loads),
		cmocka_unit_test(test_adder_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
