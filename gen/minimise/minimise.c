/* minimise.c - covers of neuron tables, care counts from data, and whole
 * models rebuilt from minimised tables with dataset don't-cares. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nlut/golden.h>

#include "min_internal.h"

#define MAX_THREADS 64u

/* ---- error detail ---- */

static _Thread_local char detail[768];

int mn_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return err;
}

int mn_pass(int err, const char *what)
{
	const char *d = nlut_error_detail();

	return mn_fail(err, "%s: %s", what, d[0] ? d : nlut_strerror(err));
}

void mn_clear_error(void)
{
	detail[0] = '\0';
}

const char *nlut_min_error_detail(void)
{
	return detail;
}

void nlut_min_opts_init(struct nlut_min_opts *o)
{
	o->effort = 4;
	o->threads = 0;
	o->min_count = 1;
	o->radius = 0;
	o->layers = 0;
	o->fill = NLUT_MIN_FILL_MERGE;
}

static unsigned pick_threads(unsigned threads, size_t jobs)
{
	if (threads == 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		threads = c > 0 ? (unsigned)c : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (jobs < threads)
		threads = jobs ? (unsigned)jobs : 1;
	return threads;
}

/* ---- one table, one bit ---- */

/* The on-set and upper bound of bit `bit` of a table; care may be NULL. */
static void bit_sets(const uint16_t *table, unsigned n, unsigned bit, const uint8_t *care,
		     uint64_t *on, uint64_t *up)
{
	size_t nw = mn_words(n), na = (size_t)1 << n;

	memset(on, 0, nw * sizeof(*on));
	memset(up, 0, nw * sizeof(*up));
	for (size_t a = 0; a < na; a++) {
		uint64_t b = 1ull << (a & 63);
		int one = table[a] >> bit & 1, dc = care && !care[a];

		if (one && !dc)
			on[a >> 6] |= b;
		if (one || dc)
			up[a >> 6] |= b;
	}
}

static int to_cover(const struct mn_cubes *cs, unsigned n, struct nlut_cover **out)
{
	struct nlut_cover *c = calloc(1, sizeof(*c));

	if (!c)
		return mn_fail(NLUT_ERROR_NO_MEM, "cover");
	c->cubes = malloc((cs->n ? cs->n : 1) * sizeof(*c->cubes));
	if (!c->cubes) {
		free(c);
		return mn_fail(NLUT_ERROR_NO_MEM, "cover of %zu cubes", cs->n);
	}
	c->n_vars = n;
	c->n_cubes = (uint32_t)cs->n;
	for (size_t i = 0; i < cs->n; i++) {
		c->cubes[i] = cs->c[i];
		c->n_literals += (uint64_t)__builtin_popcount(cs->c[i].mask);
	}
	*out = c;
	return NLUT_SUCCESS;
}

int nlut_min_cover_table(const uint16_t *table, uint32_t addr_bits, unsigned bit,
			 const uint8_t *care, const struct nlut_min_opts *opts,
			 struct nlut_cover **out)
{
	struct nlut_min_opts def;
	struct mn_cubes cs = { 0 };
	uint64_t *on = NULL, *up = NULL;
	struct mn_ws *w = NULL;
	int err;

	if (!out)
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "out is NULL");
	*out = NULL;
	if (!table || addr_bits > NLUT_MAX_TABLE_BITS || bit >= 16)
		return mn_fail(NLUT_ERROR_INVALID_PARAM,
			       "table NULL, %u address bits (max %u) or bit %u (max 15)",
			       addr_bits, NLUT_MAX_TABLE_BITS, bit);
	mn_clear_error();
	if (!opts) {
		nlut_min_opts_init(&def);
		opts = &def;
	}
	size_t nw = mn_words(addr_bits);

	on = malloc(nw * sizeof(*on));
	up = malloc(nw * sizeof(*up));
	w = mn_ws_new(addr_bits);
	if (!on || !up || !w) {
		err = mn_fail(NLUT_ERROR_NO_MEM, "minimiser for %u address bits", addr_bits);
		goto out;
	}
	bit_sets(table, addr_bits, bit, care, on, up);
	err = mn_minimise(w, on, up, addr_bits, opts->effort, NULL, &cs, NULL);
	if (!err)
		err = to_cover(&cs, addr_bits, out);
out:
	free(cs.c);
	mn_ws_free(w);
	free(on);
	free(up);
	return err;
}

