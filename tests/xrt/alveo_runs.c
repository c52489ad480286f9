/* alveo_runs.c - the emulated Alveo card through libnlut's public API and the
 * unmodified xrt transport: random codes (seeded) in runs of 1 vector, of odd
 * sizes and of the largest size (the board's run_vectors), double-buffered
 * (two runs in flight), a datapath reset between runs (sequence tags from 0
 * again), every class and score equal to the golden model's; all of it once
 * with codes (nlut_device_submit) and once with zero-copy records packed into
 * the mapped buffer objects and read back in place, then the two mixed.
 * Usage: alveo_runs MODEL VECTORS [SEED]   (the environment selects the
 * emulation: XILINX_XRT, LD_LIBRARY_PATH, XCL_EMULATION_MODE, NLUT_XCLBIN) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>

static int fail(const char *what, int err)
{
	fprintf(stderr, "alveo_runs: %s: %s: %s\n", what, nlut_strerror(err), nlut_error_detail());
	return 1;
}

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

struct run_set {
	nlut_device *d;
	const nlut_golden *g;
	uint32_t ni, nc;
	const uint16_t *codes;
	uint32_t *cls, *gcls;
	uint16_t *sc, *gsc;
};

enum mode { CODES, RECORDS, MIXED };

/* Zero-copy: pack vectors [v, v + b) into the card's input buffer. */
static int submit_records(struct run_set *s, size_t v, size_t b)
{
	uint8_t *rec;
	size_t stride;
	int err;

	if ((err = nlut_device_records_acquire(s->d, b, &rec, &stride)) ||
	    (err = nlut_device_pack(s->d, b, s->codes + v * s->ni, rec, stride)))
		return err;
	return nlut_device_records_submit(s->d, b, NULL, NULL, NULL);
}

/* Zero-copy: the oldest batch's results read where the card wrote them. */
static int collect_records(struct run_set *s, size_t v, size_t b)
{
	const uint8_t *res;
	size_t n, stride;
	int err;

	if ((err = nlut_device_records_collect(s->d, NULL, &res, &n, &stride)))
		return err;
	if (n != b)
		return fail("records_collect: batch size", NLUT_ERROR_OTHER);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *r = res + i * stride;

		s->cls[v + i] = nlut_result_class(r);
		for (uint32_t c = 0; c < s->nc; c++)
			s->sc[(v + i) * s->nc + c] = nlut_result_score(r, c);
	}
	return NLUT_SUCCESS;
}

/* Vectors [at, at + n) in batches of the sizes given, up to `inflight` in
 * flight, as codes or records (MIXED: alternately); then each result
 * against the golden model's. */
