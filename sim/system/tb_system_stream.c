/* tb_system_stream.c - batches of vectors through the simulated board, every
 * result record checked against the golden model and the sequence tags. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nlut/regs.h>

#include "tb_system.h"

static void *xcalloc(struct tb *t, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		tb_fail(t, "out of memory");
	return p;
}

struct tb_batch *tb_batch_new(struct tb *t, size_t cap)
{
	struct tb_batch *bt = xcalloc(t, 1, sizeof(*bt));

	bt->cap = cap;
	bt->codes = xcalloc(t, cap * t->sh.n_inputs, sizeof(uint16_t));
	bt->scores = xcalloc(t, cap * t->sh.n_classes, sizeof(uint16_t));
	bt->cls = xcalloc(t, cap, sizeof(uint32_t));
	bt->in = xcalloc(t, cap, t->sh.in_record);
	bt->out = xcalloc(t, cap, t->sh.out_record);
	return bt;
}

void tb_batch_free(struct tb_batch *bt)
{
	if (!bt)
		return;
	free(bt->codes);
	free(bt->scores);
	free(bt->cls);
	free(bt->in);
	free(bt->out);
	free(bt);
}

void tb_batch_fill(struct tb *t, struct tb_batch *bt, uint64_t first, size_t n)
{
	uint32_t ni = t->sh.n_inputs;

	bt->first = first;
	bt->n = n;
	for (size_t k = 0; k < n; k++) {
		uint16_t *c = &bt->codes[k * ni];

		if (first + k < t->n_data) {
			memcpy(c, &t->data_codes[(first + k) * ni], ni * sizeof(uint16_t));
			continue;
		}
		for (uint32_t i = 0; i < ni; i += 4) {
			uint64_t r = tb_rnd(t);

			for (uint32_t j = i; j < ni && j < i + 4; j++, r >>= 16)
				c[j] = (uint16_t)(r & ((1u << t->in_bits[j]) - 1u));
		}
	}
	if (nlut_golden_eval_batch(t->g, n, bt->codes, bt->scores, bt->cls, 1))
		tb_fail(t, "golden model: %s", nlut_error_detail());
	if (t->fault_at >= first && t->fault_at - first < n)
		bt->cls[t->fault_at - first] ^= 1; /* --fault */
	if (nlut_stream_pack(&t->sh, n, bt->codes, bt->in))
		tb_fail(t, "packing: %s", nlut_error_detail());
}

void tb_batch_send(struct tb *t, const struct tb_batch *bt)
{
	if (t->api.send(t->b, bt->in, bt->n * t->sh.in_record))
		tb_fail(t, "nlut_simboard_send refused %zu records of %zu bytes", bt->n,
			t->sh.in_record);
}

static const char *describe(struct tb *t, uint64_t idx)
{
	static char s[80];

	if (idx < t->n_data)
		snprintf(s, sizeof(s), "vector %" PRIu64 " (data row %" PRIu64 ")", idx, idx);
	else
		snprintf(s, sizeof(s), "vector %" PRIu64 " (random codes)", idx);
	return s;
}

static void print_scores(const uint16_t *s, uint32_t n)
{
	fprintf(stderr, "[");
	for (uint32_t c = 0; c < n; c++)
		fprintf(stderr, "%s%u", c ? " " : "", s[c]);
	fprintf(stderr, "]");
}

static void print_bytes(const char *what, const uint8_t *p, size_t n)
{
	fprintf(stderr, "  %s:", what);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %02x", p[i]);
	fprintf(stderr, "\n");
}

static void check_record(struct tb *t, const struct tb_batch *bt, size_t k)
{
	const uint8_t *rec = &bt->out[k * t->sh.out_record];
	const uint16_t *want = &bt->scores[k * t->sh.n_classes];
	uint16_t *got = t->scratch;
	struct nlut_stream_result r;
	uint32_t nc = t->sh.n_classes;
	int bad;

	if (nlut_stream_unpack(&t->sh, 1, rec, &r, got)) {
		print_bytes("record", rec, t->sh.out_record);
		tb_fail(t, "%s: malformed result record: %s", describe(t, bt->first + k),
			nlut_error_detail());
	}
	bad = r.seq != t->next_tag || r.cls != bt->cls[k] ||
	      (t->sh.scores && memcmp(got, want, nc * sizeof(uint16_t)));
	if (!bad) {
		t->next_tag++;
		return;
	}
	fprintf(stderr, "tb_system: MISMATCH at %s, result %zu of the batch:\n  expected tag %u "
		"class %u", describe(t, bt->first + k), k, t->next_tag, bt->cls[k]);
	if (t->sh.scores) {
		fprintf(stderr, " scores ");
		print_scores(want, nc);
	}
	fprintf(stderr, "\n  got      tag %u class %u", r.seq, r.cls);
	if (t->sh.scores) {
		fprintf(stderr, " scores ");
		print_scores(got, nc);
	}
	fprintf(stderr, "\n");
	print_bytes("input record", &bt->in[k * t->sh.in_record], t->sh.in_record);
	print_bytes("result record", rec, t->sh.out_record);
	tb_fail(t, "%s: result differs from the golden model", describe(t, bt->first + k));
}

