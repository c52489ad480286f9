// nlut_tb.h - the shared Verilator harness: context and command-line
// arguments (+trace, +seed=N, +timeout=N), clock, reset, cycle timeout and
// FST tracing, once for every testbench.
#ifndef NLUT_TB_H
#define NLUT_TB_H

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include <unistd.h>

#include <verilated.h>
#if VM_TRACE_FST
#include <verilated_fst_c.h>
#endif

template <class Model> class nlut_tb {
public:
	// quiet: one more model of a multi-threaded harness (its own context):
	// no seed line, no trace.
	nlut_tb(int argc, char **argv, const char *name, bool quiet = false)
		: ctx_(new VerilatedContext)
	{
		ctx_->commandArgs(argc, argv);
		top = new Model(ctx_.get(), "top");
		name_ = name;
		const char *s = ctx_->commandArgsPlusMatch("seed=");
		seed = s && *s ? strtoull(s + 6, nullptr, 0) : (uint64_t)time(nullptr);
		const char *t = ctx_->commandArgsPlusMatch("timeout=");
		timeout = t && *t ? strtoull(t + 9, nullptr, 0) : 50000000ull;
		if (!quiet)
			printf("%s: seed %llu (replay with +seed=%llu)\n", name,
			       (unsigned long long)seed, (unsigned long long)seed);
#if VM_TRACE_FST
		const char *tr = ctx_->commandArgsPlusMatch("trace");
		if (tr && *tr && !quiet) {
			ctx_->traceEverOn(true);
			trace_ = new VerilatedFstC;
			top->trace(trace_, 99);
			std::string f = std::string(name) + ".fst";
			trace_->open(f.c_str());
			printf("%s: tracing to %s\n", name, f.c_str());
		}
#else
		// Asked for a waveform this build cannot write: say so, do not run
		// silently without it.
		const char *tr = ctx_->commandArgsPlusMatch("trace");
		if (tr && *tr && !quiet) {
			fprintf(stderr, "%s: +trace: this harness was built without waveform tracing "
					"(its CMake target has no TRACE / --trace-fst)\n", name);
			exit(2);
		}
#endif
		top->clk = 0;
		top->rst = 1;
		top->eval();
	}

	~nlut_tb()
	{
#if VM_TRACE_FST
		if (trace_)
			trace_->close();
		delete trace_;
#endif
		// Deleted under its own context: a scope unregisters itself from
		// the thread's current one (Verilator 5.006), and with another
		// model's context current the deletion deadlocks.
		Verilated::threadContextp(ctx_.get());
		top->final();
		delete top;
	}

	// One rising edge: inputs set before tick() are sampled at the edge;
	// outputs read after tick() are the registered values.
	void tick()
	{
		tick([] {});
	}

	// tick() that calls between() after the rising edge's evaluation and
	// before the falling edge's: inputs it changes are seen at the falling
	// edge already (a clock gate latched there, NLUT_SIM_GATE_CTRL) and
	// sampled at the next rising edge.
	template <class F> void tick(F between)
	{
		top->clk = 1;
		top->eval();
		dump();
		between();
		top->clk = 0;
		top->eval();
		dump();
		if (++cycles > timeout)
			fail("timeout after %llu cycles", (unsigned long long)cycles);
	}

	// Re-evaluate combinational outputs after changing inputs.
	void settle() { top->eval(); }

	void reset(int n = 4)
	{
		top->rst = 1;
		for (int i = 0; i < n; i++)
			tick();
		top->rst = 0;
		settle();
	}

	// xorshift64*: the testbench's only randomness, from +seed.
	uint64_t rnd()
	{
		seed ^= seed >> 12;
		seed ^= seed << 25;
		seed ^= seed >> 27;
		return seed * 2685821657736338717ull;
	}
	// True with probability pct/100.
	bool chance(unsigned pct) { return rnd() % 100 < pct; }

	[[noreturn]] void fail(const char *fmt, ...) __attribute__((format(printf, 2, 3)))
	{
		va_list ap;

		fprintf(stderr, "%s: FAIL at cycle %llu: ", name_, (unsigned long long)cycles);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
		if (multi) {
			// Other threads are running their models: end at once.
			fflush(stdout);
			fflush(stderr);
			_exit(1);
		}
		this->~nlut_tb();
		exit(1);
	}

	Model *top;
	bool multi = false; // one of several models on threads: fail() ends the process
	uint64_t seed;
	uint64_t cycles = 0;
	uint64_t timeout;

private:
	void dump()
	{
#if VM_TRACE_FST
		if (trace_)
			trace_->dump(ctx_->time());
#endif
		ctx_->timeInc(1);
	}

	std::unique_ptr<VerilatedContext> ctx_;
	const char *name_;
#if VM_TRACE_FST
	VerilatedFstC *trace_ = nullptr;
#endif
};

#endif // NLUT_TB_H
