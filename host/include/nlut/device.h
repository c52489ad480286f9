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