/* Cycles a batch may take: far above the worst case at 99% idle or stall. */
static uint64_t batch_limit(const struct tb *t, const struct tb_batch *bt)
{
	size_t beats = t->sh.in_record / t->sh.s_bytes + t->sh.out_record / t->sh.m_bytes;

	return 200000 + (uint64_t)bt->n * beats * 200;
}

/* Check the got bytes of bt's results; fail if some did not come. */
static void batch_check(struct tb *t, const struct tb_batch *bt, size_t got)
{
	size_t len = bt->n * t->sh.out_record;

	for (size_t k = 0; k < got / t->sh.out_record; k++)
		check_record(t, bt, k);
	if (got < len) {
		uint32_t st = tb_rd(t, NLUT_STATUS_REG_OFFSET), er = tb_rd(t, NLUT_ERRORS_REG_OFFSET);

		tb_fail(t, "only %zu of %zu result bytes (%zu of %zu records, vectors %" PRIu64
			"..) came in %" PRIu64 " cycles; %zu input bytes still queued, STATUS 0x%x, "
			"ERRORS 0x%x, CNT_IN %" PRIu64 ", CNT_OUT %" PRIu64, got, len,
			got / t->sh.out_record, bt->n, bt->first, batch_limit(t, bt),
			t->api.queued_in(t->b), st, er, tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET),
			tb_rd64(t, NLUT_CNT_OUT_LO_REG_OFFSET));
	}
}

void tb_batch_collect(struct tb *t, struct tb_batch *bt)
{
	size_t got = t->api.recv(t->b, bt->out, bt->n * t->sh.out_record, batch_limit(t, bt));

	batch_check(t, bt, got);
}

/*
 * tb_stream's simulation thread owns the board while the stream runs. The
 * main thread posts filled batches in order (at most two in flight); the
 * simulation thread queues the next posted batch's input records into the
 * board while it still clocks the current one, so the shell's pipeline never
 * drains between batches, and it marks each batch done with the bytes of
 * its results that came. One thread, started once per stream: no thread
 * start or cold cache per batch.
 */
#define SIM_CHUNK 256u /* records simulated between looks at the queue */

