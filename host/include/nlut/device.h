/* nlut/device.h - boards: open one by name, check it holds the model, run
 * inferences (blocking or submit/collect), read counters, run the self-test. */
#ifndef NLUT_DEVICE_H
#define NLUT_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/error.h>
#include <nlut/model.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nlut_device nlut_device;

struct nlut_device_opts {
	/* Folder of board descriptions (<dir>/<board>/board.def). NULL: the
	 * NLUT_BOARDS_DIR environment variable, else the installed boards. */
	const char *boards_dir;
	/* Transport-specific selector: XRT device index, USB serial number.
	 * NULL: the first device found. */
	const char *device;
	/* Longest wait for any single device operation; 0 = 10 s. */
	unsigned timeout_ms;
	/* Called during long steps (building the simulated board). */
	void (*progress)(void *user, const char *step, double fraction);
	void *progress_user;
};

void nlut_device_opts_init(struct nlut_device_opts *o);

/* What a device says about itself (its ID block) and its board. */
struct nlut_device_info {
	char board[64];
	char transport[16];
	unsigned map_major, map_minor;
	uint32_t board_id, build_id;
	uint8_t model_hash[32];
	uint32_t latency_cycles;
	uint32_t n_inputs, n_classes, in_bits;
	unsigned s_bytes, m_bytes;
	int scores;
	double clock_mhz;
	/* Records (docs/stream-format.md): bytes per input record and per
	 * result record, the most one nlut_device_records_acquire lends (on
	 * Alveo one kernel run), and whether acquired records are the card's
	 * own buffers (1: no host copy on either side) or a host staging
	 * buffer the transport sends from (0). */
	size_t in_record, out_record;
	size_t max_records;
	int zero_copy;
};

/*
 * Open `board` for model m. Reads the ID block before anything else and
 * refuses a device that is not an nlut shell (NLUT_ERROR_PROTOCOL), speaks
 * another register-map major version (NLUT_ERROR_VERSION), or holds another
 * model (NLUT_ERROR_MODEL_MISMATCH; the detail names both identities). An
 * unknown board name is NLUT_ERROR_NOT_FOUND and the detail lists the known
 * ones. The model must outlive the device.
 */
int nlut_device_open(const char *board, const nlut_model *m, const struct nlut_device_opts *o,
		     nlut_device **out);
void nlut_device_close(nlut_device *d);

int nlut_device_get_info(nlut_device *d, struct nlut_device_info *info);

/*
 * Blocking inference of n vectors of input codes (row-major, one code per
 * feature). cls[n] and scores[n * n_classes] may each be NULL (scores need
 * a board built with scores). Every result's sequence tag is checked: a
 * lost, repeated or reordered result is NLUT_ERROR_PROTOCOL.
 */
int nlut_device_infer(nlut_device *d, size_t n, const uint16_t *codes, uint32_t *cls,
		      uint16_t *scores);

/*
 * Asynchronous inference. submit packs and sends the batch (codes may be
 * reused on return) and gives it a ticket; results land in cls/scores,
 * which must stay valid until the batch is collected. collect waits for the
 * oldest batch in flight and returns its ticket; batches complete in
 * submission order. Up to NLUT_DEVICE_MAX_INFLIGHT batches may be in flight.
 */
#define NLUT_DEVICE_MAX_INFLIGHT 64u
int nlut_device_submit(nlut_device *d, size_t n, const uint16_t *codes, uint32_t *cls,
		       uint16_t *scores, uint64_t *ticket);
int nlut_device_collect(nlut_device *d, uint64_t *ticket);
/* Batches submitted and not yet collected. */
unsigned nlut_device_inflight(const nlut_device *d);

/*
 * Zero-copy batches: input records written straight into the buffer the
 * board reads, results read where the board wrote them. On boards with
 * info.zero_copy (alveo-u250: the mapped buffer objects of a kernel run)
 * nothing is copied on the host; other boards stage the records in host
 * memory and send them as nlut_device_submit does, so the same code runs
 * on every board.
 *
 *   uint8_t *rec; size_t stride;
 *   nlut_device_records_acquire(d, n, &rec, &stride);   // n <= info.max_records
 *   nlut_device_pack(d, n, codes, rec, stride);          // or write records directly
 *   nlut_device_records_submit(d, n, NULL, NULL, &t);    // starts the run
 *   ...
 *   const uint8_t *res; size_t k, rstride;
 *   nlut_device_records_collect(d, &t, &res, &k, &rstride);
 *   for (size_t v = 0; v < k; v++) cls[v] = nlut_result_class(res + v * rstride);
 *
 * acquire lends space for n records (1 <= n <= info.max_records), *stride
 * (= info.in_record) bytes apart, valid until they are submitted. Only one
 * span may be lent at a time: a second acquire before submit is
 * NLUT_ERROR_BUSY, as is nlut_device_submit, nlut_device_infer or
 * nlut_device_reset while records are lent. Records hold the codes as
 * docs/stream-format.md lays them out, padding bits zero; the span holds
 * whatever an earlier batch left there, so every byte of each record is to
 * be written, as nlut_device_pack does (it also checks every code). On
 * alveo-u250 keep two batches in flight (collect, then acquire the next):
 * a third waits for the oldest run and copies its results aside.
 */