int nlut_min_cover(const struct nlut_neuron *n, unsigned bit, const uint8_t *care,
		   struct nlut_cover **out)
{
	if (out)
		*out = NULL;
	if (!n || !n->table || bit >= n->out_bits)
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "neuron NULL or bit %u not below %u", bit,
			       n ? n->out_bits : 0);
	return nlut_min_cover_table(n->table, n->addr_bits, bit, care, NULL, out);
}

void nlut_cover_free(struct nlut_cover *c)
{
	if (!c)
		return;
	free(c->cubes);
	free(c);
}

int nlut_cover_eval(const struct nlut_cover *c, uint32_t addr)
{
	for (uint32_t i = 0; c && i < c->n_cubes; i++)
		if ((addr & c->cubes[i].mask) == c->cubes[i].value)
			return 1;
	return 0;
}

/* ---- care counts ---- */

/* The tables of a model in order: per neuron its output table, then its
 * sub-tables. */
struct nlut_min_care {
	const nlut_model *m;
	uint32_t n_layers;
	uint32_t layer_first[NLUT_MAX_LAYERS + 1]; /* global neuron index */
	uint32_t n_neurons;
	size_t *neuron_table;  /* first table of each neuron */
	size_t n_tables;
	size_t *table_off;     /* start of each table's counts */
	uint16_t *counts;
	uint32_t max_width;    /* widest activation layer */
};

static uint32_t n_tables_of(const struct nlut_neuron *n)
{
	return n->kind == NLUT_NEURON_ADDER ? 1 + n->n_sub : 1;
}

static uint32_t table_bits(const struct nlut_neuron *n, uint32_t t)
{
	return t == 0 ? n->addr_bits : n->sub[t - 1].addr_bits;
}

static const uint16_t *table_of(const struct nlut_neuron *n, uint32_t t)
{
	return t == 0 ? n->table : n->sub[t - 1].table;
}

static const struct nlut_neuron *neuron_at(const nlut_model *m, uint32_t l, uint32_t j)
{
	return &nlut_model_layer(m, l)->neurons[j];
}

/* The minimiser works on truth tables: a LUT-Dense neuron (format 1.3) has
 * none over its whole fan-in. */
static int no_dense(const nlut_model *m)
{
	for (uint32_t l = 0; l < nlut_model_num_layers(m); l++)
		for (uint32_t j = 0; j < nlut_model_layer(m, l)->n_neurons; j++)
			if (nlut_model_layer(m, l)->neurons[j].kind == NLUT_NEURON_DENSE)
				return mn_fail(NLUT_ERROR_UNSUPPORTED,
					       "layer %u neuron %u is LUT-Dense (format 1.3): the minimiser "
					       "reads table and adder neurons only", l, j);
	return NLUT_SUCCESS;
}

