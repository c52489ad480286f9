/* bench_stream.c - host-side stream packing (nlut_stream_pack) in ns per
 * vector and per feature, against the byte-wise reference packer it replaced,
 * measured in the same run and checked byte for byte, for three shapes: the
 * digits model (64 x 2 bits), JSC-2L (16 x 4) and Fashion-MNIST (784 x 2),
 * and one of mixed widths (1..16 bits).
 * Usage: bench_stream [VECTORS] [RUNS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nlut/stream.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The packer before the accumulator: a read-modify-write per code byte. */
static void ref_pack(const struct nlut_stream_shape *s, size_t n, const uint16_t *codes, uint8_t *out)
{
	memset(out, 0, n * s->in_record);
	for (size_t v = 0; v < n; v++) {
		uint8_t *rec = out + v * s->in_record;
		const uint16_t *c = codes + v * s->n_inputs;
		uint32_t bit = 0;

		for (uint32_t i = 0; i < s->n_inputs; i++) {
			uint32_t x = (uint32_t)c[i] << (bit & 7);

			for (unsigned k = 0; x; k++, x >>= 8)
				rec[bit / 8 + k] |= (uint8_t)x;
			bit += s->in_bits[i];
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static int run(const char *name, uint32_t n_in, const uint8_t *bits, size_t vectors, int runs)
{
	struct nlut_stream_shape s = { .n_inputs = n_in, .in_bits = bits, .n_classes = 10,
				       .s_bytes = 64, .m_bytes = 64, .scores = 1 };
	double t_new[100], t_ref[100];

	if (nlut_stream_shape_init(&s))
		return 1;
	uint16_t *codes = malloc(vectors * n_in * sizeof(*codes));
	uint8_t *a = malloc(vectors * s.in_record), *b = malloc(vectors * s.in_record);

	if (!codes || !a || !b)
		return 1;
	for (size_t v = 0; v < vectors; v++)
		for (uint32_t i = 0; i < n_in; i++)
			codes[v * n_in + i] = (uint16_t)(next() & ((1u << bits[i]) - 1));
	for (int r = 0; r < runs; r++) {
		double t0 = now();

		if (nlut_stream_pack(&s, vectors, codes, a))
			return 1;
		t_new[r] = now() - t0;
		t0 = now();
		ref_pack(&s, vectors, codes, b);
		t_ref[r] = now() - t0;
		if (memcmp(a, b, vectors * s.in_record)) {
			fprintf(stderr, "bench_stream: %s: packers disagree\n", name);
			return 1;
		}
	}
	qsort(t_new, (size_t)runs, sizeof(double), cmp_double);
	qsort(t_ref, (size_t)runs, sizeof(double), cmp_double);
	double pv = 1e9 / (double)vectors;
	printf("%-16s %4u features %5zu B/vector  pack %8.1f ns/vector (%.2f ns/feature)  "
	       "reference %8.1f ns/vector  ratio %.2fx  (median of %d)\n",
	       name, n_in, s.in_record, t_new[runs / 2] * pv, t_new[runs / 2] * pv / n_in,
	       t_ref[runs / 2] * pv, t_ref[runs / 2] / t_new[runs / 2], runs);
	free(codes);
	free(a);
	free(b);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 65536;
	int runs = argc > 2 ? atoi(argv[2]) : 9;
	uint8_t bits[784];

	if (n < 1 || n > 1000000 || runs < 1 || runs > 100) {
		fprintf(stderr, "usage: bench_stream [VECTORS 1..1000000] [RUNS 1..100]\n");
		return 2;
	}
	memset(bits, 2, sizeof(bits));
	if (run("digits 64x2", 64, bits, n, runs) || run("fashion 784x2", 784, bits, n / 8 + 1, runs))
		return 1;
	memset(bits, 4, 16);
	if (run("jsc2l 16x4", 16, bits, n, runs))
		return 1;
	for (int i = 0; i < 100; i++)
		bits[i] = (uint8_t)(1 + i % 16);
	return run("mixed 100x1..16", 100, bits, n, runs);
}
