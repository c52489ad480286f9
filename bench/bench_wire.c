/* bench_wire.c - wire-protocol parser throughput (MB/s) on good frames and on
 * the hostile streams of issue 15: frame headers claiming 60,000-byte
 * payloads with bad CRCs, and a run of sync bytes alone. The parser is
 * linear: the hostile streams must not parse slower than a small multiple of
 * the good ones. Usage: bench_wire [MEGABYTES] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nlut/wire.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long frames, errors;

static void on_frame(void *u, const struct nlut_wire_frame *f)
{
	(void)u;
	(void)f;
	frames++;
}

static void on_error(void *u, enum nlut_wire_errcode c, uint16_t seq)
{
	(void)u;
	(void)c;
	(void)seq;
	errors++;
}

static void run(const char *name, const uint8_t *s, size_t n)
{
	static uint8_t buf[NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD];
	static struct nlut_wire_parser p;
	double t0, t;

	frames = errors = 0;
	nlut_wire_parser_init(&p, buf, sizeof(buf), on_frame, on_error, NULL);
	t0 = now();
	for (size_t at = 0; at < n; at += 16384)
		nlut_wire_feed(&p, s + at, n - at < 16384 ? n - at : 16384);
	t = now() - t0;
	printf("%-40s %8.1f MB/s  %9lu frames %9lu errors\n", name, (double)n / t / 1e6, frames,
	       errors);
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoull(argv[1], NULL, 0) : 64, n = mb << 20, k;
	uint8_t *s = malloc(n + 70000), pay[4096];

	if (!s || !mb) {
		fprintf(stderr, "usage: bench_wire [MEGABYTES >= 1]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(pay); i++)
		pay[i] = (uint8_t)(i * 13);
	/* Good VECTORS frames of 4 KiB. */
	for (k = 0; k + NLUT_WIRE_OVERHEAD + sizeof(pay) <= n;)
		k += nlut_wire_encode(NLUT_WIRE_VECTORS, (uint16_t)k, pay, sizeof(pay), s + k);
	run("good 4 KiB frames", s, k);
	/* A header claiming 60,000 bytes every 12 bytes: each a candidate. */
	for (k = 0; k + 12 <= n; k += 12) {
		memset(s + k, 0, 12);
		s[k] = NLUT_WIRE_SYNC0;
		s[k + 1] = NLUT_WIRE_SYNC1;
		s[k + 2] = NLUT_WIRE_VECTORS;
		s[k + 8] = 60000 & 0xFF;
		s[k + 9] = 60000 >> 8;
	}
	run("60,000-byte headers, bad CRCs", s, k);
	memset(s, NLUT_WIRE_SYNC0, n);
	run("sync bytes alone", s, n);
	free(s);
	return 0;
}