int nlut_min_care_new(const nlut_model *m, nlut_min_care **out)
{
	int err;

	if (!out)
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "out is NULL");
	*out = NULL;
	if (!m)
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "model is NULL");
	mn_clear_error();
	if ((err = nlut_model_validate(m)))
		return mn_pass(err, "model");
	if ((err = no_dense(m)))
		return err;
	nlut_min_care *c = calloc(1, sizeof(*c));

	if (!c)
		return mn_fail(NLUT_ERROR_NO_MEM, "care counts");
	c->m = m;
	c->n_layers = nlut_model_num_layers(m);
	c->max_width = nlut_model_num_inputs(m);
	for (uint32_t l = 0; l < c->n_layers; l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);

		c->layer_first[l] = c->n_neurons;
		c->n_neurons += L->n_neurons;
		if (L->n_neurons > c->max_width)
			c->max_width = L->n_neurons;
		for (uint32_t j = 0; j < L->n_neurons; j++)
			c->n_tables += n_tables_of(&L->neurons[j]);
	}
	c->layer_first[c->n_layers] = c->n_neurons;
	c->neuron_table = malloc((c->n_neurons + 1) * sizeof(*c->neuron_table));
	c->table_off = malloc((c->n_tables + 1) * sizeof(*c->table_off));
	if (!c->neuron_table || !c->table_off) {
		nlut_min_care_free(c);
		return mn_fail(NLUT_ERROR_NO_MEM, "care counts");
	}
	size_t t = 0, off = 0;

	for (uint32_t l = 0; l < c->n_layers; l++)
		for (uint32_t j = 0; j < nlut_model_layer(m, l)->n_neurons; j++) {
			const struct nlut_neuron *n = neuron_at(m, l, j);

			c->neuron_table[c->layer_first[l] + j] = t;
			for (uint32_t k = 0; k < n_tables_of(n); k++) {
				c->table_off[t++] = off;
				off += (size_t)1 << table_bits(n, k);
			}
		}
	c->neuron_table[c->n_neurons] = t;
	c->table_off[t] = off;
	c->counts = calloc(off ? off : 1, sizeof(*c->counts));
	if (!c->counts) {
		nlut_min_care_free(c);
		return mn_fail(NLUT_ERROR_NO_MEM, "care counts for %zu table entries", off);
	}
	*out = c;
	return NLUT_SUCCESS;
}

void nlut_min_care_free(nlut_min_care *c)
{
	if (!c)
		return;
	free(c->neuron_table);
	free(c->table_off);
	free(c->counts);
	free(c);
}

static inline void bump(uint16_t *p)
{
	if (*p != UINT16_MAX)
		(*p)++;
}

/* The address of a table reading fan-in positions pos[0..n_in) (NULL =
 * all inputs in order) of neuron n, whose inputs are in prev. */
static uint32_t gather(const struct nlut_neuron *n, const uint32_t *pos, uint32_t n_in,
		       const uint16_t *prev)
{
	uint32_t a = 0;
	unsigned shift = 0;

	for (uint32_t k = 0; k < n_in; k++) {
		uint32_t p = pos ? pos[k] : k;

		a |= (uint32_t)prev[n->src[p]] << shift;
		shift += n->src_bits[p];
	}
	return a;
}

/*
 * The forward pass read literally from the format spec, counting every
 * table address on the way. scores receives the last layer's outputs; the
 * caller checks them against the golden model.
 */
static void count_one(nlut_min_care *c, const uint16_t *codes, uint16_t *buf0,
		      uint16_t *buf1, uint16_t *scores)
{
	const uint16_t *prev = codes;
	uint16_t *cur = buf0;

	for (uint32_t l = 0; l < c->n_layers; l++) {
		const struct nlut_layer *L = nlut_model_layer(c->m, l);

		for (uint32_t j = 0; j < L->n_neurons; j++) {
			const struct nlut_neuron *n = &L->neurons[j];
			size_t t = c->neuron_table[c->layer_first[l] + j];
			uint32_t a;

			if (n->kind == NLUT_NEURON_ADDER) {
				uint32_t sign = 1u << (n->sub_bits - 1), sum = 0;

				for (uint32_t s = 0; s < n->n_sub; s++) {
					const struct nlut_subtable *st = &n->sub[s];
					uint32_t sa = gather(n, st->in, st->n_in, prev);

					bump(&c->counts[c->table_off[t + 1 + s] + sa]);
					sum += (uint32_t)(st->table[sa] ^ sign) - sign;
				}
				a = sum & (uint32_t)((1ull << n->addr_bits) - 1u);
			} else {
				a = gather(n, NULL, n->fan_in, prev);
			}
			bump(&c->counts[c->table_off[t] + a]);
			cur[j] = n->table[a];
		}
		prev = cur;
		cur = cur == buf0 ? buf1 : buf0;
	}
	memcpy(scores, prev, nlut_model_num_classes(c->m) * sizeof(*scores));
}

