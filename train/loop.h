/* loop.h - the epoch loop every neuron kind shares: shuffled steps with
 * progress reports every half second, the end-of-epoch report, a stop flag,
 * and the training-speed benchmark. Each kind supplies its step; what is kept
 * after validation stays the kind's own (trainer.c, lutlayer.c, dense.c). */
#ifndef NLUT_TRAIN_LOOP_H
#define NLUT_TRAIN_LOOP_H

#include "trainer.h"

/* One optimiser step on the training rows rows[0..batch-1] at rate lr; adds
 * to *loss (summed over the rows) and *correct, and advances t->step. */
typedef void nt_step_fn(nlut_trainer *t, const uint32_t *rows, double lr, double *loss,
			uint32_t *correct);

struct nt_loop {
	nlut_trainer *t;
	nt_step_fn *step;
	nlut_train_progress_fn fn;
	void *user;
	const volatile sig_atomic_t *stop;
	uint32_t *order;          /* this epoch's shuffled training rows */
	uint64_t total, t0, last_report, step0;
	struct nlut_train_progress pr;
};

/* NLUT_ERROR_NO_MEM (with the error set) when the epoch order does not fit. */
int nt_loop_init(struct nt_loop *lp, nlut_trainer *t, nt_step_fn *step,
		 nlut_train_progress_fn fn, void *user, const volatile sig_atomic_t *stop);
void nt_loop_free(struct nt_loop *lp);
/* The steps of epoch ep (0-based): 0 when they all ran, NLUT_ERROR_INTERRUPTED
 * when the stop flag was raised part way. */
int nt_loop_epoch(struct nt_loop *lp, uint32_t ep);
/* After epoch ep was validated at val and t's best fields updated: report. */
void nt_loop_epoch_end(struct nt_loop *lp, double val);
/* The error of a stopped run, naming the epoch that was kept. */
int nt_loop_stopped(const struct nt_loop *lp);
/* Training samples per second over steps steps, no shuffling or reports. */
int nt_bench_steps(nlut_trainer *t, nt_step_fn *step, uint32_t steps, double *sps);

#endif /* NLUT_TRAIN_LOOP_H */
