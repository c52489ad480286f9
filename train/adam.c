/* adam.c - the Adam optimiser (decoupled weight decay) and learning-rate schedule. */
#include <math.h>
#include <stdlib.h>

#include "train.h"

int nt_adam_init(struct nt_adam *a, size_t n)
{
	a->n = n;
	a->t = 0;
	a->beta1 = 0.9;
	a->beta2 = 0.999;
	a->eps = 1e-8;
	a->m = calloc(n ? n : 1, sizeof(float));
	a->v = calloc(n ? n : 1, sizeof(float));
	if (!a->m || !a->v) {
		nt_adam_free(a);
		return nt_fail(NLUT_ERROR_NO_MEM, "optimiser state (%zu parameters)", n);
	}
	return NLUT_SUCCESS;
}

void nt_adam_free(struct nt_adam *a)
{
	free(a->m);
	free(a->v);
	a->m = a->v = NULL;
}

void nt_adam_step(struct nt_adam *a, float *p, const float *g,
		  const uint8_t *decay, double lr, double weight_decay)
{
	a->t++;
	float b1 = (float)a->beta1, b2 = (float)a->beta2;
	float c1 = (float)(1.0 / (1.0 - pow(a->beta1, (double)a->t)));
	float c2 = (float)(1.0 / (1.0 - pow(a->beta2, (double)a->t)));
	float flr = (float)lr, eps = (float)a->eps;
	float wd = (float)(lr * weight_decay);
	float *m = a->m, *v = a->v;

	for (size_t i = 0; i < a->n; i++) {
		float gi = g[i];

		m[i] = b1 * m[i] + (1.0f - b1) * gi;
		v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
		float mh = m[i] * c1, vh = v[i] * c2;

		if (decay[i])
			p[i] -= wd * p[i];
		p[i] -= flr * mh / (sqrtf(vh) + eps);
	}
}

/* Learning rate at step of total: linear warm-up over `warmup` epochs'
 * worth of steps (the caller scales), then the schedule down to lr_min. */
double nt_lr_at(const struct nlut_train_config *c, uint64_t step, uint64_t total)
{
	double x, warm = 0;
	uint64_t steps_per_epoch = c->epochs ? total / c->epochs : total;

	if (!total)
		return c->lr;
	warm = c->warmup * (double)steps_per_epoch;
	if (warm > 0 && (double)step < warm)
		return c->lr * ((double)step + 1.0) / warm;
	x = warm < (double)total ? ((double)step - warm) / ((double)total - warm) : 1.0;
	if (x < 0)
		x = 0;
	if (x > 1)
		x = 1;
	switch (c->sched) {
	case NLUT_SCHED_COSINE:
		return c->lr_min + (c->lr - c->lr_min) * 0.5 * (1.0 + cos(M_PI * x));
	case NLUT_SCHED_STEP:
		return c->lr * (x < 0.5 ? 1.0 : x < 0.75 ? 0.1 : 0.01);
	default:
		return c->lr;
	}
}