struct tb_feed {
	pthread_mutex_t mu;
	pthread_cond_t cv;        /* a batch posted, done, or quit */
	struct tb_batch *q[2];    /* posted, oldest first */
	unsigned n;
	int quit;
};

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void feed_done(struct tb_feed *f, struct tb_batch *bt, size_t got)
{
	pthread_mutex_lock(&f->mu);
	bt->got = got;
	bt->done = 1;
	f->q[0] = f->q[1];
	f->q[1] = NULL;
	f->n--;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/* Queue bt's input records into the board once (simulation thread). */
static int sim_send(struct tb *t, struct tb_batch *bt)
{
	if (bt->sent)
		return 0;
	bt->sent = 1;
	return t->api.send(t->b, bt->in, bt->n * t->sh.in_record);
}

/* Clock until bt's results are in, or the cycle budget ends, or quit;
 * send the batch after it as soon as the main thread posts it. */
static size_t sim_batch(struct tb *t, struct tb_feed *f, struct tb_batch *bt)
{
	size_t rec = t->sh.out_record, len = bt->n * rec, got = 0;
	uint64_t budget = batch_limit(t, bt);

	while (got < len) {
		struct tb_batch *next;
		int quit;

		pthread_mutex_lock(&f->mu);
		next = f->n > 1 ? f->q[1] : NULL;
		quit = f->quit;
		pthread_mutex_unlock(&f->mu);
		if (quit)
			break;
		if (next && sim_send(t, next)) {
			next->refused = 1;
			break;
		}

		size_t want = len - got < SIM_CHUNK * rec ? len - got : SIM_CHUNK * rec;
		uint64_t c0 = t->api.cycles(t->b);
		size_t g = t->api.recv(t->b, bt->out + got, want, budget);
		uint64_t used = t->api.cycles(t->b) - c0;

		got += g;
		budget = used < budget ? budget - used : 0;
		if (g < want)
			break;
	}
	return got;
}

static void *sim_main(void *p)
{
	struct tb *t = p;
	struct tb_feed *f = t->feed;
	double c0 = thread_cpu();

	for (;;) {
		struct tb_batch *bt;

		pthread_mutex_lock(&f->mu);
		while (!f->n && !f->quit)
			pthread_cond_wait(&f->cv, &f->mu);
		bt = f->quit ? NULL : f->q[0];
		pthread_mutex_unlock(&f->mu);
		if (!bt)
			break;
		if (sim_send(t, bt)) {
			bt->refused = 1;
			feed_done(f, bt, 0);
			break;
		}

		size_t got = sim_batch(t, f, bt);

		feed_done(f, bt, got);
		if (got < bt->n * t->sh.out_record)
			break; /* the main thread fails the run */
	}
	t->sim_cpu += thread_cpu() - c0; /* read by the main thread after the join */
	return NULL;
}

static void feed_post(struct tb_feed *f, struct tb_batch *bt)
{
	bt->sent = bt->done = bt->refused = 0;
	bt->got = 0;
	pthread_mutex_lock(&f->mu);
	f->q[f->n++] = bt;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static void feed_wait(struct tb_feed *f, struct tb_batch *bt)
{
	pthread_mutex_lock(&f->mu);
	while (!bt->done)
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_mutex_unlock(&f->mu);
}

void tb_sim_wait(struct tb *t)
{
	struct tb_feed *f = t->feed;

	if (!t->sim_running)
		return;
	pthread_mutex_lock(&f->mu);
	f->quit = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(t->sim_thread, NULL);
	t->sim_running = 0;
}

/* Without a thread: each batch sent, clocked and checked in turn. */
static void stream_here(struct tb *t, struct tb_batch *bt, uint64_t first, uint64_t n)
{
	for (uint64_t sent = 0; sent < n; sent += bt->n) {
		tb_batch_fill(t, bt, first + sent, n - sent < t->batch ? (size_t)(n - sent) : t->batch);
		tb_batch_send(t, bt);
		tb_batch_collect(t, bt);
	}
}

/* Fill bt with the next vectors of first .. first + n - 1 after the *sent
 * already posted, and post it. */
static void post_next(struct tb *t, struct tb_feed *f, struct tb_batch *bt, uint64_t first,
		      uint64_t n, uint64_t *sent)
{
	size_t k = n - *sent < t->batch ? (size_t)(n - *sent) : t->batch;

	tb_batch_fill(t, bt, first + *sent, k);
	*sent += k;
	feed_post(f, bt);
}

/*
 * The main thread fills a batch (codes, golden results, input records) and
 * checks the one before while the board simulates: on two cores the
 * testbench's own work hides behind the simulation. Every failure stops and
 * joins the simulation thread first (tb_fail).
 */
void tb_stream(struct tb *t, uint64_t first, uint64_t n)
{
	struct tb_batch *a = tb_batch_new(t, t->batch), *b = tb_batch_new(t, t->batch);
	struct tb_feed f = { .n = 0 };
	uint64_t sent = 0;

	pthread_mutex_init(&f.mu, NULL);
	pthread_cond_init(&f.cv, NULL);
	t->feed = &f;
	if (!n)
		goto out;
	if (pthread_create(&t->sim_thread, NULL, sim_main, t)) {
		stream_here(t, a, first, n);
		goto out;
	}
	t->sim_running = 1;
	for (int i = 0; i < 2 && sent < n; i++)
		post_next(t, &f, i ? b : a, first, n, &sent);
	for (struct tb_batch *cur = a, *other = b; cur->n;) {
		feed_wait(&f, cur);
		if (cur->refused)
			tb_fail(t, "nlut_simboard_send refused %zu records of %zu bytes", cur->n,
				t->sh.in_record);
		if (cur->got < cur->n * t->sh.out_record)
			tb_sim_wait(t); /* it has stopped; batch_check reads registers */
		batch_check(t, cur, cur->got);
		cur->n = 0;
		if (sent < n)
			post_next(t, &f, cur, first, n, &sent);
		struct tb_batch *x = cur;

		cur = other;
		other = x;
	}
	tb_sim_wait(t);
out:
	t->feed = NULL;
	pthread_cond_destroy(&f.cv);
	pthread_mutex_destroy(&f.mu);
	tb_batch_free(a);
	tb_batch_free(b);
}