int nlut_min_care_add_codes(nlut_min_care *c, size_t n, const uint16_t *codes,
			    unsigned threads)
{
	if (!c || (n && !codes))
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "care counts or codes is NULL");
	mn_clear_error();
	uint32_t ni = nlut_model_num_inputs(c->m), nc = nlut_model_num_classes(c->m);
	const struct nlut_quant *q = nlut_model_quant(c->m);

	for (size_t r = 0; r < n; r++)
		for (uint32_t i = 0; i < ni; i++)
			if (codes[r * ni + i] >> q[i].bits)
				return mn_fail(NLUT_ERROR_INVALID_PARAM,
					       "vector %zu input %u: code %u is over %u bits", r, i,
					       codes[r * ni + i], q[i].bits);

	/* Check the counting pass against the golden model, in chunks. */
	enum { CHUNK = 4096 };
	nlut_golden *g = NULL;
	uint16_t *buf = malloc(2 * (size_t)c->max_width * sizeof(*buf));
	uint16_t *mine = malloc((size_t)CHUNK * nc * sizeof(*mine));
	uint16_t *gold = malloc((size_t)CHUNK * nc * sizeof(*gold));
	int err = NLUT_SUCCESS;

	if (!buf || !mine || !gold) {
		err = mn_fail(NLUT_ERROR_NO_MEM, "care counting buffers");
		goto out;
	}
	if ((err = nlut_golden_new(c->m, &g))) {
		err = mn_pass(err, "golden model");
		goto out;
	}
	for (size_t r0 = 0; r0 < n; r0 += CHUNK) {
		size_t k = n - r0 < CHUNK ? n - r0 : CHUNK;

		for (size_t r = 0; r < k; r++)
			count_one(c, codes + (r0 + r) * ni, buf, buf + c->max_width,
				  mine + r * nc);
		if ((err = nlut_golden_eval_batch(g, k, codes + r0 * ni, gold, NULL, threads))) {
			err = mn_pass(err, "golden model");
			goto out;
		}
		if (memcmp(mine, gold, k * nc * sizeof(*mine))) {
			err = mn_fail(NLUT_ERROR_OTHER,
				      "internal error: care counting disagrees with the golden "
				      "model in vectors %zu..%zu", r0, r0 + k - 1);
			goto out;
		}
	}
out:
	nlut_golden_free(g);
	free(buf);
	free(mine);
	free(gold);
	return err;
}

uint32_t nlut_min_care_count(const nlut_min_care *c, uint32_t layer, uint32_t neuron,
			     uint32_t table, uint32_t addr)
{
	if (!c || layer >= c->n_layers ||
	    neuron >= c->layer_first[layer + 1] - c->layer_first[layer])
		return 0;
	const struct nlut_neuron *n = neuron_at(c->m, layer, neuron);

	if (table >= n_tables_of(n) || (addr >> table_bits(n, table)))
		return 0;
	size_t t = c->neuron_table[c->layer_first[layer] + neuron] + table;

	return c->counts[c->table_off[t] + addr];
}

/* ---- whole models ---- */

/* Figures and the new tables of one neuron. */
struct neuron_result {
	uint16_t **tables;  /* per table: the new entries (NULL = unchanged) */
	uint64_t entries, dont_care, changed;
	uint64_t cubes_before, literals_before, cubes_after, literals_after;
};

struct mjob {
	const nlut_model *m;
	const nlut_min_care *care;
	const struct nlut_min_opts *o;
	uint32_t n_neurons, max_bits;
	uint64_t layers;    /* layers that take don't-cares */
	uint32_t layer_first[NLUT_MAX_LAYERS + 1];
	struct neuron_result *res;
	pthread_mutex_t lock;
	uint32_t next;
	int err;
	char detail[768];
};

