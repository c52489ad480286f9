/* util.c - error detail, random numbers, thread pool and clock of the trainer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "train.h"

static _Thread_local char detail[768];

int nt_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return err;
}

int nt_pass(int err, const char *what)
{
	const char *d = nlut_error_detail();

	if (d[0])
		return nt_fail(err, "%s: %s", what, d);
	return nt_fail(err, "%s: %s", what, nlut_strerror(err));
}

void nt_clear_error(void)
{
	detail[0] = '\0';
}

const char *nlut_train_error_detail(void)
{
	return detail;
}

/* ---- random numbers ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void nt_rng_seed(struct nt_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ull);

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t nt_rng_next(struct nt_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

uint32_t nt_rng_below(struct nt_rng *r, uint32_t n)
{
	/* Lemire's multiply-shift with rejection: unbiased. */
	uint64_t m = (uint64_t)(uint32_t)(nt_rng_next(r) >> 32) * n;
	uint32_t lo = (uint32_t)m;

	if (lo < n) {
		uint32_t thr = (uint32_t)(-n) % n;

		while (lo < thr) {
			m = (uint64_t)(uint32_t)(nt_rng_next(r) >> 32) * n;
			lo = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

float nt_rng_float(struct nt_rng *r)
{
	return (float)(nt_rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

void nt_rng_shuffle(struct nt_rng *r, uint32_t *v, uint32_t n)
{
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = nt_rng_below(r, i);
		uint32_t t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* ---- thread pool ---- */

/* Take tasks until none is left; called with p->mu held, returns with it held. */
static void drain(struct nt_pool *p, unsigned worker)
{
	while (p->next < p->n_tasks) {
		uint32_t task = p->next++;

		pthread_mutex_unlock(&p->mu);
		p->fn(p->arg, task, worker);
		pthread_mutex_lock(&p->mu);
		p->done++;
	}
}

struct worker_arg {
	struct nt_pool *p;
	unsigned id;
};

static void *worker_main(void *arg)
{
	struct worker_arg wa = *(struct worker_arg *)arg;
	struct nt_pool *p = wa.p;
	uint64_t seen = 0;

	free(arg);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && p->gen == seen)
			pthread_cond_wait(&p->cv_work, &p->mu);
		if (p->quit)
			break;
		seen = p->gen;
		p->busy++;
		drain(p, wa.id);
		p->busy--;
		if (p->done == p->n_tasks && p->busy == 0)
			pthread_cond_broadcast(&p->cv_done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int nt_pool_init(struct nt_pool *p, unsigned threads)
{
	memset(p, 0, sizeof(*p));
	if (threads < 1)
		threads = 1;
	p->threads = threads;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv_work, NULL);
	pthread_cond_init(&p->cv_done, NULL);
	p->th = calloc(threads, sizeof(*p->th));
	if (!p->th)
		return nt_fail(NLUT_ERROR_NO_MEM, "thread pool");
	for (unsigned i = 1; i < threads; i++) {
		struct worker_arg *wa = malloc(sizeof(*wa));

		if (wa) {
			wa->p = p;
			wa->id = i;
		}
		if (!wa || pthread_create(&p->th[i], NULL, worker_main, wa)) {
			free(wa);
			p->threads = i;
			nt_pool_destroy(p);
			return nt_fail(NLUT_ERROR_NO_MEM, "cannot start thread %u", i);
		}
	}
	return NLUT_SUCCESS;
}

void nt_pool_destroy(struct nt_pool *p)
{
	if (!p->th)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->cv_work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 1; i < p->threads; i++)
		pthread_join(p->th[i], NULL);
	free(p->th);
	p->th = NULL;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_work);
	pthread_cond_destroy(&p->cv_done);
}

void nt_pool_run(struct nt_pool *p, nt_task_fn fn, void *arg, uint32_t n_tasks)
{
	if (p->threads <= 1 || n_tasks <= 1) {
		for (uint32_t i = 0; i < n_tasks; i++)
			fn(arg, i, 0);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->arg = arg;
	p->n_tasks = n_tasks;
	p->next = 0;
	p->done = 0;
	p->gen++;
	pthread_cond_broadcast(&p->cv_work);
	p->busy++;
	drain(p, 0);
	p->busy--;
	while (p->done < p->n_tasks || p->busy)
		pthread_cond_wait(&p->cv_done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

uint64_t nt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
