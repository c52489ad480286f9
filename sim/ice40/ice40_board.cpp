// ice40_board.cpp - the Verilated iCE40-HX8K board top behind its UART pins, on its own thread
// (ice40_board.h). The line is driven and sampled by nlut_uart_line, cycle by cycle, so every
// byte passes through the board's real nlut_uart_rx / nlut_uart_tx and nlut_uart_bridge.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <verilated.h>

#include "Vtop.h"
#include "ice40_board.h"
#include "nlut_uart_line.h"

namespace {
constexpr uint64_t BOOT_CYCLES = 1000000;  // configuration, reset and the firmware's boot
constexpr uint64_t QUIET_CYCLES = 20000;   // run this long after the line's last byte
constexpr int SLICE = 240;                 // cycles simulated between looks at the queues
} // namespace

struct ice40_board {
	std::mutex lock;
	std::condition_variable wake;
	std::thread thread;
	bool stop = false;
	size_t cap;
	std::deque<uint8_t> to_board, to_host; // the FT2232H's buffers
	unsigned clk_hz, baud = 0;
	struct ice40_board_stats st{};
	// the simulation thread's own
	VerilatedContext ctx;
	Vtop *top = nullptr;
	nlut_uart_line line;
	uint64_t last_active = 0;

	void run();
};

void ice40_board::run()
{
	std::deque<uint8_t> out;
	uint64_t cyc = 0, framing = 0;
	auto t0 = std::chrono::steady_clock::now();
	for (;;) {
		uint8_t next = 0;
		bool have = false;
		{
			std::unique_lock<std::mutex> g(lock);
			for (uint8_t b : out)
				if (to_host.size() < cap)
					to_host.push_back(b);
				else
					st.dropped_out++;
			st.bytes_out += out.size();
			out.clear();
			st.cycles = cyc;
			st.framing_errors += framing;
			framing = 0;
			auto now = std::chrono::steady_clock::now();
			st.sim_seconds += std::chrono::duration<double>(now - t0).count();
			for (;;) {
				if (stop)
					return;
				if (baud)
					line.cpb = (int)((clk_hz + baud / 2) / baud);
				bool busy = !line.tx_idle() || !line.rx_idle() || cyc < BOOT_CYCLES ||
					    cyc - last_active < QUIET_CYCLES;
				if (busy || (!to_board.empty() && baud))
					break;
				wake.wait_for(g, std::chrono::milliseconds(20));
			}
			if (line.tx_idle() && !to_board.empty() && baud) {
				next = to_board.front();
				to_board.pop_front();
				have = true;
				st.bytes_in++;
			}
			t0 = std::chrono::steady_clock::now();
		}
		if (have) {
			line.send(next);
			last_active = cyc;
		}
		for (int c = 0; c < SLICE; c++) {
			if (line.tx_idle() && have && c)
				break; // pick the next byte up without a gap
			top->uart_rx = (uint8_t)line.drive();
			top->clk_12mhz = 0;
			top->eval();
			top->clk_12mhz = 1;
			top->eval();
			cyc++;
			uint8_t b;
			int got = line.sample(top->uart_tx, &b);
			if (got) {
				last_active = cyc;
				if (got < 0)
					framing++;
				else
					out.push_back(b);
			}
		}
	}
}

extern "C" struct ice40_board *ice40_board_new(unsigned clk_hz, size_t buffer)
{
	ice40_board *b = new (std::nothrow) ice40_board;
	if (!b)
		return nullptr;
	b->cap = buffer;
	b->clk_hz = clk_hz;
	b->top = new Vtop(&b->ctx);
	b->top->uart_rx = 1;
	b->thread = std::thread([b] { b->run(); });
	return b;
}

extern "C" void ice40_board_free(struct ice40_board *b)
{
	if (!b)
		return;
	{
		std::lock_guard<std::mutex> g(b->lock);
		b->stop = true;
	}
	b->wake.notify_all();
	b->thread.join();
	b->top->final();
	delete b->top;
	delete b;
}

extern "C" void ice40_board_set_baud(struct ice40_board *b, unsigned baud)
{
	std::lock_guard<std::mutex> g(b->lock);
	b->baud = baud;
}

extern "C" size_t ice40_board_write(struct ice40_board *b, const uint8_t *p, size_t n)
{
	size_t k;
	{
		std::lock_guard<std::mutex> g(b->lock);
		k = b->cap - b->to_board.size();
		if (k > n)
			k = n;
		b->to_board.insert(b->to_board.end(), p, p + k);
	}
	if (k)
		b->wake.notify_all();
	return k;
}

extern "C" size_t ice40_board_read(struct ice40_board *b, uint8_t *p, size_t max)
{
	std::lock_guard<std::mutex> g(b->lock);
	size_t k = b->to_host.size() < max ? b->to_host.size() : max;
	for (size_t i = 0; i < k; i++)
		p[i] = b->to_host[i];
	b->to_host.erase(b->to_host.begin(), b->to_host.begin() + (long)k);
	return k;
}

extern "C" size_t ice40_board_readable(struct ice40_board *b)
{
	std::lock_guard<std::mutex> g(b->lock);
	return b->to_host.size();
}

extern "C" void ice40_board_purge(struct ice40_board *b, int to_board, int to_host)
{
	std::lock_guard<std::mutex> g(b->lock);
	if (to_board)
		b->to_board.clear();
	if (to_host)
		b->to_host.clear();
}

extern "C" void ice40_board_stats(struct ice40_board *b, struct ice40_board_stats *s)
{
	std::lock_guard<std::mutex> g(b->lock);
	*s = b->st;
}
