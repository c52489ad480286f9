// krnl_emu.cpp - the emulated card of nlut_krnl_emu.h: a Verilated nlut_krnl
// clocked here, its s_axi_control driven by an AXI4-Lite master, its two
// memory masters answered by one bank of card memory (nlut_axi_mem.h) with
// latency and random back-pressure; a master connected to host memory
// reads and writes the host's buffers in place, with PCIe's latency.
//
// Built by `nlut-sim-build --kernel` into nlut_krnl_emu.so with
// NLUT_KRNL_EMU_RAM_HEX (the RAM_INIT_FILE the model reads at construction)
// defined and the generated nlut_core_params.h on the include path.
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include <verilated.h>

#include <nlut/regs.h>

#include "Vnlut_krnl.h"
#include "nlut_axi_mem.h"
#include "nlut_bits.h"
#include "nlut_core_params.h"
#include "nlut_krnl_emu.h"

#ifndef NLUT_KRNL_EMU_RAM_HEX
#error "build with -DNLUT_KRNL_EMU_RAM_HEX (nlut-sim-build --kernel does)"
#endif

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

constexpr uint64_t kAxilTimeout = 100000; // cycles for one register access
constexpr uint64_t kBootCycles = 8000000; // firmware boot and boot self-test
constexpr uint64_t kBootPoll = 2000;      // cycles between boot status polls
constexpr uint32_t kRegs = 0x1000;        // the nlut window in s_axi_control
constexpr unsigned kBeat = 64;

} // namespace

struct nlut_krnl_emu {
	std::unique_ptr<VerilatedContext> ctx;
	Vnlut_krnl *top = nullptr;
	nlut_axi_store store;
	std::unique_ptr<nlut_axi_mem> gmem0, gmem1;
	nlut_axi_port p0, p1;
	uint64_t cycles = 0;
	std::string violation;

	void to_port()
	{
		Vnlut_krnl *t = top;

		p0.araddr = t->m_axi_gmem0_araddr;
		p0.arlen = t->m_axi_gmem0_arlen;
		p0.arvalid = t->m_axi_gmem0_arvalid;
		p0.rready = t->m_axi_gmem0_rready;
		p0.awvalid = t->m_axi_gmem0_awvalid; // idle: never raised
		p0.wvalid = t->m_axi_gmem0_wvalid;
		p0.bready = t->m_axi_gmem0_bready;
		p1.arvalid = t->m_axi_gmem1_arvalid;
		p1.rready = t->m_axi_gmem1_rready;
		p1.awaddr = t->m_axi_gmem1_awaddr;
		p1.awlen = t->m_axi_gmem1_awlen;
		p1.awvalid = t->m_axi_gmem1_awvalid;
		p1.wvalid = t->m_axi_gmem1_wvalid;
		p1.wlast = t->m_axi_gmem1_wlast;
		if (p1.wvalid)
			nlut_from_sig(t->m_axi_gmem1_wdata, p1.wdata, kBeat);
		uint8_t strb[8];
		nlut_from_sig(t->m_axi_gmem1_wstrb, strb, sizeof(strb));
		p1.wstrb = 0;
		for (int i = 0; i < 8; i++)
			p1.wstrb |= (uint64_t)strb[i] << (8 * i);
		p1.bready = t->m_axi_gmem1_bready;
	}

	void from_port()
	{
		Vnlut_krnl *t = top;

		t->m_axi_gmem0_arready = p0.arready;
		t->m_axi_gmem0_rvalid = p0.rvalid;
		t->m_axi_gmem0_rlast = p0.rlast;
		t->m_axi_gmem0_rresp = p0.rresp;
		if (p0.rvalid)
			nlut_to_sig(t->m_axi_gmem0_rdata, p0.rdata, kBeat);
		t->m_axi_gmem0_awready = p0.awready;
		t->m_axi_gmem0_wready = p0.wready;
		t->m_axi_gmem0_bvalid = p0.bvalid;
		t->m_axi_gmem0_bresp = p0.bresp;
		t->m_axi_gmem1_arready = p1.arready;
		t->m_axi_gmem1_rvalid = p1.rvalid;
		t->m_axi_gmem1_rlast = p1.rlast;
		t->m_axi_gmem1_rresp = p1.rresp;
		t->m_axi_gmem1_awready = p1.awready;
		t->m_axi_gmem1_wready = p1.wready;
		t->m_axi_gmem1_bvalid = p1.bvalid;
		t->m_axi_gmem1_bresp = p1.bresp;
	}

