/* loop.c - the epoch loop every neuron kind shares (loop.h). */
#include <stdlib.h>
#include <string.h>

#include "loop.h"

#define NT_REPORT_NS 500000000ull

int nt_loop_init(struct nt_loop *lp, nlut_trainer *t, nt_step_fn *step,
		 nlut_train_progress_fn fn, void *user, const volatile sig_atomic_t *stop)
{
	memset(lp, 0, sizeof(*lp));
	lp->order = malloc(t->n_train * sizeof(uint32_t));
	if (!lp->order)
		return nt_fail(NLUT_ERROR_NO_MEM, "epoch order");
	lp->t = t;
	lp->step = step;
	lp->fn = fn;
	lp->user = user;
	lp->stop = stop;
	lp->total = (uint64_t)t->c.epochs * t->steps_per_epoch;
	lp->t0 = nt_now_ns();
	lp->last_report = lp->t0;
	lp->step0 = t->step;
	lp->pr.epochs = t->c.epochs;
	lp->pr.steps = t->steps_per_epoch;
	lp->pr.val_acc = -1.0;
	lp->pr.best_val_acc = t->best_val;
	return NLUT_SUCCESS;
}

void nt_loop_free(struct nt_loop *lp)
{
	free(lp->order);
	lp->order = NULL;
}

int nt_loop_epoch(struct nt_loop *lp, uint32_t ep)
{
	nlut_trainer *t = lp->t;
	struct nlut_train_progress *pr = &lp->pr;
	double loss = 0.0;
	uint32_t correct = 0, seen = 0;

	memcpy(lp->order, t->train_idx, t->n_train * sizeof(uint32_t));
	nt_rng_shuffle(&t->shuffle_rng, lp->order, t->n_train);
	pr->epoch = ep + 1;
	for (uint32_t st = 0; st < t->steps_per_epoch; st++) {
		double lr = nt_lr_at(&t->c, t->step, lp->total);

		lp->step(t, lp->order + (size_t)st * t->batch, lr, &loss, &correct);
		seen += t->batch;
		uint64_t now = nt_now_ns();
		double done = (double)(t->step - lp->step0);

		pr->step = st + 1;
		pr->loss = loss / seen;
		pr->train_acc = (double)correct / seen;
		pr->lr = lr;
		pr->elapsed = (double)(now - lp->t0) * 1e-9;
		pr->eta = pr->elapsed / done * (double)(lp->total - t->step);
		t->samples_done += t->batch;
		pr->samples_per_s = (double)t->batch * done / pr->elapsed;
		if (lp->fn && now - lp->last_report > NT_REPORT_NS) {
			pr->end_of_epoch = 0;
			lp->fn(pr, lp->user);
			lp->last_report = now;
		}
		if (lp->stop && *lp->stop)
			return NLUT_ERROR_INTERRUPTED;
	}
	return NLUT_SUCCESS;
}

void nt_loop_epoch_end(struct nt_loop *lp, double val)
{
	nlut_trainer *t = lp->t;
	struct nlut_train_progress *pr = &lp->pr;

	pr->val_acc = val;
	pr->best_val_acc = t->best_val;
	pr->best_epoch = t->best_epoch;
	pr->end_of_epoch = 1;
	pr->elapsed = (double)(nt_now_ns() - lp->t0) * 1e-9;
	pr->eta = pr->elapsed / (double)(t->step - lp->step0) * (double)(lp->total - t->step);
	if (lp->fn)
		lp->fn(pr, lp->user);
	lp->last_report = nt_now_ns();
}

int nt_loop_stopped(const struct nt_loop *lp)
{
	return nt_fail(NLUT_ERROR_INTERRUPTED,
		       "stopped in epoch %u; kept epoch %u (validation accuracy %.4f)",
		       lp->pr.epoch, lp->t->best_epoch, lp->t->best_val);
}

int nt_bench_steps(nlut_trainer *t, nt_step_fn *step, uint32_t steps, double *sps)
{
	uint32_t *order = malloc(t->n_train * sizeof(uint32_t));
	double loss = 0.0;
	uint32_t correct = 0;
	uint64_t t0;

	if (!order)
		return nt_fail(NLUT_ERROR_NO_MEM, "bench");
	memcpy(order, t->train_idx, t->n_train * sizeof(uint32_t));
	t0 = nt_now_ns();
	for (uint32_t s = 0; s < steps; s++)
		step(t, order + (size_t)(s % t->steps_per_epoch) * t->batch, t->c.lr, &loss,
		     &correct);
	*sps = (double)steps * t->batch / ((double)(nt_now_ns() - t0) * 1e-9);
	free(order);
	return NLUT_SUCCESS;
}