int nlut_device_records_acquire(nlut_device *d, size_t n, uint8_t **records, size_t *stride);

/*
 * Submit the first n of the records acquired as one batch (on Alveo, one
 * kernel run, started now). n larger than the span acquired, or no span
 * acquired, is NLUT_ERROR_INVALID_PARAM; n = 0 gives the span back unsent.
 * cls and scores are as for nlut_device_submit (filled by
 * nlut_device_collect, every result parsed); both NULL leaves the results
 * as records for nlut_device_records_collect.
 */
int nlut_device_records_submit(nlut_device *d, size_t n, uint32_t *cls, uint16_t *scores,
			       uint64_t *ticket);

/*
 * Collect the oldest batch in flight and lend its n result records,
 * *stride (= info.out_record) bytes apart; read them with nlut_result_*.
 * On zero-copy boards they are the card's output buffer itself and the
 * sequence tags of the first and last record are checked (the card writes
 * results to consecutive addresses and raises done only after the last, so
 * a lost or repeated result moves the last tag or stops the run); elsewhere
 * they are a host copy and every tag is checked. The records stay valid
 * until the next submit, records_submit, collect, records_collect, reset or
 * close on this device. A batch with cls or scores is filled as by
 * nlut_device_collect as well; nlut_device_collect of a batch without them
 * is NLUT_ERROR_INVALID_PARAM and leaves it in flight.
 */
int nlut_device_records_collect(nlut_device *d, uint64_t *ticket, const uint8_t **results, size_t *n,
				size_t *stride);

/*
 * Pack n vectors of codes (row-major, one code per feature) into n input
 * records `stride` bytes apart. stride must be info.in_record (a width
 * other than the board's is NLUT_ERROR_INVALID_PARAM, naming both); a code
 * wider than its feature is NLUT_ERROR_INVALID_PARAM.
 */
int nlut_device_pack(const nlut_device *d, size_t n, const uint16_t *codes, uint8_t *records,
		     size_t stride);

/* Fields of one result record (docs/stream-format.md, little-endian). */
static inline uint32_t nlut_result_seq(const uint8_t *r)
{
	return (uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 | (uint32_t)r[3] << 24;
}

static inline uint32_t nlut_result_class(const uint8_t *r)
{
	return (uint32_t)r[4] | (uint32_t)r[5] << 8;
}

/* Score of class c; only on boards built with scores (info.scores). */
static inline uint16_t nlut_result_score(const uint8_t *r, unsigned c)
{
	return (uint16_t)(r[8 + 2 * c] | r[9 + 2 * c] << 8);
}

struct nlut_counters {
	uint64_t inputs;      /* vectors accepted */
	uint64_t results;     /* results produced */
	uint64_t stall_cycles;/* cycles the output waited for the host */
	uint32_t errors;      /* errors counted */
	uint32_t error_flags; /* ERRORS register (NLUT_ERRORS_*_BIT) */
};
int nlut_device_counters(nlut_device *d, struct nlut_counters *c);

struct nlut_bist_result {
	int pass;
	uint32_t vectors;
	uint32_t first_fail; /* NLUT_BIST_NONE when none failed */
};
/* Run the built-in self-test (stored vectors through the core, compared
 * with stored golden results). */
int nlut_device_bist(nlut_device *d, struct nlut_bist_result *r);

/* Reset the datapath and clear counters; sequence tags restart at 0. */
int nlut_device_reset(nlut_device *d);

/* ---- boards ---- */

struct nlut_board_info {
	char name[64];
	char transport[16];
	char description[160];
};

/* Every board description found (sorted by name); free *list with free(). */
int nlut_board_list(const char *boards_dir, struct nlut_board_info **list, size_t *n);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_DEVICE_H */