	// One cycle: memory drives its outputs, evaluate with the clock low,
	// memory takes this cycle's handshakes, rising edge.
	void step()
	{
		to_port();
		gmem0->drive(p0);
		gmem1->drive(p1);
		from_port();
		top->ap_clk = 0;
		top->eval();
		to_port();
		gmem0->sample(p0);
		gmem1->sample(p1);
		top->ap_clk = 1;
		top->eval();
		cycles++;
		if (violation.empty()) {
			if (!gmem0->violation().empty())
				violation = "m_axi_gmem0: " + gmem0->violation();
			else if (!gmem1->violation().empty())
				violation = "m_axi_gmem1: " + gmem1->violation();
		}
	}

	void run(uint64_t n)
	{
		for (uint64_t i = 0; i < n; i++)
			step();
	}

	int write32(uint32_t off, uint32_t v)
	{
		Vnlut_krnl *t = top;
		bool aw_done = false, w_done = false;

		t->s_axi_control_awaddr = off;
		t->s_axi_control_wdata = v;
		t->s_axi_control_wstrb = 0xf;
		t->s_axi_control_bready = 1;
		for (uint64_t n = 0; n < kAxilTimeout; n++) {
			t->s_axi_control_awvalid = !aw_done;
			t->s_axi_control_wvalid = !w_done;
			t->ap_clk = 0;
			t->eval();
			bool aw = t->s_axi_control_awvalid && t->s_axi_control_awready;
			bool w = t->s_axi_control_wvalid && t->s_axi_control_wready;
			bool b = t->s_axi_control_bvalid;
			uint32_t resp = t->s_axi_control_bresp;
			step();
			aw_done |= aw;
			w_done |= w;
			if (b) {
				t->s_axi_control_awvalid = t->s_axi_control_wvalid = t->s_axi_control_bready = 0;
				return resp ? -1 : 0;
			}
		}
		t->s_axi_control_awvalid = t->s_axi_control_wvalid = t->s_axi_control_bready = 0;
		return -1;
	}

	int read32(uint32_t off, uint32_t *v)
	{
		Vnlut_krnl *t = top;
		bool ar_done = false;

		t->s_axi_control_araddr = off;
		t->s_axi_control_rready = 1;
		for (uint64_t n = 0; n < kAxilTimeout; n++) {
			t->s_axi_control_arvalid = !ar_done;
			t->ap_clk = 0;
			t->eval();
			bool ar = t->s_axi_control_arvalid && t->s_axi_control_arready;
			bool r = t->s_axi_control_rvalid;
			uint32_t resp = t->s_axi_control_rresp, data = t->s_axi_control_rdata;
			step();
			ar_done |= ar;
			if (r) {
				*v = data;
				t->s_axi_control_arvalid = t->s_axi_control_rready = 0;
				return resp ? -1 : 0;
			}
		}
		t->s_axi_control_arvalid = t->s_axi_control_rready = 0;
		return -1;
	}
};

