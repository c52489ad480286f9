/* tb_system.h - shared state of the full-system testbench: the loaded
 * simulated board, the model with its golden evaluator and stream shape,
 * and the helpers the test phases use. */
#ifndef TB_SYSTEM_H
#define TB_SYSTEM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct tb_feed;

#include <nlut/nlut.h>
#include <nlut/stream.h>

#include "nlut_bist_format.h"
#include "nlut_simboard.h"

/* The functions of nlut_simboard.so, looked up by name. */
struct tb_api {
	int (*abi)(void);
	void (*get_info)(struct nlut_simboard_info *info);
	struct nlut_simboard *(*create)(const struct nlut_simboard_config *c, char *err, size_t errlen);
	void (*destroy)(struct nlut_simboard *b);
	int (*read32)(struct nlut_simboard *b, uint32_t off, uint32_t *v);
	int (*write32)(struct nlut_simboard *b, uint32_t off, uint32_t v);
	int (*send)(struct nlut_simboard *b, const uint8_t *buf, size_t len);
	size_t (*recv)(struct nlut_simboard *b, uint8_t *buf, size_t len, uint64_t max_cycles);
	void (*run)(struct nlut_simboard *b, uint64_t n);
	uint64_t (*cycles)(const struct nlut_simboard *b);
	size_t (*queued_in)(const struct nlut_simboard *b);
	int (*send_beats)(struct nlut_simboard *b, const uint8_t *buf, const uint8_t *last, size_t n,
			  unsigned s_bytes);
	const char *(*check)(const struct nlut_simboard *b);
};

struct tb {
	struct tb_api api;
	void *dl;
	struct nlut_simboard *b;
	struct nlut_simboard_info info;
	char board_dir[1024];

	nlut_model *m;
	nlut_golden *g;
	struct nlut_stream_shape sh;
	uint8_t *in_bits;
	uint8_t hash[NLUT_HASH_SIZE];
	uint16_t *scratch;    /* n_classes scores of one parsed record */

	uint16_t *data_codes; /* quantised dataset rows, n_data x n_inputs */
	size_t n_data;

	uint64_t seed, rng;
	unsigned idle, stall;
	size_t batch;          /* vectors per batch; two batches in flight */
	long board_id;         /* expected ID_BOARD, -1 = not checked */
	uint64_t fault_at;     /* --fault: vector whose expected class is wrong */
	uint32_t *bist_words;  /* the board's nlut_bist.hex from word 0x1000 on */
	size_t n_bist_words;
	uint32_t bist_vectors; /* word 2 of it */
	uint32_t next_tag;     /* sequence tag the next result must carry */
	uint8_t mbox_seq;

	pthread_t sim_thread;   /* tb_stream's simulation of its batches */
	int sim_running;
	struct tb_feed *feed;   /* tb_stream's queue to it */
	double sim_cpu;         /* CPU seconds the board's simulation took */
};

/* Print the failure, where the board was, and exit 1. */
_Noreturn void tb_fail(struct tb *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t tb_rnd(struct tb *t);

/* Register access; any bus error or timeout fails the test. */
uint32_t tb_rd(struct tb *t, uint32_t off);
void tb_wr(struct tb *t, uint32_t off, uint32_t v);
uint64_t tb_rd64(struct tb *t, uint32_t lo_off);

/* A batch of vectors with their golden results (tb_system_stream.c).
 * Vector index i is dataset row i while there are rows, random codes
 * after. */
struct tb_batch {
	uint64_t first;  /* index of vector 0 */
	size_t n, cap;
	uint16_t *codes; /* n x n_inputs */
	uint16_t *scores; /* golden, n x n_classes */
	uint32_t *cls;   /* golden */
	uint8_t *in;     /* n input records */
	uint8_t *out;    /* n result records as received */
	/* tb_stream's hand-over to its simulation thread (under its lock). */
	size_t got;      /* result bytes that came */
	int sent, done, refused;
};

struct tb_batch *tb_batch_new(struct tb *t, size_t cap);
void tb_batch_free(struct tb_batch *bt);
/* Vectors first .. first + n - 1 (n <= cap), evaluated and packed. */
void tb_batch_fill(struct tb *t, struct tb_batch *bt, uint64_t first, size_t n);
void tb_batch_send(struct tb *t, const struct tb_batch *bt);
/* Clock until the batch's results have come; check each against the
 * golden model, tags continuing from t->next_tag. */
void tb_batch_collect(struct tb *t, struct tb_batch *bt);

/* Stream vectors first .. first + n - 1 in batches and check every result;
 * the board is simulated on a thread of its own, fed batch after batch
 * without a gap, while the next batch is prepared and the one before checked. */
void tb_stream(struct tb *t, uint64_t first, uint64_t n);
/* Stop tb_stream's simulation thread, if one runs, and join it (before any
 * other use of the board, e.g. on a failure). */
void tb_sim_wait(struct tb *t);

/* Test phases (tb_system_ctrl.c). */
void tb_check_bist_data(struct tb *t);
void tb_check_id(struct tb *t);
void tb_check_boot_bist(struct tb *t);
void tb_check_counters(struct tb *t, uint64_t n_in, int stalls_expected);
void tb_check_bist_under_traffic(struct tb *t);
void tb_check_mailbox(struct tb *t);
void tb_check_framing(struct tb *t);
void tb_check_reset(struct tb *t);
void tb_check_watchdog(struct tb *t);
void tb_check_watchdog_expiry(struct tb *t);

/* One mailbox command: returns the response status, data in data[16]. */
uint32_t tb_mbox(struct tb *t, uint32_t op, const uint32_t *args, unsigned nargs, uint32_t *data,
		 unsigned *ndata);

#endif /* TB_SYSTEM_H */