struct worker {
	struct mn_ws *ws;
	uint64_t *on, *up, *f;
	uint8_t *care, *grown, *bitv;
	struct mn_cubes cs;
};


static uint64_t literals_of(const struct mn_cubes *cs)
{
	uint64_t n = 0;

	for (size_t i = 0; i < cs->n; i++)
		n += (uint64_t)__builtin_popcount(cs->c[i].mask);
	return n;
}

/* The address fields of table t of neuron n: shift and width of each input. */
static unsigned table_fields(const struct nlut_neuron *n, uint32_t t, uint8_t *shift,
			     uint8_t *width)
{
	const uint32_t *pos = t ? n->sub[t - 1].in : NULL;
	uint32_t n_in = t ? n->sub[t - 1].n_in : n->fan_in;
	unsigned sh = 0;

	for (uint32_t k = 0; k < n_in; k++) {
		shift[k] = (uint8_t)sh;
		width[k] = n->src_bits[pos ? pos[k] : k];
		sh += width[k];
	}
	return n_in;
}

/*
 * The care set of table t: addresses counted at least min_count times, then
 * `radius` times grown by the addresses one input code step (+1 or -1 in
 * one input) from a care address: every address within that L1 distance of
 * a counted one, in input codes. An adder's output table (addressed by a
 * sum) is not grown.
 * Returns the number of don't-care addresses.
 */
static uint64_t care_set(const struct mjob *j, struct worker *wk, const struct nlut_neuron *n,
			 uint32_t t, const uint16_t *count)
{
	unsigned nb = table_bits(n, t);
	size_t na = (size_t)1 << nb;
	uint8_t *care = wk->care, *grown = wk->grown;
	uint8_t shift[NLUT_MAX_FAN_IN], width[NLUT_MAX_FAN_IN];
	uint64_t dc = 0;

	for (size_t a = 0; a < na; a++)
		care[a] = count[a] >= j->o->min_count;
	unsigned nf = (n->kind == NLUT_NEURON_ADDER && t == 0) ? 0 : table_fields(n, t, shift, width);

	for (unsigned r = 0; r < j->o->radius && nf; r++) {
		memcpy(grown, care, na);
		for (size_t a = 0; a < na; a++) {
			if (!care[a])
				continue;
			for (unsigned k = 0; k < nf; k++) {
				size_t one = (size_t)1 << shift[k];
				size_t code = a >> shift[k] & (((size_t)1 << width[k]) - 1);

				if (code > 0)
					grown[a - one] = 1;
				if (code + 1 < ((size_t)1 << width[k]))
					grown[a + one] = 1;
			}
		}
		memcpy(care, grown, na);
	}
	for (size_t a = 0; a < na; a++)
		dc += !care[a];
	return dc;
}

/*
 * Table t of neuron n: the covers of the original bits; with don't-cares
 * the new table, filled from the covers minimised with them, and that
 * table's own covers.
 */