static int batches(struct run_set *s, size_t at, size_t n, const size_t *sizes, size_t n_sizes,
		   unsigned inflight, enum mode mode, const char *what)
{
	size_t sub = 0, col = 0, k = 0, q_n[64];
	int q_rec[64];
	int err;

	while (sub < n || nlut_device_inflight(s->d)) {
		while (sub < n && nlut_device_inflight(s->d) < inflight) {
			size_t b = sizes[k % n_sizes], v = at + sub;
			int rec = mode == RECORDS || (mode == MIXED && k % 2);

			if (b > n - sub)
				b = n - sub;
			q_n[k % 64] = b;
			q_rec[k++ % 64] = rec;
			if ((err = rec ? submit_records(s, v, b)
				       : nlut_device_submit(s->d, b, s->codes + v * s->ni, s->cls + v,
							    s->sc + v * s->nc, NULL)))
				return fail(what, err);
			sub += b;
		}
		size_t h = (k - nlut_device_inflight(s->d)) % 64, b = q_n[h];

		if ((err = q_rec[h] ? collect_records(s, at + col, b) : nlut_device_collect(s->d, NULL)))
			return fail(what, err);
		col += b;
	}
	for (size_t v = at; v < at + n; v++)
		if (s->cls[v] != s->gcls[v] || memcmp(s->sc + v * s->nc, s->gsc + v * s->nc, s->nc * 2)) {
			fprintf(stderr, "alveo_runs: %s: vector %zu: class %u, golden %u (or scores differ)\n",
				what, v, s->cls[v], s->gcls[v]);
			return 1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	nlut_model *m;
	nlut_golden *g;
	nlut_device *d;
	int err;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: alveo_runs MODEL VECTORS [SEED]\n");
		return 2;
	}
	size_t n = strtoul(argv[2], NULL, 10);
	rng = argc == 4 ? strtoull(argv[3], NULL, 0) : 1;
	printf("alveo_runs: seed %llu\n", (unsigned long long)rng);
	rng = rng * 2 + 1;
	if ((err = nlut_model_load(argv[1], &m)))
		return fail(argv[1], err);
	uint32_t ni = nlut_model_num_inputs(m), nc = nlut_model_num_classes(m);
	const struct nlut_quant *q = nlut_model_quant(m);
	uint16_t *codes = malloc(n * ni * sizeof(*codes)), *sc = calloc(n * nc, 2), *gsc = malloc(n * nc * 2);
	uint32_t *cls = calloc(n, 4), *gcls = malloc(n * 4);

	if (!codes || !sc || !gsc || !cls || !gcls)
		return fail("vectors", NLUT_ERROR_NO_MEM);
	for (size_t v = 0; v < n; v++)
		for (uint32_t i = 0; i < ni; i++)
			codes[v * ni + i] = (uint16_t)(rnd() & ((1u << q[i].bits) - 1));
	if ((err = nlut_golden_new(m, &g)) || (err = nlut_golden_eval_batch(g, n, codes, gsc, gcls, 1)))
		return fail("golden model", err);
	if ((err = nlut_device_open("alveo-u250", m, NULL, &d)))
		return fail("alveo-u250", err);
	struct run_set s = { d, g, ni, nc, codes, cls, gcls, sc, gsc };
	struct nlut_device_info info;

	if ((err = nlut_device_get_info(d, &info)))
		return fail("device info", err);
	/* Per mode: runs of one vector; odd sizes that straddle runs (records:
	 * three in flight on two buffer pairs, so results also leave a pair
	 * before they are read); the largest runs, two in flight (double
	 * buffering); then both mixed, and after a datapath reset the rest as
	 * records, so tags start from 0 again mid-stream. */
	static const size_t one[] = { 1 }, odd[] = { 7, 4097, 3, 1001 };
	const size_t full[] = { info.max_records }, per_mode = 5 + 20000 + 2 * info.max_records;
	static const enum mode modes[] = { CODES, RECORDS };
	static const char *const name[][3] = {
		{ "codes: runs of 1 vector", "codes: odd sizes", "codes: largest runs, double-buffered" },
		{ "records: runs of 1 vector", "records: odd sizes", "records: largest runs, double-buffered" },
	};
	size_t at = 0;

	if (!info.zero_copy || n < 2 * per_mode + 10000 + 1) {
		fprintf(stderr, "alveo_runs: VECTORS must be at least %zu (runs of %zu), and the board zero-copy\n",
			2 * per_mode + 10001, info.max_records);
		return 1;
	}
	for (int k = 0; k < 2; k++) {
		if (batches(&s, at, 5, one, 1, 1, modes[k], name[k][0]))
			return 1;
		at += 5;
		if (batches(&s, at, 20000, odd, 4, 3, modes[k], name[k][1]))
			return 1;
		at += 20000;
		if (batches(&s, at, 2 * info.max_records, full, 1, 2, modes[k], name[k][2]))
			return 1;
		at += 2 * info.max_records;
	}
	if (batches(&s, at, 10000, odd, 4, 2, MIXED, "codes and records mixed"))
		return 1;
	at += 10000;
	if ((err = nlut_device_reset(d)))
		return fail("datapath reset", err);
	if (batches(&s, at, n - at, full, 1, 2, RECORDS, "after a datapath reset"))
		return 1;
	struct nlut_counters c;

	if ((err = nlut_device_counters(d, &c)))
		return fail("counters", err);
	if (c.inputs != n - at || c.results != n - at || c.errors) {
		fprintf(stderr, "alveo_runs: counters after the reset: inputs %llu, results %llu, errors %u; "
			"expected %zu, %zu, 0\n", (unsigned long long)c.inputs, (unsigned long long)c.results,
			c.errors, n - at, n - at);
		return 1;
	}
	printf("alveo_runs: %zu vectors through the emulated alveo-u250 as codes, as zero-copy records and "
	       "mixed (runs of 1, odd sizes, %zu, double-buffered, reset after %zu): golden results\n", n,
	       info.max_records, at);
	nlut_device_close(d);
	nlut_golden_free(g);
	nlut_model_free(m);
	free(codes);
	free(sc);
	free(gsc);
	free(cls);
	free(gcls);
	return 0;
}
