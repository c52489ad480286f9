/* bench_usb.c - "usb loop": vectors/s through the usb transport, real
 * libusb, and an FT601 board emulated under umockdev (tests/usb/ft601_emu.c:
 * the firmware's protocol engine over the golden board), for a sweep of
 * batch sizes with four batches in flight. It measures the host side and
 * the emulation, not a real bus. Re-runs itself under umockdev-wrapper.
 * Usage: bench_usb [VECTORS_PER_POINT] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nlut/nlut.h>

#include "ft601_emu.h"
#include "random_model.h"

#define INFLIGHT 4

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	static const size_t batches[] = { 16, 64, 256, 1024, 4096, 16384, 65536 };
	const char *pre = getenv("LD_PRELOAD");
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 400000;
	struct nlut_device_opts o;
	struct ft601_emu *emu;
	struct rm_spec sp;
	nlut_device *d;
	nlut_model *m;
	nlut_golden *g;
	int err;

	if (!pre || !strstr(pre, "libumockdev-preload")) {
		execvp("umockdev-wrapper", (char *[]){ "umockdev-wrapper", argv[0], argc > 1 ? argv[1] : NULL,
						       NULL });
		fprintf(stderr, "bench_usb: needs umockdev-wrapper (Debian: umockdev)\n");
		return 1;
	}
	if (n < 1) {
		fprintf(stderr, "usage: bench_usb [VECTORS_PER_POINT >= 1]\n");
		return 2;
	}
	rm_jsc2l_spec(&sp);
	m = rm_build(&sp, 1);
	if (!m || nlut_golden_new(m, &g)) {
		fprintf(stderr, "bench_usb: cannot build the model: %s\n", nlut_error_detail());
		return 1;
	}
	if (ft601_emu_start(NLUT_SOURCE_DIR "/boards", "ft601-a7", m, 1, &emu))
		return 1;
	nlut_device_opts_init(&o);
	o.boards_dir = NLUT_SOURCE_DIR "/boards";
	if ((err = nlut_device_open("ft601-a7", m, &o, &d))) {
		fprintf(stderr, "bench_usb: %s\n", nlut_error_detail());
		return 1;
	}
	uint16_t *codes = malloc(n * 16 * sizeof(*codes));
	uint32_t *cls = malloc(n * sizeof(*cls)), *want = malloc(n * sizeof(*want));

	if (!codes || !cls || !want)
		return 1;
	rm_codes(m, 2, n, codes);
	nlut_golden_eval_batch(g, n, codes, NULL, want, 1);
	printf("usb loop: JSC-2L-sized model (8-byte input, 24-byte result records), %zu vectors per point, %d batches in flight\n",
	       n, INFLIGHT);
	printf("%8s %12s %10s %10s %8s\n", "batch", "vectors/s", "in MB/s", "out MB/s", "check");
	for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		size_t bs = batches[b], at = 0;
		double t0 = now();

		memset(cls, 0xff, n * sizeof(*cls));
		while (!err && (at < n || nlut_device_inflight(d))) {
			while (!err && at < n && nlut_device_inflight(d) < INFLIGHT) {
				size_t k = n - at < bs ? n - at : bs;

				err = nlut_device_submit(d, k, codes + at * 16, cls + at, NULL, NULL);
				at += k;
			}
			if (!err)
				err = nlut_device_collect(d, NULL);
		}
		double t = now() - t0;

		if (err) {
			fprintf(stderr, "bench_usb: batch %zu: %s\n", bs, nlut_error_detail());
			return 1;
		}
		printf("%8zu %12.0f %10.1f %10.1f %8s\n", bs, (double)n / t, (double)n * 8 / t / 1e6,
		       (double)n * 24 / t / 1e6, memcmp(cls, want, n * sizeof(*cls)) ? "WRONG" : "ok");
	}
	nlut_device_close(d);
	ft601_emu_stop(emu);
	nlut_golden_free(g);
	nlut_model_free(m);
	free(codes);
	free(cls);
	free(want);
	return 0;
}
