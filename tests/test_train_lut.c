/* test_train_lut.c - binary LUT layers (neuron = lut, DWN): the saved model's
 * golden model equals the training-time pass on every test sample, with and
 * without a thermometer encoder layer, with a learned mapping (also for
 * map_epochs only), with mirrored training images (augment_flip), as K
 * members with their own losses (lut_blocks); group-sum
 * decoding; reproducibility; config errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <nlut/nlut.h>
#include <nlut/train.h>

#include "train_fixture.h"

/* A small binary LUT network on the digits: a second or so. */
static void lut_config(struct nlut_train_config *c)
{
	nlut_train_config_init(c);
	assert_int_equal(nlut_train_config_set(c, "train", DIGITS, "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "test_rows", "360", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "test_split", "random", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "neuron", "lut", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "layers", "200,100", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "fan_in", "6", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "in_bits", "2", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "thermometer", "3", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "epochs", "15", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "batch", "64", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "ghost", "32", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "lr", "0.03", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "tau", "2", "test"), 0);
}

/* A binary LUT network decodes by group sums; then the fixture's check. */
static double check_group_sum_equal(nlut_trainer *t, const nlut_model *m, const char *name)
{
	assert_int_equal(nlut_model_decoding(m), NLUT_DECODE_GROUP_SUM);
	return check_equal_trained(t, m, name);
}

/* Every neuron of the LUT layers is one LUT6: 1-bit inputs and output. */
static void check_lut6(const nlut_model *m, uint32_t first)
{
	for (uint32_t l = first; l < nlut_model_num_layers(m); l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);

		for (uint32_t j = 0; j < L->n_neurons; j++) {
			assert_int_equal(L->neurons[j].out_bits, 1);
			assert_true(L->neurons[j].addr_bits <= 6);
		}
	}
}

/* Thermometer of 3 thresholds on 2-bit codes: an encoder layer of fan-in-1
 * neurons (code >= 1, 2, 3) in front of the two LUT layers. */
static void test_thermometer_model(void **state)
{
	struct nlut_train_config c;
	nlut_model *m = NULL;
	nlut_trainer *t;

	(void)state;
	need_digits();
	lut_config(&c);
	t = train_digits(&c, &m);
	double acc = check_group_sum_equal(t, m, "lut-thermo");

	print_message("binary LUT digits model (thermometer 3): test accuracy %.4f\n", acc);
	assert_true(acc > 0.80); /* chance is 0.1 */
	assert_int_equal(nlut_model_num_layers(m), 3);
	const struct nlut_layer *enc = nlut_model_layer(m, 0);

	for (uint32_t j = 0; j < enc->n_neurons; j++) {
		const struct nlut_neuron *n = &enc->neurons[j];

		assert_int_equal(n->fan_in, 1);
		assert_int_equal(n->out_bits, 1);
		/* A threshold: 0 below it, 1 from it on. */
		for (uint32_t a = 1; a < 4; a++)
			assert_true(n->table[a] >= n->table[a - 1]);
		assert_int_equal(n->table[0], 0);
		assert_int_equal(n->table[3], 1);
	}
	check_lut6(m, 1);
	assert_int_equal(nlut_model_group_size(m), 10);
	nlut_model_free(m);
	nlut_trainer_free(t);
}

/* 1-bit codes and one threshold: the host's quantiser is the threshold and
 * the LUT layers read the features directly (no encoder); local mapping,
 * rewired during training. */
static void test_one_bit_model(void **state)
{
	struct nlut_train_config c;
	nlut_model *m = NULL;
	nlut_trainer *t;

	(void)state;
	need_digits();
	lut_config(&c);
	assert_int_equal(nlut_train_config_set(&c, "in_bits", "1", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "thermometer", "1", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "image", "8x8", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "connectivity", "local", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "layers", "150,60,30", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "fan_in", "6,6,4", NULL), 0);
	/* Rewiring every 2 epochs: the kept network keeps its own mapping. */
	assert_int_equal(nlut_train_config_set(&c, "rewire", "2", NULL), 0);
	t = train_digits(&c, &m);
	double acc = check_group_sum_equal(t, m, "lut-1bit");

	print_message("binary LUT digits model (1-bit inputs): test accuracy %.4f\n", acc);
	assert_true(acc > 0.70);
	assert_int_equal(nlut_model_num_layers(m), 3);
	check_lut6(m, 0);
	assert_int_equal(nlut_model_group_size(m), 3);
	nlut_model_free(m);
	nlut_trainer_free(t);
}

/* lut_input = code: each layer-0 neuron reads 3 whole 2-bit codes (one LUT6,
 * no encoder layer), trained on images shifted by up to 1 pixel. */
static void test_code_model(void **state)
{
	struct nlut_train_config c;
	nlut_model *m = NULL;
	nlut_trainer *t;

	(void)state;
	need_digits();
	lut_config(&c);
	assert_int_equal(nlut_train_config_set(&c, "thermometer", "1", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "lut_input", "code", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "image", "8x8", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "connectivity", "local", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "augment_shift", "1", NULL), 0);
	assert_int_equal(nlut_train_config_set(&c, "rewire", "3", NULL), 0);
	t = train_digits(&c, &m);
	double acc = check_group_sum_equal(t, m, "lut-code");

	print_message("binary LUT digits model (whole 2-bit codes, shifted): test accuracy %.4f\n",
		      acc);
	/* A one-pixel shift is an eighth of these 8x8 images: lower than
	 * unshifted (0.82), far above chance (0.1). */
	assert_true(acc > 0.60);
	assert_int_equal(nlut_model_num_layers(m), 2);
	const struct nlut_layer *l0 = nlut_model_layer(m, 0);

	for (uint32_t j = 0; j < l0->n_neurons; j++) {
		assert_int_equal(l0->neurons[j].fan_in, 3);
		/* Three distinct features, each read whole. */
		assert_true(l0->neurons[j].src[0] != l0->neurons[j].src[1]);
		assert_true(l0->neurons[j].src[0] != l0->neurons[j].src[2]);
		assert_true(l0->neurons[j].src[1] != l0->neurons[j].src[2]);
	}
	check_lut6(m, 0);
	nlut_model_free(m);
	nlut_trainer_free(t);
}

/* Sources of layer ml's neuron j, as a list. */
static void sources(const nlut_model *m, uint32_t ml, uint32_t j, uint32_t *src, uint32_t *n)
{
	const struct nlut_neuron *nr = &nlut_model_layer(m, ml)->neurons[j];

	*n = nr->fan_in;
	memcpy(src, nr->src, nr->fan_in * sizeof(uint32_t));
}

/* learn_map = 2: both LUT layers learn their mapping (DWN) over the
 * thermometer bits and the first layer's outputs; the argmax sources become
 * the model's connectivity, so the golden model still equals the trained
 * pass on every test sample. The mapping moved from the fixed one the
 * weights start from. */
static void test_learned_map(void **state)
{
	struct nlut_train_config c;
	nlut_model *m = NULL, *m0 = NULL;
	nlut_trainer *t, *t0;
	uint32_t moved = 0, total = 0;

	(void)state;
	need_digits();
	lut_config(&c);
	nlut_train_config_set(&c, "epochs", "8", NULL); /* seconds under the sanitizers */
	t0 = train_digits(&c, &m0);
	double acc0 = check_group_sum_equal(t0, m0, "lut-fixed");

	assert_int_equal(nlut_train_config_set(&c, "learn_map", "2", NULL), 0);
	t = train_digits(&c, &m);
	double acc = check_group_sum_equal(t, m, "lut-learned");

	print_message("binary LUT digits model, learned mapping: test accuracy %.4f (fixed %.4f)\n",
		      acc, acc0);
	assert_true(acc > 0.80);
	check_lut6(m, 1);
	/* Layer 2 (the second LUT layer) reads layer 1 in both; compare its
	 * sources neuron by neuron (the encoder's numbering differs). */
	assert_int_equal(nlut_model_num_layers(m), 3);
	for (uint32_t j = 0; j < nlut_model_layer(m, 2)->n_neurons; j++) {
		uint32_t a[8], b[8], na, nb;

		sources(m, 2, j, a, &na);
		sources(m0, 2, j, b, &nb);
		assert_int_equal(na, nb);
		for (uint32_t k = 0; k < na; k++)
			moved += a[k] != b[k];
		total += na;
	}
	print_message("learned mapping: %u of %u layer-2 inputs moved\n", moved, total);
	assert_true(moved > 0 && moved < total);
	nlut_model_free(m);
	nlut_model_free(m0);
	nlut_trainer_free(t);
	nlut_trainer_free(t0);
}

/* learn_map = 1 with map_window = 5 on 1-bit pixels: every layer-0 input
 * chooses among the varying pixels of a 5 x 5 patch around its neuron's
 * centre, so each neuron's sources span at most 5 pixels each way; the
 * golden model equals the trained pass; threads do not change the model. */
static void test_learned_map_window(void **state)
{
	char id[2][NLUT_ID_STR_SIZE];

	(void)state;
	need_digits();
	for (int i = 0; i < 2; i++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;

		lut_config(&c);
		nlut_train_config_set(&c, "epochs", "8", NULL);
		nlut_train_config_set(&c, "in_bits", "1", NULL);
		nlut_train_config_set(&c, "thermometer", "1", NULL);
		nlut_train_config_set(&c, "image", "8x8", NULL);
		nlut_train_config_set(&c, "connectivity", "local", NULL);
		nlut_train_config_set(&c, "learn_map", "1", NULL);
		nlut_train_config_set(&c, "map_window", "5", NULL);
		nlut_train_config_set(&c, "threads", i ? "2" : "1", NULL);
		t = train_digits(&c, &m);
		double acc = check_group_sum_equal(t, m, "lut-window");

		print_message("binary LUT digits model, learned 5x5 mapping: test accuracy %.4f\n",
			      acc);
		assert_true(acc > 0.70);
		assert_int_equal(nlut_model_num_layers(m), 2);
		check_lut6(m, 0);
		const struct nlut_layer *l0 = nlut_model_layer(m, 0);

		for (uint32_t j = 0; j < l0->n_neurons; j++) {
			const struct nlut_neuron *n = &l0->neurons[j];
			uint32_t x0 = 8, x1 = 0, y0 = 8, y1 = 0;

			for (uint32_t k = 0; k < n->fan_in; k++) {
				uint32_t x = n->src[k] % 8, y = n->src[k] / 8;

				x0 = x < x0 ? x : x0;
				x1 = x > x1 ? x : x1;
				y0 = y < y0 ? y : y0;
				y1 = y > y1 ? y : y1;
			}
			assert_true(x1 - x0 < 5 && y1 - y0 < 5);
		}
		assert_int_equal(nlut_model_id(m, id[i]), 0);
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
	assert_string_equal(id[0], id[1]);
}

/* learn_map with lut_input = code: each layer-0 neuron's 3 rows each learn
 * which whole 2-bit code they read among the varying pixels of a 5 x 5
 * patch; the model stays table neurons over whole codes, equal to the
 * trained pass on every test sample, and the rows moved. */
static void test_learned_map_code(void **state)
{
	struct nlut_train_config c;
	nlut_model *m = NULL, *m0 = NULL;
	nlut_trainer *t = NULL, *t0 = NULL;
	uint32_t moved = 0;

	(void)state;
	need_digits();
	for (int i = 0; i < 2; i++) {
		lut_config(&c);
		nlut_train_config_set(&c, "epochs", "8", NULL);
		nlut_train_config_set(&c, "thermometer", "1", NULL);
		nlut_train_config_set(&c, "lut_input", "code", NULL);
		nlut_train_config_set(&c, "image", "8x8", NULL);
		nlut_train_config_set(&c, "connectivity", "local", NULL);
		if (i) {
			nlut_train_config_set(&c, "learn_map", "1", NULL);
			nlut_train_config_set(&c, "map_window", "5", NULL);
			t = train_digits(&c, &m);
		} else {
			t0 = train_digits(&c, &m0);
		}
	}
	double acc0 = check_group_sum_equal(t0, m0, "lut-code-fixed");
	double acc = check_group_sum_equal(t, m, "lut-code-learned");

	print_message("binary LUT digits model, whole codes, learned mapping: test accuracy %.4f (fixed %.4f)\n",
		      acc, acc0);
	assert_true(acc > 0.75);
	assert_int_equal(nlut_model_num_layers(m), 2);
	check_lut6(m, 0);
	const struct nlut_layer *l0 = nlut_model_layer(m, 0), *f0 = nlut_model_layer(m0, 0);

	for (uint32_t j = 0; j < l0->n_neurons; j++) {
		const struct nlut_neuron *n = &l0->neurons[j];

		assert_int_equal(n->fan_in, 3);
		assert_int_equal(n->addr_bits, 6);
		for (uint32_t k = 0; k < 3; k++) {
			assert_true(n->src[k] < 64);
			moved += n->src[k] != f0->neurons[j].src[k];
		}
	}
	print_message("learned mapping over whole codes: %u of %u layer-0 rows moved\n", moved,
		      3 * l0->n_neurons);
	assert_true(moved > 0);
	nlut_model_free(m);
	nlut_model_free(m0);
	nlut_trainer_free(t);
	nlut_trainer_free(t0);
}

/* augment_shift reaches the binary LUT layers: the same config without it
 * trains another model. */
static void test_shift_applies(void **state)
{
	char id[2][NLUT_ID_STR_SIZE];

	(void)state;
	need_digits();
	for (int i = 0; i < 2; i++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;

		lut_config(&c);
		nlut_train_config_set(&c, "epochs", "1", NULL);
		nlut_train_config_set(&c, "image", "8x8", NULL);
		nlut_train_config_set(&c, "augment_shift", i ? "2" : "0", NULL);
		t = train_digits(&c, &m);
		assert_int_equal(nlut_model_id(m, id[i]), 0);
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
	assert_string_not_equal(id[0], id[1]);
}

/*
 * augment_flip mirrors the training images left to right: on 6x1 images
 * whose class is the side of a lit end pixel (0: left, 1: right; the four
 * pixels between are noise), a network learns the side without the flip
 * and cannot with it (half of the images it trains on show the other
 * side under the same label). Both models equal the golden model.
 */
#define SIDE_ROWS 2000u

static struct nlut_dataset *side_data(uint32_t seed)
{
	struct nlut_dataset *d = calloc(1, sizeof(*d));
	uint32_t r = seed;

	assert_non_null(d);
	d->n_rows = SIDE_ROWS;
	d->n_features = 6;
	d->n_classes = 2;
	d->x = calloc(SIDE_ROWS * 6, sizeof(float));
	d->labels = calloc(SIDE_ROWS, sizeof(int32_t));
	assert_non_null(d->x);
	assert_non_null(d->labels);
	for (uint32_t i = 0; i < SIDE_ROWS; i++) {
		float *x = d->x + (size_t)i * 6;

		d->labels[i] = (int32_t)(i & 1u);
		x[i & 1u ? 5 : 0] = 1.0f;
		for (uint32_t k = 1; k < 5; k++) {
			r = r * 1103515245u + 12345u;
			x[k] = (float)(r >> 16 & 1u);
		}
	}
	return d;
}

static double side_accuracy(const char *flip)
{
	struct nlut_train_config c;
	struct nlut_dataset *train = side_data(1), *test = side_data(7);
	nlut_model *m = NULL;
	nlut_trainer *t = NULL;
	nlut_golden *g = NULL;
	uint32_t cls[SIDE_ROWS], gcls[SIDE_ROWS], ok = 0;
	uint16_t sc[SIDE_ROWS * 2], gsc[SIDE_ROWS * 2];

	nlut_train_config_init(&c);
	nlut_train_config_set(&c, "train", "side", NULL);
	nlut_train_config_set(&c, "neuron", "lut", NULL);
	nlut_train_config_set(&c, "layers", "24,8", NULL);
	nlut_train_config_set(&c, "fan_in", "3", NULL);
	nlut_train_config_set(&c, "in_bits", "1", NULL);
	nlut_train_config_set(&c, "image", "6x1", NULL);
	nlut_train_config_set(&c, "epochs", "6", NULL);
	nlut_train_config_set(&c, "batch", "64", NULL);
	nlut_train_config_set(&c, "ghost", "32", NULL);
	nlut_train_config_set(&c, "lr", "0.03", NULL);
	nlut_train_config_set(&c, "tau", "1", NULL);
	nlut_train_config_set(&c, "val_percent", "0", NULL);
	assert_int_equal(nlut_train_config_set(&c, "augment_flip", flip, NULL), 0);
	if (nlut_trainer_new(&c, train, &t) || nlut_trainer_run(t, NULL, NULL, NULL) ||
	    nlut_trainer_compile(t, &m))
		fail_msg("side model: %s", nlut_train_error_detail());
	assert_int_equal(nlut_trainer_predict(t, SIDE_ROWS, test->x, sc, cls), 0);
	assert_int_equal(nlut_golden_new(m, &g), 0);
	assert_int_equal(nlut_golden_eval_float_batch(g, SIDE_ROWS, test->x, gsc, gcls, 1), 0);
	assert_memory_equal(sc, gsc, sizeof(sc));
	assert_memory_equal(cls, gcls, sizeof(cls));
	for (uint32_t i = 0; i < SIDE_ROWS; i++)
		ok += cls[i] == (uint32_t)test->labels[i];
	nlut_golden_free(g);
	nlut_model_free(m);
	nlut_trainer_free(t);
	nlut_data_free(train);
	nlut_data_free(test);
	return (double)ok / SIDE_ROWS;
}

static void test_flip_mirrors(void **state)
{
	(void)state;
	double plain = side_accuracy("0"), flipped = side_accuracy("1");

	print_message("left/right task: %.4f without augment_flip, %.4f with it\n", plain,
		      flipped);
	assert_true(plain > 0.99);
	assert_true(flipped < 0.75);
}

/* augment_flip reaches the binary LUT layers on the digits (another model,
 * the golden model equals the trained pass), and the same again with it. */
static void test_flip_applies(void **state)
{
	char id[3][NLUT_ID_STR_SIZE];

	(void)state;
	need_digits();
	for (int i = 0; i < 3; i++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;

		lut_config(&c);
		nlut_train_config_set(&c, "epochs", "2", NULL);
		nlut_train_config_set(&c, "image", "8x8", NULL);
		nlut_train_config_set(&c, "augment_shift", "1", NULL);
		nlut_train_config_set(&c, "augment_flip", i ? "1" : "0", NULL);
		nlut_train_config_set(&c, "threads", i == 2 ? "1" : "2", NULL);
		t = train_digits(&c, &m);
		if (i == 1)
			check_group_sum_equal(t, m, "lut-flip");
		assert_int_equal(nlut_model_id(m, id[i]), 0);
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
	assert_string_not_equal(id[0], id[1]);
	assert_string_equal(id[1], id[2]);
}

/* map_epochs: the mapping learns for the first N epochs, then stays. N =
 * epochs is the same model as no limit; N = 1 another model, still equal
 * to the golden model, whose mapping is neither the initial one nor the
 * one learned over all epochs. */
static void test_map_epochs(void **state)
{
	char id[4][NLUT_ID_STR_SIZE];
	static const char *const lm[] = { "0", "1", "1", "1" }, *const me[] = { "0", "0", "4", "1" };
	nlut_model *keep[4] = { NULL };
	uint32_t moved03 = 0, moved13 = 0;

	(void)state;
	need_digits();
	for (int i = 0; i < 4; i++) {
		struct nlut_train_config c;
		nlut_trainer *t;

		lut_config(&c);
		nlut_train_config_set(&c, "epochs", "4", NULL);
		assert_int_equal(nlut_train_config_set(&c, "learn_map", lm[i], NULL), 0);
		assert_int_equal(nlut_train_config_set(&c, "map_epochs", me[i], NULL), 0);
		t = train_digits(&c, &keep[i]);
		if (i == 3)
			check_group_sum_equal(t, keep[i], "lut-map-epochs");
		assert_int_equal(nlut_model_id(keep[i], id[i]), 0);
		nlut_trainer_free(t);
	}
	assert_string_equal(id[1], id[2]);
	assert_string_not_equal(id[1], id[3]);
	/* Layer 1 (the first LUT layer, behind the encoder) reads encoder
	 * neurons; compare what they threshold: the same numbering only when
	 * the same bits are read, so compare by the encoder neuron's source. */
	for (uint32_t j = 0; j < nlut_model_layer(keep[0], 1)->n_neurons; j++) {
		const struct nlut_neuron *n0 = &nlut_model_layer(keep[0], 1)->neurons[j];
		const struct nlut_neuron *n1 = &nlut_model_layer(keep[1], 1)->neurons[j];
		const struct nlut_neuron *n3 = &nlut_model_layer(keep[3], 1)->neurons[j];

		for (uint32_t k = 0; k < n0->fan_in; k++) {
			uint32_t s0 = nlut_model_layer(keep[0], 0)->neurons[n0->src[k]].src[0];
			uint32_t s1 = nlut_model_layer(keep[1], 0)->neurons[n1->src[k]].src[0];
			uint32_t s3 = nlut_model_layer(keep[3], 0)->neurons[n3->src[k]].src[0];
			moved03 += s0 != s3;
			moved13 += s1 != s3;
		}
	}
	print_message("map_epochs = 1: %u layer-1 inputs moved from the initial mapping, %u differ from the mapping learned over 4 epochs\n",
		      moved03, moved13);
	assert_true(moved03 > 0);
	assert_true(moved13 > 0);
	for (int i = 0; i < 4; i++)
		nlut_model_free(keep[i]);
}

/* lut_blocks = 2: two members inside one network. Every neuron of the last
 * layer reads only its member's half of the layer below (the m-th half of
 * each class's group is member m's), the model decodes by the whole
 * groups' sums as any other and equals the golden model. */
static void test_blocks(void **state)
{
	struct nlut_train_config c;
	nlut_model *m = NULL;
	nlut_trainer *t;

	(void)state;
	need_digits();
	lut_config(&c);
	nlut_train_config_set(&c, "epochs", "8", NULL);
	assert_int_equal(nlut_train_config_set(&c, "lut_blocks", "2", NULL), 0);
	t = train_digits(&c, &m);
	double acc = check_group_sum_equal(t, m, "lut-blocks");

	print_message("binary LUT digits model, 2 members: test accuracy %.4f\n", acc);
	assert_true(acc > 0.80);
	assert_int_equal(nlut_model_num_layers(m), 3);
	const struct nlut_layer *top = nlut_model_layer(m, 2);
	uint32_t G = top->n_neurons / 10, below = nlut_model_layer(m, 1)->n_neurons;

	assert_int_equal(top->n_neurons, 100);
	for (uint32_t j = 0; j < top->n_neurons; j++) {
		uint32_t member = (j % G) / (G / 2);

		for (uint32_t k = 0; k < top->neurons[j].fan_in; k++)
			assert_int_equal(top->neurons[j].src[k] / (below / 2), member);
	}
	nlut_model_free(m);
	nlut_trainer_free(t);
	/* Members that do not split the layers: one line naming it. */
	lut_config(&c);
	nlut_train_config_set(&c, "lut_blocks", "3", NULL);
	assert_int_equal(nlut_trainer_new(&c, digits_train, &t), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "lut_blocks: 10 neurons per class"));
	assert_null(t);
	lut_config(&c);
	nlut_train_config_set(&c, "lut_blocks", "2", NULL);
	nlut_train_config_set(&c, "rewire", "1", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "lut_blocks"));
}

/* Same seed and config: the same model bit for bit, whatever the threads. */
static void test_reproducible(void **state)
{
	char id[3][NLUT_ID_STR_SIZE];
	static const char *const threads[] = { "1", "2", "2" };

	(void)state;
	need_digits();
	for (int i = 0; i < 3; i++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;

		lut_config(&c);
		nlut_train_config_set(&c, "epochs", "2", NULL);
		nlut_train_config_set(&c, "threads", threads[i], NULL);
		if (i == 2)
			nlut_train_config_set(&c, "seed", "2", NULL);
		t = train_digits(&c, &m);
		assert_int_equal(nlut_model_id(m, id[i]), 0);
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
	assert_string_equal(id[0], id[1]);
	assert_string_not_equal(id[0], id[2]);
}

static void test_config_errors(void **state)
{
	struct nlut_train_config c;
	nlut_trainer *t = NULL;

	(void)state;
	nlut_train_config_init(&c);
	assert_int_equal(nlut_train_config_set(&c, "neuron", "dwn", "x.cfg:1"),
			 NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "x.cfg:1"));
	assert_int_equal(nlut_train_config_set(&c, "thermometer", "0", NULL),
			 NLUT_ERROR_INVALID_PARAM);
	nlut_train_config_set(&c, "train", "x", NULL);
	nlut_train_config_set(&c, "neuron", "lut", NULL);
	nlut_train_config_set(&c, "layers", "40,20", NULL);
	nlut_train_config_set(&c, "fan_in", "9", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "at most 8"));
	/* 12 address bits would be fine for a NeuraLUT neuron of 2-bit codes
	 * at fan-in 6; 1-bit LUT inputs pass at 8. */
	nlut_train_config_set(&c, "fan_in", "8", NULL);
	assert_int_equal(nlut_train_config_check(&c), 0);

	need_digits();
	/* The data decide the rest: 3 thresholds do not fit 1-bit codes, and
	 * 25 neurons do not split into 10 classes. */
	lut_config(&c);
	nlut_train_config_set(&c, "in_bits", "1", NULL);
	assert_int_equal(nlut_trainer_new(&c, digits_train, &t), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "thermometer"));
	assert_null(t);
	lut_config(&c);
	nlut_train_config_set(&c, "layers", "50,25", NULL);
	assert_int_equal(nlut_trainer_new(&c, digits_train, &t), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "10 classes"));
	assert_null(t);
	/* lut_input = code: no thresholds, and whole codes into layer 0. */
	assert_int_equal(nlut_train_config_set(&c, "lut_input", "bits", NULL),
			 NLUT_ERROR_INVALID_PARAM);
	lut_config(&c);
	nlut_train_config_set(&c, "lut_input", "code", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "thermometer = 3"));
	nlut_train_config_set(&c, "thermometer", "1", NULL);
	nlut_train_config_set(&c, "fan_in", "5", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "not a multiple of in_bits = 2"));
	/* The dump a model keeps (train.config) reads back as lut_input = code. */
	struct nlut_train_config r;
	char *d = nlut_train_config_dump(&c);

	assert_non_null(d);
	assert_non_null(strstr(d, "lut_input = code\n"));
	nlut_train_config_init(&r);
	assert_int_equal(nlut_train_config_parse(&r, d, strlen(d), "dump"), 0);
	assert_int_equal(r.lut_code, 1);
	free(d);
	/* learn_map: binary LUT layers only, not rewired,
	 * no more layers than there are; map_window needs local mapping. */
	lut_config(&c);
	assert_int_equal(nlut_train_config_set(&c, "learn_map", "x", NULL), NLUT_ERROR_INVALID_PARAM);
	nlut_train_config_set(&c, "learn_map", "3", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "3 layers of 2"));
	nlut_train_config_set(&c, "learn_map", "1", NULL);
	nlut_train_config_set(&c, "rewire", "1", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "rewire"));
	nlut_train_config_set(&c, "rewire", "0", NULL);
	nlut_train_config_set(&c, "map_window", "5", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "connectivity = local"));
	nlut_train_config_set(&c, "map_window", "0", NULL);
	nlut_train_config_set(&c, "neuron", "net", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "neuron = lut"));
	/* ... and its dump reads back. */
	lut_config(&c);
	nlut_train_config_set(&c, "learn_map", "2", NULL);
	d = nlut_train_config_dump(&c);
	assert_non_null(d);
	nlut_train_config_init(&r);
	assert_int_equal(nlut_train_config_parse(&r, d, strlen(d), "dump"), 0);
	assert_int_equal(r.learn_map, 2);
	free(d);
	/* map_epochs needs learn_map; augment_flip is 0 or 1 and needs an image;
	 * both read back from the dump. */
	lut_config(&c);
	nlut_train_config_set(&c, "map_epochs", "2", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "map_epochs: needs learn_map"));
	assert_int_equal(nlut_train_config_set(&c, "augment_flip", "2", NULL),
			 NLUT_ERROR_INVALID_PARAM);
	nlut_train_config_set(&c, "learn_map", "1", NULL);
	nlut_train_config_set(&c, "augment_flip", "1", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "augment_flip needs image"));
	nlut_train_config_set(&c, "image", "8x8", NULL);
	assert_int_equal(nlut_train_config_check(&c), 0);
	d = nlut_train_config_dump(&c);
	assert_non_null(d);
	nlut_train_config_init(&r);
	assert_int_equal(nlut_train_config_parse(&r, d, strlen(d), "dump"), 0);
	assert_int_equal(r.map_epochs, 2);
	assert_int_equal(r.augment_flip, 1);
	free(d);
}

static int group_setup(void **state)
{
	struct nlut_train_config c;

	(void)state;
	lut_config(&c);
	return digits_load(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thermometer_model),
		cmocka_unit_test(test_one_bit_model),
		cmocka_unit_test(test_code_model),
		cmocka_unit_test(test_learned_map),
		cmocka_unit_test(test_learned_map_window),
		cmocka_unit_test(test_learned_map_code),
		cmocka_unit_test(test_shift_applies),
		cmocka_unit_test(test_flip_mirrors),
		cmocka_unit_test(test_flip_applies),
		cmocka_unit_test(test_map_epochs),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_config_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, digits_free);
}
