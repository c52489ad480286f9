/* alveo_runs.c - the emulated Alveo card through libnlut's public API and the
 * unmodified xrt transport: random codes (seeded) in runs of 1 vector, of odd
 * sizes and of the largest size (the board's run_vectors), double-buffered
 * (two runs in flight), a datapath reset between runs (sequence tags from 0
 * again), every class and score equal to the golden model's.
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

/* Vectors [at, at + n) in batches of the sizes given, up to `inflight` in
 * flight; then each result against the golden model's. */
static int batches(struct run_set *s, size_t at, size_t n, const size_t *sizes, size_t n_sizes,
		   unsigned inflight, const char *what)
{
	size_t sub = 0, k = 0;
	int err;

	while (sub < n || nlut_device_inflight(s->d)) {
		while (sub < n && nlut_device_inflight(s->d) < inflight) {
			size_t b = sizes[k++ % n_sizes];

			if (b > n - sub)
				b = n - sub;
			if ((err = nlut_device_submit(s->d, b, s->codes + (at + sub) * s->ni, s->cls + at + sub,
						      s->sc + (at + sub) * s->nc, NULL)))
				return fail(what, err);
			sub += b;
		}
		if ((err = nlut_device_collect(s->d, NULL)))
			return fail(what, err);
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

	if (!codes || !sc || !gsc || !cls || !gcls || n < 70000)
		return fail("VECTORS (at least 70000)", NLUT_ERROR_INVALID_PARAM);
	for (size_t v = 0; v < n; v++)
		for (uint32_t i = 0; i < ni; i++)
			codes[v * ni + i] = (uint16_t)(rnd() & ((1u << q[i].bits) - 1));
	if ((err = nlut_golden_new(m, &g)) || (err = nlut_golden_eval_batch(g, n, codes, gsc, gcls, 1)))
		return fail("golden model", err);
	if ((err = nlut_device_open("alveo-u250", m, NULL, &d)))
		return fail("alveo-u250", err);
	struct run_set s = { d, g, ni, nc, codes, cls, gcls, sc, gsc };
	/* Runs of one vector; odd sizes that straddle runs; the largest runs
	 * (run_vectors = 16384, both slots busy); then after a datapath reset
	 * the rest, so tags start from 0 again mid-stream. */
	static const size_t one[] = { 1 }, odd[] = { 7, 4097, 3, 1001 }, full[] = { 16384 };
	size_t at = 0;

	if (batches(&s, at, 5, one, 1, 1, "runs of 1 vector"))
		return 1;
	at += 5;
	if (batches(&s, at, 20000, odd, 4, 3, "odd sizes"))
		return 1;
	at += 20000;
	if (batches(&s, at, 2 * 16384, full, 1, 2, "largest runs, double-buffered"))
		return 1;
	at += 2 * 16384;
	if ((err = nlut_device_reset(d)))
		return fail("datapath reset", err);
	if (batches(&s, at, n - at, full, 1, 2, "after a datapath reset"))
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
	printf("alveo_runs: %zu vectors through the emulated alveo-u250 (runs of 1, odd sizes, 16384, "
	       "double-buffered, reset after %zu): golden results\n", n, at);
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
