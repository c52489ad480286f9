// ft601_rtl.cpp - the Verilated ft601-a7 board as a backend of the emulated FT601 (ft601_rtl.h).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "ft601_board.h"

extern "C" {
#include "ft601_rtl.h"
}

// The FT601's buffers each way (its 16 KiB of FIFO RAM, one channel).
static const size_t FROM_HOST_CAP = 8192, TO_HOST_CAP = 8192;
// After the host gave or took bytes, the board runs this many FT601 cycles (30 ms of its time)
// before its thread sleeps: a register access, a batch or a self-test the host then polls for
// completes well inside it, and every poll extends it.
static const uint64_t LINGER = 3000000;
// Cycles run per turn of the simulation thread, between which the emulator gets the lock.
static const uint64_t SLICE = 1000;
// Boot: the firmware comes alive and runs its self-test within this many FT601 cycles.
static const uint64_t BOOT = 300000;

struct ft601_rtl {
	ft601_board board;
	std::mutex m;
	std::condition_variable cv;
	std::thread th;
	bool stop = false;
	uint64_t busy_until = 0; // FT601 cycle up to which the board runs
	ft601_rtl(uint64_t shell_ps, uint64_t seed) : board(shell_ps, seed, FROM_HOST_CAP, TO_HOST_CAP) {}

	void wake() // with m held
	{
		busy_until = board.ft_cycles + LINGER;
		cv.notify_one();
	}
	void loop()
	{
		std::unique_lock<std::mutex> l(m);
		while (!stop) {
			if (board.ft_cycles < busy_until) {
				board.run(SLICE);
				l.unlock();
				std::this_thread::yield();
				l.lock();
			} else {
				cv.wait_for(l, std::chrono::milliseconds(20));
			}
		}
	}
};

static size_t rtl_rx(void *user, const uint8_t *p, size_t n)
{
	ft601_rtl *r = (ft601_rtl *)user;
	std::lock_guard<std::mutex> l(r->m);
	size_t room = r->board.ft.from_host_room();

	if (n > room)
		n = room;
	if (n && getenv("FT601_RTL_TRACE")) {
		fprintf(stderr, "rx %zu:", n);
		for (size_t i = 0; i < n && i < 48; i++)
			fprintf(stderr, " %02x", p[i]);
		fprintf(stderr, "\n");
	}
	if (n) {
		r->board.ft.host_write(p, n);
		r->wake();
	}
	return n;
}

static void rtl_poll(void *user)
{
	(void)user; // the board runs on its own thread
}

static size_t rtl_pending(void *user)
{
	ft601_rtl *r = (ft601_rtl *)user;
	std::lock_guard<std::mutex> l(r->m);

	return r->board.ft.to_host.size();
}

static size_t rtl_read(void *user, uint8_t *out, size_t max)
{
	ft601_rtl *r = (ft601_rtl *)user;
	std::lock_guard<std::mutex> l(r->m);
	std::deque<uint8_t> &q = r->board.ft.to_host;
	size_t n = q.size() < max ? q.size() : max;

	std::copy(q.begin(), q.begin() + (long)n, out);
	if (n && getenv("FT601_RTL_TRACE")) {
		fprintf(stderr, "tx %zu @%llu:", n, (unsigned long long)r->board.ft_cycles);
		for (size_t i = 0; i < n && i < 48; i++)
			fprintf(stderr, " %02x", out[i]);
		fprintf(stderr, "\n");
	}
	q.erase(q.begin(), q.begin() + (long)n);
	if (n)
		r->wake(); // room towards the host: results may follow
	return n;
}

extern "C" {

struct ft601_rtl *ft601_rtl_new(uint64_t shell_ps, uint64_t seed)
{
	ft601_rtl *r = new ft601_rtl(shell_ps, seed);

	r->board.run(BOOT);
	r->th = std::thread([r] { r->loop(); });
	return r;
}

void ft601_rtl_free(struct ft601_rtl *r)
{
	{
		std::lock_guard<std::mutex> l(r->m);
		r->stop = true;
		r->cv.notify_one();
	}
	r->th.join();
	delete r;
}

struct ft601_backend ft601_rtl_backend(struct ft601_rtl *r)
{
	struct ft601_backend be = { rtl_rx, rtl_poll, rtl_pending, rtl_read, r };

	return be;
}

void ft601_rtl_stats(struct ft601_rtl *r, uint64_t *cycles, uint64_t *words_in, uint64_t *words_out)
{
	std::lock_guard<std::mutex> l(r->m);

	*cycles = r->board.ft_cycles;
	*words_in = r->board.ft.words_in;
	*words_out = r->board.ft.words_out;
}
}