static int min_table(const struct mjob *j, struct worker *wk, const struct nlut_neuron *n,
		     uint32_t t, const uint16_t *count, struct neuron_result *r)
{
	unsigned nb = table_bits(n, t), width = t == 0 ? n->out_bits : n->sub_bits;
	const uint16_t *old = table_of(n, t);
	size_t na = (size_t)1 << nb;
	unsigned effort = j->o->effort;
	uint16_t *nt = NULL;
	uint64_t dc = count ? care_set(j, wk, n, t, count) : 0;
	int err;

	r->entries += na;
	r->dont_care += dc;
	if (dc) {
		nt = calloc(na, sizeof(*nt));
		if (!nt)
			return mn_fail(NLUT_ERROR_NO_MEM, "table of %zu entries", na);
		r->tables[t] = nt;
	}
	for (unsigned b = 0; b < width; b++) {
		bit_sets(old, nb, b, NULL, wk->on, wk->up);
		if ((err = mn_minimise(wk->ws, wk->on, wk->up, nb, effort, NULL, &wk->cs, NULL)))
			return err;
		r->cubes_before += wk->cs.n;
		r->literals_before += literals_of(&wk->cs);
		if (!dc)
			continue;
		if (j->o->fill == NLUT_MIN_FILL_MERGE) {
			for (size_t a = 0; a < na; a++)
				wk->bitv[a] = old[a] >> b & 1;
			if ((err = mn_fill_merge(wk->bitv, wk->care, nb, wk->grown)))
				return err;
			for (size_t a = 0; a < na; a++)
				nt[a] |= (uint16_t)(wk->grown[a] << b);
			continue;
		}
		bit_sets(old, nb, b, wk->care, wk->on, wk->up);
		if ((err = mn_minimise(wk->ws, wk->on, wk->up, nb, effort, NULL, &wk->cs, wk->f)))
			return err;
		for (size_t a = 0; a < na; a++)
			nt[a] |= (uint16_t)((wk->f[a >> 6] >> (a & 63) & 1) << b);

	}
	if (!dc) {
		r->cubes_after = r->cubes_before;
		r->literals_after = r->literals_before;
		return NLUT_SUCCESS;
	}
	/* The new table's own covers: what a generator gets from it. */
	for (size_t a = 0; a < na; a++)
		r->changed += nt[a] != old[a];
	for (unsigned b = 0; b < width; b++) {
		bit_sets(nt, nb, b, NULL, wk->on, wk->up);
		if ((err = mn_minimise(wk->ws, wk->on, wk->up, nb, effort, NULL, &wk->cs, NULL)))
			return err;
		r->cubes_after += wk->cs.n;
		r->literals_after += literals_of(&wk->cs);
	}
	return NLUT_SUCCESS;
}

static int min_neuron(struct mjob *j, struct worker *wk, uint32_t g)
{
	uint32_t l = 0;

	while (g >= j->layer_first[l + 1])
		l++;
	const struct nlut_neuron *n = neuron_at(j->m, l, g - j->layer_first[l]);
	struct neuron_result *r = &j->res[g];
	uint32_t nt = n_tables_of(n);
	int err;

	r->tables = calloc(nt, sizeof(*r->tables));
	if (!r->tables)
		return mn_fail(NLUT_ERROR_NO_MEM, "neuron tables");
	for (uint32_t t = 0; t < nt; t++) {
		const uint16_t *count = NULL;

		if (j->care && (j->layers >> l & 1)) {
			size_t ti = j->care->neuron_table[g] + t;

			count = j->care->counts + j->care->table_off[ti];
		}
		if ((err = min_table(j, wk, n, t, count, r)))
			return mn_fail(err, "layer %u neuron %u table %u: %s", l,
				       g - j->layer_first[l], t, nlut_min_error_detail());
	}
	return NLUT_SUCCESS;
}

static void *worker_main(void *arg)
{
	struct mjob *j = arg;
	struct worker wk = { 0 };
	size_t nw = mn_words(j->max_bits);
	int err = NLUT_SUCCESS;

	wk.ws = mn_ws_new(j->max_bits);
	wk.on = malloc(nw * sizeof(uint64_t));
	wk.up = malloc(nw * sizeof(uint64_t));
	wk.f = malloc(nw * sizeof(uint64_t));
	wk.care = malloc((size_t)1 << j->max_bits);
	wk.grown = malloc((size_t)1 << j->max_bits);
	wk.bitv = malloc((size_t)1 << j->max_bits);
	if (!wk.ws || !wk.on || !wk.up || !wk.f || !wk.care || !wk.grown || !wk.bitv)
		err = mn_fail(NLUT_ERROR_NO_MEM, "minimiser workspace for %u address bits",
			      j->max_bits);
	for (;;) {
		pthread_mutex_lock(&j->lock);
		if (err && !j->err) {
			j->err = err;
			snprintf(j->detail, sizeof(j->detail), "%s", nlut_min_error_detail());
		}
		uint32_t g = j->err ? j->n_neurons : j->next++;

		pthread_mutex_unlock(&j->lock);
		if (g >= j->n_neurons)
			break;
		err = min_neuron(j, &wk, g);
	}
	free(wk.cs.c);
	free(wk.care);
	free(wk.grown);
	free(wk.bitv);
	free(wk.on);
	free(wk.up);
	free(wk.f);
	mn_ws_free(wk.ws);
	return NULL;
}

