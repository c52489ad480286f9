/* nlut_krnl_emu.h - the emulated Alveo card of one model: the Verilated
 * Vitis kernel nlut_krnl (docs/vitis-kernel.md) with its two memory masters
 * on a model of card memory, or of host memory across PCIe
 * (sim/axi/nlut_axi_mem.h). One shared object per
 * model, nlut_krnl_emu.so, built by `nlut-sim-build --kernel`; the XRT
 * emulation library (sim/xrt/xrt_emu.cpp) loads it and drives it through
 * these functions only (docs/alveo-u250.md). */
#ifndef NLUT_KRNL_EMU_H
#define NLUT_KRNL_EMU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change; the loader refuses other versions. */
#define NLUT_KRNL_EMU_ABI 2

struct nlut_krnl_emu;

struct nlut_krnl_emu_config {
	/* Card memory: percent of cycles each channel is stalled, latency
	 * range in cycles, the seed of both. */
	unsigned stall_pct, lat_min, lat_max;
	uint64_t seed;
	/* A fault: memory never answers writes, so ap_done never rises. */
	int drop_write_responses;
	/* Masters connected to host memory (bit 0: m_axi_gmem0, bit 1:
	 * m_axi_gmem1; v++ sp=...:HOST[0]): they reach it over PCIe through
	 * the platform's host-memory bridge, with this latency range and
	 * stall percentage instead of card memory's. */
	unsigned host_ports, host_stall_pct, host_lat_min, host_lat_max;
};

int nlut_krnl_emu_abi(void);        /* NLUT_KRNL_EMU_ABI */
const char *nlut_krnl_emu_model_id(void); /* 64 hex digits */
/* Reset the kernel (ap_rst_n low 16 cycles) and run until the shell's
 * firmware has booted. NULL with a message in err on failure. */
struct nlut_krnl_emu *nlut_krnl_emu_new(const struct nlut_krnl_emu_config *c, char *err,
					size_t errlen);
void nlut_krnl_emu_free(struct nlut_krnl_emu *e);
/* Card memory regions (buffer objects) and the host's DMA into them:
 * 0, or -1 outside mapped memory. */
void nlut_krnl_emu_map(struct nlut_krnl_emu *e, uint64_t base, uint64_t size);
/* A region of host memory at host, which the masters read and write in
 * place at card address base (a host-only buffer object). */
void nlut_krnl_emu_map_host(struct nlut_krnl_emu *e, uint64_t base, uint64_t size, void *host);
void nlut_krnl_emu_unmap(struct nlut_krnl_emu *e, uint64_t base);
int nlut_krnl_emu_poke(struct nlut_krnl_emu *e, uint64_t addr, const void *src, size_t n);
int nlut_krnl_emu_peek(struct nlut_krnl_emu *e, uint64_t addr, void *dst, size_t n);
/* One AXI4-Lite access on s_axi_control, clocking until the response:
 * 0, or -1 for an error response or none in 100000 cycles. */
int nlut_krnl_emu_read32(struct nlut_krnl_emu *e, uint32_t off, uint32_t *v);
int nlut_krnl_emu_write32(struct nlut_krnl_emu *e, uint32_t off, uint32_t v);
/* Clock until the interrupt output is high or max_cycles have run;
 * 1 when the interrupt is high. */
int nlut_krnl_emu_run_to_irq(struct nlut_krnl_emu *e, uint64_t max_cycles);
uint64_t nlut_krnl_emu_cycles(const struct nlut_krnl_emu *e);
/* The first AXI4 rule a memory master broke, or NULL while none. */
const char *nlut_krnl_emu_check(const struct nlut_krnl_emu *e);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_KRNL_EMU_H */
