/* data.c - training data: loading, test split, pooling, input quantiser fit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

static struct nlut_dataset *ds_alloc(size_t rows, size_t cols, int labels)
{
	struct nlut_dataset *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->n_rows = rows;
	d->n_features = cols;
	d->x = malloc((rows && cols ? rows * cols : 1) * sizeof(float));
	if (labels)
		d->labels = malloc((rows ? rows : 1) * sizeof(int32_t));
	if (!d->x || (labels && !d->labels)) {
		nlut_data_free(d);
		return NULL;
	}
	return d;
}

/* Rows [first, first + n) of d as a new dataset. */
static struct nlut_dataset *ds_rows(const struct nlut_dataset *d, size_t first, size_t n)
{
	struct nlut_dataset *o = ds_alloc(n, d->n_features, d->labels != NULL);

	if (!o)
		return NULL;
	memcpy(o->x, d->x + first * d->n_features, n * d->n_features * sizeof(float));
	if (d->labels) {
		memcpy(o->labels, d->labels + first, n * sizeof(int32_t));
		o->n_classes = d->n_classes;
	}
	return o;
}

int nlut_train_preprocess(const struct nlut_train_config *c,
			  const struct nlut_dataset *raw, struct nlut_dataset **out)
{
	uint32_t p = c->pool, w = c->image_w, h = c->image_h;
	struct nlut_dataset *o;

	*out = NULL;
	if (p <= 1) {
		o = ds_rows(raw, 0, raw->n_rows);
		if (!o)
			return nt_fail(NLUT_ERROR_NO_MEM, "copy of the data");
		*out = o;
		return NLUT_SUCCESS;
	}
	if ((size_t)w * h != raw->n_features)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "image = %ux%u is %zu pixels but the data has %zu features",
			       w, h, (size_t)w * h, raw->n_features);
	uint32_t ow = w / p, oh = h / p;

	o = ds_alloc(raw->n_rows, (size_t)ow * oh, raw->labels != NULL);
	if (!o)
		return nt_fail(NLUT_ERROR_NO_MEM, "pooled data");
	for (size_t r = 0; r < raw->n_rows; r++) {
		const float *src = raw->x + r * raw->n_features;
		float *dst = o->x + r * o->n_features;

		for (uint32_t y = 0; y < oh; y++)
			for (uint32_t x = 0; x < ow; x++) {
				float s = 0.0f;

				for (uint32_t dy = 0; dy < p; dy++)
					for (uint32_t dx = 0; dx < p; dx++)
						s += src[(size_t)(y * p + dy) * w + x * p + dx];
				dst[y * ow + x] = s / (float)(p * p);
			}
	}
	if (raw->labels) {
		memcpy(o->labels, raw->labels, raw->n_rows * sizeof(int32_t));
		o->n_classes = raw->n_classes;
	}
	*out = o;
	return NLUT_SUCCESS;
}

/* Rows of d in a permutation seeded by seed (the random test split). */
static int shuffle_rows(struct nlut_dataset *d, uint64_t seed)
{
	struct nt_rng r;
	uint32_t *perm = malloc(d->n_rows * sizeof(uint32_t));
	struct nlut_dataset *o = ds_alloc(d->n_rows, d->n_features, 1);

	if (!perm || !o) {
		free(perm);
		nlut_data_free(o);
		return nt_fail(NLUT_ERROR_NO_MEM, "test split");
	}
	for (uint32_t i = 0; i < d->n_rows; i++)
		perm[i] = i;
	nt_rng_seed(&r, seed, 11);
	nt_rng_shuffle(&r, perm, (uint32_t)d->n_rows);
	for (size_t i = 0; i < d->n_rows; i++) {
		memcpy(o->x + i * d->n_features, d->x + (size_t)perm[i] * d->n_features,
		       d->n_features * sizeof(float));
		o->labels[i] = d->labels[perm[i]];
	}
	free(perm);
	free(d->x);
	free(d->labels);
	d->x = o->x;
	d->labels = o->labels;
	o->x = NULL;
	o->labels = NULL;
	nlut_data_free(o);
	return NLUT_SUCCESS;
}

int nlut_train_load_data(const struct nlut_train_config *c,
			 struct nlut_dataset **train, struct nlut_dataset **test)
{
	struct nlut_data_opts o;
	struct nlut_dataset *tr = NULL, *te = NULL, *a = NULL, *b = NULL;
	int rc;