static void add_stats(struct nlut_min_layer_stats *s, const struct neuron_result *r)
{
	s->entries += r->entries;
	s->dont_care += r->dont_care;
	s->changed += r->changed;
	s->cubes_before += r->cubes_before;
	s->literals_before += r->literals_before;
	s->cubes_after += r->cubes_after;
	s->literals_after += r->literals_after;
}

static void sum_stats(struct nlut_min_layer_stats *t, const struct nlut_min_layer_stats *s)
{
	t->neurons += s->neurons;
	t->adders += s->adders;
	t->tables += s->tables;
	t->entries += s->entries;
	t->dont_care += s->dont_care;
	t->changed += s->changed;
	t->cubes_before += s->cubes_before;
	t->literals_before += s->literals_before;
	t->cubes_after += s->cubes_after;
	t->literals_after += s->literals_after;
}

/* The same model with the new tables, through the public builder. */
static int rebuild(const nlut_model *m, const struct mjob *j, nlut_model **out)
{
	uint32_t nl = nlut_model_num_layers(m);
	nlut_model *nm = NULL;
	int err;

	if ((err = nlut_model_new(nlut_model_num_inputs(m), nlut_model_quant(m), &nm)))
		return mn_pass(err, "new model");
	for (uint32_t l = 0; l < nl && !err; l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);

		if ((err = nlut_model_add_layer(nm, L->n_neurons)) < 0)
			break;
		err = 0;
		for (uint32_t k = 0; k < L->n_neurons && !err; k++) {
			const struct nlut_neuron *n = &L->neurons[k];
			uint16_t **tabs = j->res[j->layer_first[l] + k].tables;
			const uint16_t *out_t = tabs[0] ? tabs[0] : n->table;

			if (n->kind != NLUT_NEURON_ADDER) {
				err = nlut_model_set_neuron(nm, l, k, n->fan_in, n->src, n->out_bits,
							    out_t);
				continue;
			}
			uint32_t sub_n[NLUT_MAX_SUBTABLES], sub_in[NLUT_MAX_SUBTABLES * NLUT_MAX_FAN_IN];
			const uint16_t *subs[NLUT_MAX_SUBTABLES];
			uint32_t p = 0;

			for (uint32_t s = 0; s < n->n_sub; s++) {
				sub_n[s] = n->sub[s].n_in;
				for (uint32_t i = 0; i < n->sub[s].n_in; i++)
					sub_in[p++] = n->sub[s].in[i];
				subs[s] = tabs[1 + s] ? tabs[1 + s] : n->sub[s].table;
			}
			err = nlut_model_set_neuron_adder(nm, l, k, n->fan_in, n->src, n->out_bits,
							  n->sub_bits, n->n_sub, sub_n, sub_in,
							  subs, out_t);
		}
	}
	/* The output decoding too: group sums, a threshold. */
	int th_s;
	int32_t th_t;

	if (!err && nlut_model_decoding(m) == NLUT_DECODE_GROUP_SUM)
		err = nlut_model_set_group_sum(nm, nlut_model_num_classes(m));
	if (!err && nlut_model_threshold(m, &th_s, &th_t))
		err = nlut_model_set_threshold(nm, th_s, th_t);
	for (uint32_t i = 0; i < nlut_model_meta_count(m) && !err; i++) {
		const char *key, *value;

		if (!(err = nlut_model_meta_at(m, i, &key, &value)))
			err = nlut_model_set_meta(nm, key, value);
	}
	if (!err)
		err = nlut_model_validate(nm);
	if (err) {
		nlut_model_free(nm);
		return mn_pass(err, "rebuilding the model");
	}
	*out = nm;
	return NLUT_SUCCESS;
}

