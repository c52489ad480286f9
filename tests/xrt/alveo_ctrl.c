/* alveo_ctrl.c - nlut_krnl's s_axi_control (docs/vitis-kernel.md) on the
 * emulated card, register by register through the XRT C API: ap_idle at
 * rest, the arguments read back at their offsets, unmapped offsets read 0,
 * the nlut window (ID magic at 0x1000), ap_start taken at once and a run of
 * 0 vectors done with ap_done and ap_ready clear on read, ISR set only when
 * IER enables it and toggled by writes, the interrupt line through GIE; then
 * one run of 3 vectors through xrtKernelRun, read back from card memory.
 * Usage: alveo_ctrl XCLBIN   (XCL_EMULATION_MODE=hw_emu) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include <nlut/regs.h>

static int fails;

static void expect(const char *what, uint32_t got, uint32_t want)
{
	if (got != want) {
		fprintf(stderr, "alveo_ctrl: %s: 0x%x, expected 0x%x\n", what, got, want);
		fails++;
	}
}

static uint32_t rd(xrtKernelHandle k, uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	if (xrtKernelReadRegister(k, off, &v)) {
		fprintf(stderr, "alveo_ctrl: read of 0x%x failed\n", off);
		fails++;
	}
	return v;
}

static void wr(xrtKernelHandle k, uint32_t off, uint32_t v)
{
	if (xrtKernelWriteRegister(k, off, v)) {
		fprintf(stderr, "alveo_ctrl: write of 0x%x failed\n", off);
		fails++;
	}
}

int main(int argc, char **argv)
{
	xuid_t uuid;

	if (argc != 2) {
		fprintf(stderr, "usage: alveo_ctrl XCLBIN\n");
		return 2;
	}
	xrtDeviceHandle d = xrtDeviceOpen(0);

	if (!d || xrtDeviceLoadXclbinFile(d, argv[1]) || xrtDeviceGetXclbinUUID(d, uuid)) {
		fprintf(stderr, "alveo_ctrl: cannot open the emulated card with %s\n", argv[1]);
		return 1;
	}
	xrtKernelHandle k = xrtPLKernelOpenExclusive(d, uuid, "nlut_krnl");

	if (!k)
		return 1;
	expect("CTRL at rest (ap_idle)", rd(k, 0x00), 0x4);
	wr(k, 0x10, 0x12345678);
	wr(k, 0x18, 0x9abcdef0);
	wr(k, 0x1c, 0x00000040);
	wr(k, 0x24, 0x11112222);
	wr(k, 0x28, 0x00000041);
	expect("n_vectors", rd(k, 0x10), 0x12345678);
	expect("in low", rd(k, 0x18), 0x9abcdef0);
	expect("in high", rd(k, 0x1c), 0x40);
	expect("out low", rd(k, 0x24), 0x11112222);
	expect("out high", rd(k, 0x28), 0x41);
	expect("unmapped 0x14", rd(k, 0x14), 0);
	expect("unmapped 0x800", rd(k, 0x800), 0);
	expect("unmapped 0x1800", rd(k, 0x1800), 0);
	expect("ID_MAGIC through the window", rd(k, 0x1000 + NLUT_ID_MAGIC_REG_OFFSET), NLUT_MAGIC);
	wr(k, 0x1000 + NLUT_SCRATCH_REG_OFFSET, 0xa5a5f00d);
	expect("SCRATCH through the window", rd(k, 0x1000 + NLUT_SCRATCH_REG_OFFSET), 0xa5a5f00d);

	/* A run of 0 vectors, started by hand: done at once. */
	wr(k, 0x10, 0);
	wr(k, 0x08, 0x2);   /* IER: ap_ready only */
	wr(k, 0x00, 0x1);
	expect("CTRL after a run of 0 (done, idle, ready)", rd(k, 0x00), 0xe);
	expect("CTRL read again (done, ready cleared)", rd(k, 0x00), 0x4);
	expect("ISR: ap_ready only", rd(k, 0x0c), 0x2);
	wr(k, 0x0c, 0x2);
	expect("ISR after toggling", rd(k, 0x0c), 0x0);
	wr(k, 0x04, 1);
	expect("GIE", rd(k, 0x04), 1);
	wr(k, 0x04, 0);
	wr(k, 0x08, 0x0);

	/* One run of 3 vectors through XRT's path: enable the datapath first. */
	wr(k, 0x1000 + NLUT_CTRL_REG_OFFSET, 1u << NLUT_CTRL_RESET_BIT | 1u << NLUT_CTRL_CLEAR_BIT);
	wr(k, 0x1000 + NLUT_CTRL_REG_OFFSET, 1u << NLUT_CTRL_ENABLE_BIT);
	xrtBufferHandle in = xrtBOAlloc(d, 3 * 64, XCL_BO_FLAGS_NONE, (xrtMemoryGroup)xrtKernelArgGroupId(k, 1));
	xrtBufferHandle out = xrtBOAlloc(d, 3 * 64, XCL_BO_FLAGS_NONE, (xrtMemoryGroup)xrtKernelArgGroupId(k, 2));
	uint8_t *ip = xrtBOMap(in), *op = xrtBOMap(out);

	if (!in || !out || !ip || !op)
		return 1;
	memset(ip, 0, 3 * 64);
	memset(op, 0xee, 3 * 64);
	xrtBOSync(out, XCL_BO_SYNC_BO_TO_DEVICE, 3 * 64, 0);
	xrtBOSync(in, XCL_BO_SYNC_BO_TO_DEVICE, 3 * 64, 0);
	xrtRunHandle r = xrtKernelRun(k, 3u, in, out);

	expect("run state", (uint32_t)xrtRunWaitFor(r, 10000), ERT_CMD_STATE_COMPLETED);
	xrtRunClose(r);
	xrtBOSync(out, XCL_BO_SYNC_BO_FROM_DEVICE, 3 * 64, 0);
	for (uint32_t v = 0; v < 3; v++)
		expect("sequence tag", (uint32_t)op[64 * v] | (uint32_t)op[64 * v + 1] << 8, v);
	expect("CTRL after the run (idle; the scheduler read ap_done)", rd(k, 0x00), 0x4);
	expect("n_vectors of the run", rd(k, 0x10), 3);
	xrtBOFree(in);
	xrtBOFree(out);
	xrtKernelClose(k);
	xrtDeviceClose(d);
	if (!fails)
		printf("alveo_ctrl: s_axi_control as docs/vitis-kernel.md says\n");
	return fails ? 1 : 0;
}