	nt_clear_error();
	*train = NULL;
	*test = NULL;
	nlut_data_opts_init(&o);
	o.label_col = c->label_col;
	o.labels_path = c->train_labels[0] ? c->train_labels : NULL;
	rc = nlut_data_load(c->train_path, &o, &tr);
	if (rc)
		return nt_pass(rc, "train");
	if (!tr->labels) {
		rc = nt_fail(NLUT_ERROR_DATA,
			     "%s: no labels (IDX or npy data: name their file with train_labels)",
			     c->train_path);
		goto out;
	}
	if (c->test_path[0]) {
		o.labels_path = c->test_labels[0] ? c->test_labels : NULL;
		rc = nlut_data_load(c->test_path, &o, &te);
		if (rc) {
			rc = nt_pass(rc, "test");
			goto out;
		}
		if (!te->labels || te->n_features != tr->n_features) {
			rc = nt_fail(NLUT_ERROR_DATA,
				     "%s: %zu features%s; the training data has %zu",
				     c->test_path, te->n_features,
				     te->labels ? "" : " and no labels", tr->n_features);
			goto out;
		}
	} else if (c->test_rows) {
		if (c->test_rows >= tr->n_rows) {
			rc = nt_fail(NLUT_ERROR_DATA, "test_rows = %u but %s has %zu rows",
				     c->test_rows, c->train_path, tr->n_rows);
			goto out;
		}
		size_t keep = tr->n_rows - c->test_rows;
		struct nlut_dataset *head;

		if (c->test_random) {
			rc = shuffle_rows(tr, c->split_seed);
			if (rc)
				goto out;
		}
		head = ds_rows(tr, 0, keep);

		te = ds_rows(tr, keep, c->test_rows);
		if (!head || !te) {
			nlut_data_free(head);
			rc = nt_fail(NLUT_ERROR_NO_MEM, "test split");
			goto out;
		}
		nlut_data_free(tr);
		tr = head;
	}
	rc = nlut_train_preprocess(c, tr, &a);
	if (!rc && te)
		rc = nlut_train_preprocess(c, te, &b);
	if (rc)
		goto out;
	if (b && b->n_classes > a->n_classes)
		a->n_classes = b->n_classes;
	if (b)
		b->n_classes = a->n_classes;
	*train = a;
	*test = b;
	a = b = NULL;
out:
	nlut_data_free(tr);
	nlut_data_free(te);
	nlut_data_free(a);
	nlut_data_free(b);
	return rc;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* Low and high ends of values v[0..n) with fraction clip cut from each. */
static void range_of(float *v, size_t n, double clip, float *lo, float *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	if (clip <= 0.0) {
		for (size_t i = 0; i < n; i++) {
			if (isnan(v[i]))
				continue;
			if (v[i] < *lo)
				*lo = v[i];
			if (v[i] > *hi)
				*hi = v[i];
		}
		return;
	}
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			v[m++] = v[i];
	if (!m)
		return;
	qsort(v, m, sizeof(float), cmp_float);
	size_t k = (size_t)(clip * (double)m);

	if (k >= m)
		k = m - 1;
	*lo = v[k];
	*hi = v[m - 1 - k];
}

static void make_quant(uint32_t bits, float lo, float hi, struct nlut_quant *q)
{
	float levels = (float)((1u << bits) - 1u);

	q->bits = (uint8_t)bits;
	if (!isfinite(lo) || !isfinite(hi) || !(hi > lo)) {
		/* A constant feature: its value maps to code 0. */
		q->offset = isfinite(lo) ? lo : 0.0f;
		q->scale = 1.0f;
		return;
	}
	q->offset = lo;
	q->scale = levels / (hi - lo);
	if (!isfinite(q->scale) || !(q->scale > 0.0f))
		q->scale = 1.0f;
}

/* Samples a value per row, at most this many rows per feature. */
#define FIT_ROWS 16384u
#define FIT_VALUES (1u << 21)

int nt_fit_quant(const struct nlut_train_config *c, const float *x, size_t rows,
		 size_t cols, const uint32_t *idx, size_t n_idx,
		 struct nlut_quant *q)
{
	size_t stride, n;
	float *v, lo, hi;

	(void)rows;
	if (c->quant_fit == NLUT_QFIT_GLOBAL) {
		size_t total = n_idx * cols;

		stride = c->quant_clip > 0 && total > FIT_VALUES ? total / FIT_VALUES : 1;
		v = malloc((total / stride + 1) * sizeof(float));
		if (!v)
			return nt_fail(NLUT_ERROR_NO_MEM, "quantiser fit");
		n = 0;
		for (size_t k = 0; k < total; k += stride)
			v[n++] = x[(size_t)idx[k / cols] * cols + k % cols];
		range_of(v, n, c->quant_clip, &lo, &hi);
		for (size_t j = 0; j < cols; j++)
			make_quant(c->in_bits, lo, hi, &q[j]);
		free(v);
		return NLUT_SUCCESS;
	}
	stride = c->quant_clip > 0 && n_idx > FIT_ROWS ? n_idx / FIT_ROWS : 1;
	v = malloc((n_idx / stride + 1) * sizeof(float));
	if (!v)
		return nt_fail(NLUT_ERROR_NO_MEM, "quantiser fit");
	for (size_t j = 0; j < cols; j++) {
		n = 0;
		for (size_t k = 0; k < n_idx; k += stride)
			v[n++] = x[(size_t)idx[k] * cols + j];
		range_of(v, n, c->quant_clip, &lo, &hi);
		make_quant(c->in_bits, lo, hi, &q[j]);
	}
	free(v);
	return NLUT_SUCCESS;
}
