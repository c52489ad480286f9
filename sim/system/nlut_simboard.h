/* nlut_simboard.h - the simulated board: the Verilated nlut_shell (core,
 * shell, controller running the firmware) behind a C interface. One shared
 * object per model and board shape (nlut_simboard.so, built by
 * sim/system/nlut-sim-build); the `sim` transport and the full-system
 * testbench both drive it through these functions only. */
#ifndef NLUT_SIMBOARD_H
#define NLUT_SIMBOARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change; the loader refuses other versions. */
#define NLUT_SIMBOARD_ABI 1

struct nlut_simboard;

struct nlut_simboard_config {
	/* Percent of cycles the board's stream master holds s_axis_tvalid low
	 * between beats, and its result sink holds m_axis_tready low (random,
	 * from seed). 0 and 0 for full speed. */
	unsigned in_idle_pct, out_stall_pct;
	uint64_t seed;
	/* FST waveform file, or NULL. Only when built with tracing. */
	const char *trace_file;
};

/* Everything the board is built with (from the shared object itself). */
struct nlut_simboard_info {
	unsigned s_bytes, m_bytes, scores;
	unsigned in_record, out_record; /* bytes of one input / result record */
	unsigned latency;               /* core latency in cycles */
	uint8_t model_hash[32];
};

/* Functions the shared object exports (names as written, C linkage). */
int nlut_simboard_abi(void); /* NLUT_SIMBOARD_ABI */
void nlut_simboard_get_info(struct nlut_simboard_info *info);
/* Reset the board (rst for 16 cycles) and run until the firmware has
 * booted: STATUS.FW_ALIVE is 1 and BIST_STATUS.DONE says the boot
 * self-test has finished (at most 8 million cycles). The stream stays
 * disabled (CTRL.ENABLE 0). NULL with a message in err on failure. */
struct nlut_simboard *nlut_simboard_new(const struct nlut_simboard_config *c, char *err,
					size_t errlen);
void nlut_simboard_free(struct nlut_simboard *b);
/* AXI4-Lite access at a byte offset of the register map, clocking the
 * model until the response arrives. 0, or -1 when the slave answered with
 * an error response or did not answer in 100000 cycles. */
int nlut_simboard_read32(struct nlut_simboard *b, uint32_t off, uint32_t *v);
int nlut_simboard_write32(struct nlut_simboard *b, uint32_t off, uint32_t v);
/* Queue len bytes of whole input records for s_axis (copied; TLAST on the
 * last beat of each record). Does not clock. -1 if len is not whole
 * records. */
int nlut_simboard_send(struct nlut_simboard *b, const uint8_t *buf, size_t len);
/* Clock the model, feeding queued input, until len result bytes have come
 * out of m_axis or max_cycles have run; copies what came (at most len
 * bytes) into buf and returns the count. Result bytes beyond len stay
 * queued for the next call. */
size_t nlut_simboard_recv(struct nlut_simboard *b, uint8_t *buf, size_t len, uint64_t max_cycles);
/* Clock n cycles (feeding input, queueing results). */
void nlut_simboard_run(struct nlut_simboard *b, uint64_t n);
/* Cycles run since nlut_simboard_new; input bytes still queued. */
uint64_t nlut_simboard_cycles(const struct nlut_simboard *b);
size_t nlut_simboard_queued_in(const struct nlut_simboard *b);

/* Test-only (tb_system), not used by the transport: */
/* Queue n raw input beats of s_bytes each, beat k with TLAST = last[k],
 * so that framing errors can be made. -1 if s_bytes is not the board's. */
int nlut_simboard_send_beats(struct nlut_simboard *b, const uint8_t *buf, const uint8_t *last,
			     size_t n, unsigned s_bytes);
/* The first AXI4-Stream rule m_axis broke since nlut_simboard_new (TVALID
 * dropped or TDATA/TLAST changed while stalled, TLAST not on the last beat
 * of a result record), with its cycle; NULL while none. */
const char *nlut_simboard_check(const struct nlut_simboard *b);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_SIMBOARD_H */