int nlut_minimise_model(const nlut_model *m, const nlut_min_care *care,
			const struct nlut_min_opts *opts, nlut_model **out,
			struct nlut_min_stats *stats)
{
	struct nlut_min_opts def;
	struct mjob j;
	int err;

	if (!out)
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "out is NULL");
	*out = NULL;
	if (!m)
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "model is NULL");
	if (care && care->m != m)
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "care counts belong to another model");
	if (!opts) {
		nlut_min_opts_init(&def);
		opts = &def;
	}
	if (opts->min_count < 1)
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "min_count must be at least 1");
	mn_clear_error();
	if ((err = nlut_model_validate(m)))
		return mn_pass(err, "model");
	if ((err = no_dense(m)))
		return err;

	memset(&j, 0, sizeof(j));
	j.m = m;
	j.care = care;
	j.o = opts;
	uint32_t nl = nlut_model_num_layers(m);

	for (uint32_t l = 0; l < nl; l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);

		j.layer_first[l] = j.n_neurons;
		j.n_neurons += L->n_neurons;
		for (uint32_t k = 0; k < L->n_neurons; k++)
			for (uint32_t t = 0; t < n_tables_of(&L->neurons[k]); t++)
				if (table_bits(&L->neurons[k], t) > j.max_bits)
					j.max_bits = table_bits(&L->neurons[k], t);
	}
	j.layer_first[nl] = j.n_neurons;
	/* Default: every layer but the last, whose outputs are the class
	 * scores: a free score at an unseen address decides argmax directly. */
	j.layers = opts->layers ? opts->layers : ((1ull << (nl - 1)) - 1u);
	j.res = calloc(j.n_neurons, sizeof(*j.res));
	if (!j.res)
		return mn_fail(NLUT_ERROR_NO_MEM, "results of %u neurons", j.n_neurons);
	pthread_mutex_init(&j.lock, NULL);

	unsigned nt = pick_threads(opts->threads, j.n_neurons), started = 0;
	pthread_t tid[MAX_THREADS];

	for (unsigned i = 1; i < nt; i++, started++)
		if (pthread_create(&tid[i - 1], NULL, worker_main, &j))
			break;
	worker_main(&j);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&j.lock);

	if (j.err) {
		err = mn_fail(j.err, "%s", j.detail);
	} else {
		err = rebuild(m, &j, out);
	}
	if (!err && stats) {
		memset(stats, 0, sizeof(*stats));
		stats->n_layers = nl;
		for (uint32_t l = 0; l < nl; l++) {
			struct nlut_min_layer_stats *s = &stats->layer[l];

			for (uint32_t g = j.layer_first[l]; g < j.layer_first[l + 1]; g++) {
				const struct nlut_neuron *n = neuron_at(m, l, g - j.layer_first[l]);

				s->neurons++;
				s->adders += n->kind == NLUT_NEURON_ADDER;
				s->tables += n_tables_of(n);
				add_stats(s, &j.res[g]);
			}
			sum_stats(&stats->total, s);
		}
	}
	for (uint32_t g = 0; g < j.n_neurons; g++) {
		if (!j.res[g].tables)
			continue;
		const struct nlut_neuron *n = NULL;
		uint32_t l = 0;

		while (g >= j.layer_first[l + 1])
			l++;
		n = neuron_at(m, l, g - j.layer_first[l]);
		for (uint32_t t = 0; t < n_tables_of(n); t++)
			free(j.res[g].tables[t]);
		free(j.res[g].tables);
	}
	free(j.res);
	return err;
}
