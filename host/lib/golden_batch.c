/* golden_batch.c - batched and multi-threaded evaluation of the golden model. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "golden_internal.h"
#include "internal.h"

#define B NLUT_GOLDEN_BLOCK
/* Below this many vectors per thread, threads cost more than they save. */
#define MIN_PER_THREAD 4096u
#define MAX_THREADS 256u

struct job {
	const nlut_golden *g;
	size_t first, n;
	const uint16_t *codes;
	const float *x;
	uint16_t *scores;
	uint32_t *cls;
	int err;
	char detail[512];
};

static void run_job(struct job *j)
{
	const nlut_golden *g = j->g;
	uint16_t *act = malloc(((size_t)g->n_inputs + g->n_neurons) * B * sizeof(uint16_t));

	if (!act) {
		j->err = nlut_fail(NLUT_ERROR_NO_MEM, "evaluation buffer");
		return;
	}
	for (size_t done = 0; done < j->n; done += B) {
		size_t v = j->first + done;
		unsigned n = (unsigned)(j->n - done < B ? j->n - done : B);

		if (j->codes) {
			j->err = nlut_golden_load_codes(g, act, j->codes + v * g->n_inputs, n, v);
			if (j->err)
				break;
		} else {
			nlut_golden_load_floats(g, act, j->x + v * g->n_inputs, n);
		}
		nlut_golden_block(g, act);
		nlut_golden_store(g, act, n, j->scores ? j->scores + v * g->n_classes : NULL,
				  j->cls ? j->cls + v : NULL);
	}
	free(act);
}

static void *thread_main(void *arg)
{
	struct job *j = arg;

	run_job(j);
	/* The detail is thread-local: carry it back to the caller's thread. */
	if (j->err)
		strncpy(j->detail, nlut_error_detail(), sizeof(j->detail) - 1);
	return NULL;
}

static unsigned pick_threads(unsigned threads, size_t n)
{
	if (threads == 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		threads = c > 0 ? (unsigned)c : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	size_t useful = n / MIN_PER_THREAD;

	if (useful < threads)
		threads = useful ? (unsigned)useful : 1;
	return threads;
}

static int run(const nlut_golden *g, size_t n, const uint16_t *codes, const float *x,
	       uint16_t *scores, uint32_t *cls, unsigned threads)
{
	if (!g || (!codes && !x) || (n && !scores && !cls))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "golden model, input or output is NULL");
	nlut_clear_error();
	unsigned nt = pick_threads(threads, n);
	struct job *jobs = calloc(nt, sizeof(*jobs));
	pthread_t *tid = calloc(nt, sizeof(*tid));
	int err = NLUT_SUCCESS;

	if (!jobs || !tid) {
		free(jobs);
		free(tid);
		return nlut_fail(NLUT_ERROR_NO_MEM, "thread jobs");
	}
	/* Split into nt contiguous ranges, each a multiple of the block. */
	size_t per = (n + nt - 1) / nt;

	per = (per + B - 1) / B * B;
	for (unsigned t = 0; t < nt; t++) {
		size_t first = (size_t)t * per;

		jobs[t] = (struct job){ g, first, first < n ? (n - first < per ? n - first : per) : 0,
					codes, x, scores, cls, 0, { 0 } };
	}
	unsigned started = 1;

	for (unsigned t = 1; t < nt; t++, started++)
		if (pthread_create(&tid[t], NULL, thread_main, &jobs[t]) != 0)
			break;
	/* Whatever could not get a thread runs here. */
	run_job(&jobs[0]);
	if (jobs[0].err)
		strncpy(jobs[0].detail, nlut_error_detail(), sizeof(jobs[0].detail) - 1);
	for (unsigned t = started; t < nt; t++) {
		run_job(&jobs[t]);
		if (jobs[t].err)
			strncpy(jobs[t].detail, nlut_error_detail(), sizeof(jobs[t].detail) - 1);
	}
	for (unsigned t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
	/* Report the failure of the earliest range, i.e. the first bad vector. */
	for (unsigned t = 0; t < nt; t++)
		if (jobs[t].err) {
			err = nlut_fail(jobs[t].err, "%s", jobs[t].detail);
			break;
		}
	free(jobs);
	free(tid);
	return err;
}

NLUT_API int nlut_golden_eval_batch(const nlut_golden *g, size_t n, const uint16_t *codes,
				    uint16_t *scores, uint32_t *cls, unsigned threads)
{
	return run(g, n, codes, NULL, scores, cls, threads);
}

NLUT_API int nlut_golden_eval_float_batch(const nlut_golden *g, size_t n, const float *x,
					  uint16_t *scores, uint32_t *cls, unsigned threads)
{
	return run(g, n, NULL, x, scores, cls, threads);
}