static void fmt_err(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fmt_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

EXPORT int nlut_krnl_emu_abi(void)
{
	return NLUT_KRNL_EMU_ABI;
}

EXPORT const char *nlut_krnl_emu_model_id(void)
{
	return NLUT_CORE_MODEL_ID;
}

EXPORT void nlut_krnl_emu_free(struct nlut_krnl_emu *e)
{
	if (!e)
		return;
	if (e->top) {
		e->top->final();
		delete e->top;
	}
	delete e;
}

EXPORT struct nlut_krnl_emu *nlut_krnl_emu_new(const struct nlut_krnl_emu_config *c, char *err,
					       size_t errlen)
{
	static const struct nlut_krnl_emu_config def = {};
	FILE *f;

	if (!c)
		c = &def;
	if (c->stall_pct >= 100) {
		fmt_err(err, errlen, "card emulation: memory stalls of %u%% would never move data", c->stall_pct);
		return nullptr;
	}
	// A missing image would end the process inside $readmemh.
	if (!(f = fopen(NLUT_KRNL_EMU_RAM_HEX, "r"))) {
		fmt_err(err, errlen, "card emulation: boot RAM image %s: %s", NLUT_KRNL_EMU_RAM_HEX,
			strerror(errno));
		return nullptr;
	}
	fclose(f);
	nlut_krnl_emu *e = new (std::nothrow) nlut_krnl_emu;
	if (!e) {
		fmt_err(err, errlen, "card emulation: out of memory");
		return nullptr;
	}
	nlut_axi_mem_config mc;
	mc.data_bytes = kBeat;
	mc.stall_pct = c->stall_pct;
	mc.lat_min = c->lat_min ? c->lat_min : 1;
	mc.lat_max = c->lat_max > mc.lat_min ? c->lat_max : mc.lat_min;
	mc.seed = c->seed * 2 + 1;
	mc.drop_b = c->drop_write_responses != 0;
	nlut_axi_mem_config hc = mc; // host memory across PCIe
	hc.stall_pct = c->host_stall_pct;
	hc.lat_min = c->host_lat_min ? c->host_lat_min : 1;
	hc.lat_max = c->host_lat_max > hc.lat_min ? c->host_lat_max : hc.lat_min;
	if (hc.stall_pct >= 100) {
		fmt_err(err, errlen, "card emulation: host memory stalls of %u%% would never move data",
			hc.stall_pct);
		delete e;
		return nullptr;
	}
	e->gmem0.reset(new nlut_axi_mem(c->host_ports & 1 ? hc : mc, e->store));
	mc.seed = hc.seed = c->seed * 2 + 2;
	e->gmem1.reset(new nlut_axi_mem(c->host_ports & 2 ? hc : mc, e->store));
	e->ctx.reset(new VerilatedContext);
	e->ctx->fatalOnError(false);
	e->top = new Vnlut_krnl(e->ctx.get(), "krnl");
	Vnlut_krnl *t = e->top;
	t->s_axi_control_awvalid = t->s_axi_control_wvalid = t->s_axi_control_bready = 0;
	t->s_axi_control_arvalid = t->s_axi_control_rready = 0;
	t->ap_rst_n = 0;
	e->run(16);
	t->ap_rst_n = 1;
	uint32_t status = 0, bist = 0;
	while (e->cycles < kBootCycles) {
		e->run(kBootPoll);
		if (e->read32(kRegs + NLUT_STATUS_REG_OFFSET, &status) ||
		    e->read32(kRegs + NLUT_BIST_STATUS_REG_OFFSET, &bist)) {
			fmt_err(err, errlen, "card emulation: s_axi_control did not answer (cycle %" PRIu64 ")",
				e->cycles);
			nlut_krnl_emu_free(e);
			return nullptr;
		}
		if ((status >> NLUT_STATUS_FW_ALIVE_BIT & 1) && (bist >> NLUT_BIST_STATUS_DONE_BIT & 1))
			return e;
	}
	fmt_err(err, errlen, "card emulation: the firmware did not boot in %" PRIu64 " cycles "
		"(STATUS 0x%x, BIST_STATUS 0x%x); check the boot RAM image %s", e->cycles, status, bist,
		NLUT_KRNL_EMU_RAM_HEX);
	nlut_krnl_emu_free(e);
	return nullptr;
}

EXPORT void nlut_krnl_emu_map(struct nlut_krnl_emu *e, uint64_t base, uint64_t size)
{
	e->store.map(base, size);
}

EXPORT void nlut_krnl_emu_map_host(struct nlut_krnl_emu *e, uint64_t base, uint64_t size, void *host)
{
	e->store.map_external(base, size, host);
}

EXPORT void nlut_krnl_emu_unmap(struct nlut_krnl_emu *e, uint64_t base)
{
	e->store.unmap(base);
}

EXPORT int nlut_krnl_emu_poke(struct nlut_krnl_emu *e, uint64_t addr, const void *src, size_t n)
{
	return e->store.poke(addr, src, n) ? 0 : -1;
}

EXPORT int nlut_krnl_emu_peek(struct nlut_krnl_emu *e, uint64_t addr, void *dst, size_t n)
{
	return e->store.peek(addr, dst, n) ? 0 : -1;
}

EXPORT int nlut_krnl_emu_read32(struct nlut_krnl_emu *e, uint32_t off, uint32_t *v)
{
	return e->read32(off, v);
}

EXPORT int nlut_krnl_emu_write32(struct nlut_krnl_emu *e, uint32_t off, uint32_t v)
{
	return e->write32(off, v);
}

EXPORT int nlut_krnl_emu_run_to_irq(struct nlut_krnl_emu *e, uint64_t max_cycles)
{
	for (uint64_t i = 0; i < max_cycles; i++) {
		if (e->top->__SYM__interrupt)
			return 1;
		e->step();
	}
	return e->top->__SYM__interrupt ? 1 : 0;
}

EXPORT uint64_t nlut_krnl_emu_cycles(const struct nlut_krnl_emu *e)
{
	return e->cycles;
}

EXPORT const char *nlut_krnl_emu_check(const struct nlut_krnl_emu *e)
{
	return e->violation.empty() ? nullptr : e->violation.c_str();
}
