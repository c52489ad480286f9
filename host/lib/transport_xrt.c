/* transport_xrt.c - the `xrt` transport: an Alveo card through XRT's C API,
 * loaded at run time (docs/vitis-kernel.md). Input records go into buffer
 * objects in card memory, two kernel runs in flight, results come back the
 * same way; zero-copy records are lent straight from the mapped buffers.
 * With host memory (board key `memory = host` or NLUT_XRT_MEMORY=host, for
 * an xclbin whose ports are linked to HOST[0]) the buffers are host-only:
 * the kernel reads and writes them over PCIe and no buffer is synced. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include <nlut/stream.h>

#include "internal.h"
#include "transport.h"

#define XRT_LIB "libxrt_coreutil.so.2"
#define XRT_CORE "libxrt_core.so.2"
#define NLUT_REGS_BASE 0x1000u /* nlut registers inside s_axi_control */
#define ARG_N 0
#define ARG_IN 1
#define ARG_OUT 2

/* XRT's entry points, typed by Debian's own headers. */
struct xrt_api {
	void *lib;
	__typeof__(&xrtDeviceOpen) DeviceOpen;
	__typeof__(&xrtDeviceClose) DeviceClose;
	__typeof__(&xrtDeviceLoadXclbinFile) DeviceLoadXclbinFile;
	__typeof__(&xrtDeviceGetXclbinUUID) DeviceGetXclbinUUID;
	__typeof__(&xrtPLKernelOpenExclusive) PLKernelOpenExclusive;
	__typeof__(&xrtKernelClose) KernelClose;
	__typeof__(&xrtKernelReadRegister) KernelReadRegister;
	__typeof__(&xrtKernelWriteRegister) KernelWriteRegister;
	__typeof__(&xrtKernelArgGroupId) KernelArgGroupId;
	__typeof__(&xrtBOAlloc) BOAlloc;
	__typeof__(&xrtBOFree) BOFree;
	__typeof__(&xrtBOMap) BOMap;
	__typeof__(&xrtBOSync) BOSync;
	__typeof__(&xrtRunOpen) RunOpen;
	__typeof__(&xrtRunSetArg) RunSetArg;
	__typeof__(&xrtRunStart) RunStart;
	__typeof__(&xrtRunWaitFor) RunWaitFor;
	__typeof__(&xrtRunClose) RunClose;
};

/*
 * A slot is one kernel run's pair of buffer objects: FILL while the host
 * writes input records, RUN while the kernel works, DONE while its results
 * wait in the mapped output buffer to be read. Results leave a DONE slot
 * for the fifo only when the slot is wanted for filling before they are
 * read (more batches in flight than slots).
 */
enum slot_state { SLOT_FILL, SLOT_RUN, SLOT_DONE };

struct slot {
	xrtBufferHandle in_bo, out_bo;
	uint8_t *in_map, *out_map;
	size_t n;          /* records written (FILL) or in the run (RUN, DONE) */
	size_t rd;         /* DONE: result bytes read */
	xrtRunHandle run;  /* the slot's run, opened once with its buffers as arguments */
	size_t run_n;      /* n_vectors last set on it */
	int running;       /* started and not yet waited for */
	enum slot_state st;
};

struct xrt_dev {
	struct xrt_api x;
	xrtDeviceHandle dev;
	xrtKernelHandle krnl;
	size_t in_record, out_record, cap; /* cap: vectors per run */
	unsigned timeout_ms;
	int host_mem;      /* host-only buffers in HOST[0]: no syncs */
	struct slot slot[2];
	unsigned fill;     /* slot being filled */
	unsigned launched[2], n_launched; /* RUN and DONE slots, oldest first */
	uint8_t *fifo;     /* results moved out of slots, older than any slot's */
	size_t fifo_len, fifo_head, fifo_cap;
	char shim[64];     /* private XILINX_XRT folder we made, or "" */
};

static int load_api(struct xrt_api *x)
{
	x->lib = dlopen(XRT_LIB, RTLD_NOW | RTLD_LOCAL);
	if (!x->lib)
		return nlut_fail(NLUT_ERROR_NO_DEVICE,
				 "XRT is not installed (%s not found): install XRT (Debian: libxrt2) or use another board",
				 XRT_LIB);
#define SYM(name)                                                                        \
	do {                                                                             \
		*(void **)&x->name = dlsym(x->lib, "xrt" #name);                         \
		if (!x->name)                                                            \
			return nlut_fail(NLUT_ERROR_UNSUPPORTED, "%s lacks xrt%s", XRT_LIB, #name); \
	} while (0)
	SYM(DeviceOpen);
	SYM(DeviceClose);
	SYM(DeviceLoadXclbinFile);
	SYM(DeviceGetXclbinUUID);
	SYM(PLKernelOpenExclusive);
	SYM(KernelClose);
	SYM(KernelReadRegister);
	SYM(KernelWriteRegister);
	SYM(KernelArgGroupId);
	SYM(BOAlloc);
	SYM(BOFree);
	SYM(BOMap);
	SYM(BOSync);
	SYM(RunOpen);
	SYM(RunSetArg);
	SYM(RunStart);
	SYM(RunWaitFor);
	SYM(RunClose);
#undef SYM
	return NLUT_SUCCESS;
}

static int has_core(const char *root)
{
	char p[600];
	struct stat st;

	snprintf(p, sizeof(p), "%s/lib/" XRT_CORE, root);
	return stat(p, &st) == 0;
}

/*
 * XRT aborts the process on its first call when XILINX_XRT is unset or has
 * no lib/libxrt_core.so.2. A wrong setting is the user's to fix; an unset
 * one gets a private folder whose lib/ links to the library we loaded.
 */
static int prepare_env(struct xrt_dev *d)
{
	const char *env = getenv("XILINX_XRT");
	Dl_info info;
	void *sym;
	char lib[600];

	if (env && *env) {
		if (!has_core(env))
			return nlut_fail(NLUT_ERROR_NO_DEVICE,
					 "XILINX_XRT=%s has no lib/%s: point it at the XRT installation or unset it",
					 env, XRT_CORE);
		return NLUT_SUCCESS;
	}
	void *core = dlopen(XRT_CORE, RTLD_NOW | RTLD_LOCAL);

	if (!core || !(sym = dlsym(d->x.lib, "xrtDeviceOpen")) || !dladdr(sym, &info)) {
		if (core)
			dlclose(core);
		return nlut_fail(NLUT_ERROR_NO_DEVICE, "XRT is incomplete: %s not found", XRT_CORE);
	}
	dlclose(core);
	snprintf(lib, sizeof(lib), "%s", info.dli_fname);
	char *slash = strrchr(lib, '/');

	if (!slash)
		return nlut_fail(NLUT_ERROR_NO_DEVICE, "cannot locate the XRT library folder");
	snprintf(slash + 1, sizeof(lib) - (size_t)(slash + 1 - lib), "%s", XRT_CORE);
	snprintf(d->shim, sizeof(d->shim), "/tmp/nlut-xrt-XXXXXX");
	if (!mkdtemp(d->shim)) {
		d->shim[0] = '\0';
		return nlut_fail(NLUT_ERROR_IO, "cannot make a folder for XILINX_XRT: %s", strerror(errno));
	}
	char dir[128], link[160];

	snprintf(dir, sizeof(dir), "%s/lib", d->shim);
	snprintf(link, sizeof(link), "%s/" XRT_CORE, dir);
	if (mkdir(dir, 0700) || symlink(lib, link))
		return nlut_fail(NLUT_ERROR_IO, "cannot prepare %s: %s", dir, strerror(errno));
	setenv("XILINX_XRT", d->shim, 1);
	return NLUT_SUCCESS;
}

static void remove_shim(struct xrt_dev *d)
{
	char p[160];

	if (!d->shim[0])
		return;
	snprintf(p, sizeof(p), "%s/lib/" XRT_CORE, d->shim);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lib", d->shim);
	rmdir(p);
	rmdir(d->shim);
	d->shim[0] = '\0';
}

/* XRT prints a banner and its errors on stderr; keep them out of the
 * user's terminal and hand back the last "[XRT] ERROR" line instead. */
struct quiet {
	int saved;
	FILE *tmp;
};

static void quiet_begin(struct quiet *q)
{
	fflush(stderr);
	q->tmp = tmpfile();
	q->saved = q->tmp ? dup(2) : -1;
	if (q->saved >= 0)
		dup2(fileno(q->tmp), 2);
}

static void quiet_end(struct quiet *q, char *msg, size_t len)
{
	char line[512];

	msg[0] = '\0';
	if (q->saved < 0)
		return;
	fflush(stderr);
	dup2(q->saved, 2);
	close(q->saved);
	rewind(q->tmp);
	while (fgets(line, sizeof(line), q->tmp))
		if (strstr(line, "ERROR")) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(msg, len, "%.300s", line);
		}
	fclose(q->tmp);
}

static void x_close(void *priv)
{
	struct xrt_dev *d = priv;

	if (!d)
		return;
	for (int s = 0; s < 2; s++) {
		struct slot *sl = &d->slot[s];

		if (sl->run) {
			if (sl->running)
				d->x.RunWaitFor(sl->run, 1000);
			d->x.RunClose(sl->run);
		}
		if (sl->in_bo)
			d->x.BOFree(sl->in_bo);
		if (sl->out_bo)
			d->x.BOFree(sl->out_bo);
	}
	if (d->krnl)
		d->x.KernelClose(d->krnl);
	if (d->dev)
		d->x.DeviceClose(d->dev);
	remove_shim(d);
	/* libxrt stays loaded: XRT does not support being unloaded. */
	free(d->fifo);
	free(d);
}

static int alloc_slots(struct xrt_dev *d)
{
	int g_in = d->x.KernelArgGroupId(d->krnl, ARG_IN);
	int g_out = d->x.KernelArgGroupId(d->krnl, ARG_OUT);

	xrtBufferFlags fl = d->host_mem ? XCL_BO_FLAGS_HOST_ONLY : XCL_BO_FLAGS_NONE;
	char xmsg[400];
	struct quiet q;

	for (int s = 0; s < 2; s++) {
		struct slot *sl = &d->slot[s];

		quiet_begin(&q);
		sl->in_bo = d->x.BOAlloc(d->dev, d->cap * d->in_record, fl, (xrtMemoryGroup)g_in);
		sl->out_bo = sl->in_bo ? d->x.BOAlloc(d->dev, d->cap * d->out_record, fl, (xrtMemoryGroup)g_out)
				       : NULL;
		quiet_end(&q, xmsg, sizeof(xmsg));
		if (!sl->in_bo || !sl->out_bo)
			return nlut_fail(NLUT_ERROR_NO_MEM, "Alveo: cannot allocate %zu-vector buffers in %s%s%s",
					 d->cap,
					 d->host_mem ? "host memory (memory = host needs an xclbin linked to HOST[0] "
						       "and host memory enabled: xbutil configure --host-mem)"
						     : "card memory",
					 xmsg[0] ? "; XRT says: " : "", xmsg);
		sl->in_map = d->x.BOMap(sl->in_bo);
		sl->out_map = d->x.BOMap(sl->out_bo);
		if (!sl->in_map || !sl->out_map)
			return nlut_fail(NLUT_ERROR_IO, "Alveo: cannot map buffer objects");
		/* One run object per slot, reused for every run on it (XRT's way to
		 * start a kernel again without building a new command): the
		 * buffers are set once, n_vectors when it changes. */
		sl->run = d->x.RunOpen(d->krnl);
		if (!sl->run || d->x.RunSetArg(sl->run, ARG_IN, sl->in_bo) ||
		    d->x.RunSetArg(sl->run, ARG_OUT, sl->out_bo))
			return nlut_fail(NLUT_ERROR_IO, "Alveo: cannot prepare the kernel's runs");
		sl->run_n = (size_t)-1;
	}
	return NLUT_SUCCESS;
}

static int x_open(const struct nlut_board *b, const nlut_model *m,
		  const struct nlut_device_opts *o, void **priv)
{
	struct xrt_dev *d = calloc(1, sizeof(*d));
	unsigned long index = 0, sb, mb, sc, runv;
	const char *xclbin = nlut_board_get(b, "xclbin"), *kname = nlut_board_get(b, "kernel");
	const char *mem = getenv("NLUT_XRT_MEMORY");
	char path[700], xmsg[400];
	struct quiet q;
	int err;

	if (!d)
		return nlut_fail(NLUT_ERROR_NO_MEM, "xrt transport");
	d->timeout_ms = o->timeout_ms ? o->timeout_ms : 10000;
	/* Where the buffers live: card memory (DDR, synced by XRT's DMA) or
	 * host memory the kernel reaches itself. */
	if (!mem || !*mem)
		mem = nlut_board_get(b, "memory");
	if (mem && strcmp(mem, "ddr") && strcmp(mem, "host")) {
		err = nlut_fail(NLUT_ERROR_INVALID_PARAM, "Alveo: memory '%s': expected ddr or host%s", mem,
				getenv("NLUT_XRT_MEMORY") && *getenv("NLUT_XRT_MEMORY") ? " (NLUT_XRT_MEMORY)" : "");
		goto fail;
	}
	d->host_mem = mem && !strcmp(mem, "host");
	if ((err = nlut_board_get_uint(b, "s_bytes", 64, &sb)) ||
	    (err = nlut_board_get_uint(b, "m_bytes", 64, &mb)) ||
	    (err = nlut_board_get_uint(b, "scores", 1, &sc)) ||
	    (err = nlut_board_get_uint(b, "run_vectors", 16384, &runv)))
		goto fail;
	if (o->device) {
		char *end;

		index = strtoul(o->device, &end, 10);
		if (*end || !*o->device) {
			err = nlut_fail(NLUT_ERROR_INVALID_PARAM, "--device '%s': an Alveo card index is a number",
					o->device);
			goto fail;
		}
	}
	/* Record sizes as in docs/stream-format.md; the device API checks
	 * them against the ID block once the card answers. */
	{
		struct nlut_stream_shape sh;

		if ((err = nlut_stream_shape_model(m, (unsigned)sb, (unsigned)mb, sc != 0, &sh)))
			goto fail;
		d->in_record = sh.in_record;
		d->out_record = sh.out_record;
		d->cap = runv;
		nlut_stream_shape_release(&sh);
	}
	if ((err = load_api(&d->x)) || (err = prepare_env(d)))
		goto fail;
	quiet_begin(&q);
	errno = 0;
	d->dev = d->x.DeviceOpen((unsigned)index);
	int open_errno = errno;

	quiet_end(&q, xmsg, sizeof(xmsg));
	if (!d->dev) {
		err = nlut_fail(NLUT_ERROR_NO_DEVICE, "no Alveo card found at index %lu (%s%s%s)", index,
				strerror(open_errno ? open_errno : ENODEV), xmsg[0] ? "; XRT says: " : "",
				xmsg);
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/%s", b->dir, xclbin ? xclbin : "nlut_krnl.xclbin");
	if (getenv("NLUT_XCLBIN"))
		snprintf(path, sizeof(path), "%s", getenv("NLUT_XCLBIN"));
	quiet_begin(&q);
	int lerr = d->x.DeviceLoadXclbinFile(d->dev, path);

	quiet_end(&q, xmsg, sizeof(xmsg));
	if (lerr) {
		err = nlut_fail(NLUT_ERROR_NO_DEVICE, "Alveo card %lu: cannot load %s%s%s", index, path,
				xmsg[0] ? ": " : "", xmsg);
		goto fail;
	}
	xuid_t uuid;

	d->x.DeviceGetXclbinUUID(d->dev, uuid);
	d->krnl = d->x.PLKernelOpenExclusive(d->dev, uuid, kname ? kname : "nlut_krnl");
	if (!d->krnl) {
		err = nlut_fail(NLUT_ERROR_NO_DEVICE, "%s has no kernel %s", path, kname ? kname : "nlut_krnl");
		goto fail;
	}
	if ((err = alloc_slots(d)))
		goto fail;
	*priv = d;
	return NLUT_SUCCESS;
fail:
	x_close(d);
	return err;
}

static int x_read32(void *priv, uint32_t off, uint32_t *v)
{
	struct xrt_dev *d = priv;

	if (d->x.KernelReadRegister(d->krnl, NLUT_REGS_BASE + off, v))
		return nlut_fail(NLUT_ERROR_IO, "Alveo: register read at 0x%x failed", off);
	return NLUT_SUCCESS;
}

static int x_write32(void *priv, uint32_t off, uint32_t v)
{
	struct xrt_dev *d = priv;

	if (d->x.KernelWriteRegister(d->krnl, NLUT_REGS_BASE + off, v))
		return nlut_fail(NLUT_ERROR_IO, "Alveo: register write at 0x%x failed", off);
	return NLUT_SUCCESS;
}

/* Start the kernel on the slot being filled; switch filling to the other. */
static int launch(struct xrt_dev *d)
{
	struct slot *sl = &d->slot[d->fill];

	if (!d->host_mem && d->x.BOSync(sl->in_bo, XCL_BO_SYNC_BO_TO_DEVICE, sl->n * d->in_record, 0))
		return nlut_fail(NLUT_ERROR_IO, "Alveo: input buffer sync failed");
	if ((sl->run_n != sl->n && d->x.RunSetArg(sl->run, ARG_N, (unsigned)sl->n)) || d->x.RunStart(sl->run))
		return nlut_fail(NLUT_ERROR_IO, "Alveo: kernel run of %zu vectors did not start", sl->n);
	sl->run_n = sl->n;
	sl->running = 1;
	sl->st = SLOT_RUN;
	d->launched[d->n_launched++] = d->fill;
	d->fill ^= 1;
	return NLUT_SUCCESS;
}

/* The oldest launched slot with its results in its mapped output buffer:
 * launch what is being filled if nothing runs, wait for a run. */
static int oldest_done(struct xrt_dev *d, unsigned timeout_ms, struct slot **out)
{
	int err;

	if (!d->n_launched) {
		if (!d->slot[d->fill].n)
			return nlut_fail(NLUT_ERROR_TIMEOUT, "Alveo: results wanted but no kernel run is pending");
		if ((err = launch(d)))
			return err;
	}
	struct slot *sl = &d->slot[d->launched[0]];

	if (sl->st == SLOT_RUN) {
		enum ert_cmd_state st = d->x.RunWaitFor(sl->run, timeout_ms);

		if (st != ERT_CMD_STATE_COMPLETED)
			return nlut_fail(NLUT_ERROR_TIMEOUT,
					 "Alveo: kernel run of %zu vectors not done after %u ms (state %d)", sl->n,
					 timeout_ms, (int)st);
		sl->running = 0;
		if (!d->host_mem && d->x.BOSync(sl->out_bo, XCL_BO_SYNC_BO_FROM_DEVICE, sl->n * d->out_record, 0))
			return nlut_fail(NLUT_ERROR_IO, "Alveo: result buffer sync failed");
		sl->st = SLOT_DONE;
		sl->rd = 0;
	}
	*out = sl;
	return NLUT_SUCCESS;
}

/* Consume len result bytes of the oldest slot; all read: it is free. */
static void consume(struct xrt_dev *d, struct slot *sl, size_t len)
{
	sl->rd += len;
	if (sl->rd < sl->n * d->out_record)
		return;
	sl->st = SLOT_FILL;
	sl->n = sl->rd = 0;
	d->launched[0] = d->launched[1];
	d->n_launched--;
}

/* The slot being filled, free for records: a run still on it is waited
 * for and its unread results move to the fifo. */
static int fill_slot(struct xrt_dev *d, struct slot **out)
{
	struct slot *sl = &d->slot[d->fill];
	int err;

	if (sl->st != SLOT_FILL) {
		/* With two slots the one to fill is the oldest launched. */
		if ((err = oldest_done(d, d->timeout_ms, &sl)))
			return err;
		size_t bytes = sl->n * d->out_record - sl->rd;

		if (d->fifo_head) {
			memmove(d->fifo, d->fifo + d->fifo_head, d->fifo_len);
			d->fifo_head = 0;
		}
		if (d->fifo_len + bytes > d->fifo_cap) {
			uint8_t *f = realloc(d->fifo, d->fifo_len + bytes);

			if (!f)
				return nlut_fail(NLUT_ERROR_NO_MEM, "result fifo");
			d->fifo = f;
			d->fifo_cap = d->fifo_len + bytes;
		}
		memcpy(d->fifo + d->fifo_len, sl->out_map + sl->rd, bytes);
		d->fifo_len += bytes;
		consume(d, sl, bytes);
	}
	*out = sl;
	return NLUT_SUCCESS;
}

static int x_send(void *priv, const uint8_t *buf, size_t len)
{
	struct xrt_dev *d = priv;
	struct slot *sl = NULL; /* set by fill_slot or oldest_done on success */
	int err;

	while (len) {
		if ((err = fill_slot(d, &sl)))
			return err;
		size_t k = len / d->in_record;

		if (k > d->cap - sl->n)
			k = d->cap - sl->n;
		memcpy(sl->in_map + sl->n * d->in_record, buf, k * d->in_record);
		sl->n += k;
		buf += k * d->in_record;
		len -= k * d->in_record;
		if (sl->n == d->cap && (err = launch(d)))
			return err;
	}
	return NLUT_SUCCESS;
}

static int x_recv(void *priv, uint8_t *buf, size_t len, unsigned timeout_ms)
{
	struct xrt_dev *d = priv;
	struct slot *sl = NULL; /* set by fill_slot or oldest_done on success */
	int err;

	while (len) {
		size_t k;

		if (d->fifo_len) {
			k = len < d->fifo_len ? len : d->fifo_len;
			memcpy(buf, d->fifo + d->fifo_head, k);
			d->fifo_head += k;
			d->fifo_len -= k;
		} else {
			if ((err = oldest_done(d, timeout_ms, &sl)))
				return err;
			k = sl->n * d->out_record - sl->rd;
			if (k > len)
				k = len;
			memcpy(buf, sl->out_map + sl->rd, k);
			consume(d, sl, k);
		}
		buf += k;
		len -= k;
	}
	return NLUT_SUCCESS;
}

static size_t x_max_records(void *priv)
{
	return ((struct xrt_dev *)priv)->cap;
}

/* Records straight into the mapped input buffer of the slot being filled,
 * after any records send left there; a slot without room for n is started
 * first. */
static int x_in_acquire(void *priv, size_t n, uint8_t **buf)
{
	struct xrt_dev *d = priv;
	struct slot *sl = NULL; /* set by fill_slot or oldest_done on success */
	int err;

	if (n > d->cap)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "Alveo: %zu records, a run holds %zu", n, d->cap);
	if ((err = fill_slot(d, &sl)))
		return err;
	if (d->cap - sl->n < n && ((err = launch(d)) || (err = fill_slot(d, &sl))))
		return err;
	*buf = sl->in_map + sl->n * d->in_record;
	return NLUT_SUCCESS;
}

/* The records are in the buffer already: start the run now. */
static int x_in_commit(void *priv, size_t n)
{
	struct xrt_dev *d = priv;

	if (!n)
		return NLUT_SUCCESS;
	d->slot[d->fill].n += n;
	return launch(d);
}

/* The next len result bytes where the card wrote them, when one run (or
 * the fifo) holds them all. */
static int x_out_peek(void *priv, size_t len, const uint8_t **buf, unsigned timeout_ms)
{
	struct xrt_dev *d = priv;
	struct slot *sl = NULL; /* set by fill_slot or oldest_done on success */
	int err;

	if (d->fifo_len) {
		if (d->fifo_len < len)
			return NLUT_ERROR_UNSUPPORTED;
		*buf = d->fifo + d->fifo_head;
		return NLUT_SUCCESS;
	}
	if ((err = oldest_done(d, timeout_ms, &sl)))
		return err;
	if (sl->n * d->out_record - sl->rd < len)
		return NLUT_ERROR_UNSUPPORTED;
	*buf = sl->out_map + sl->rd;
	return NLUT_SUCCESS;
}

static void x_out_release(void *priv, size_t len)
{
	struct xrt_dev *d = priv;

	if (d->fifo_len) {
		d->fifo_head += len;
		d->fifo_len -= len;
	} else if (d->n_launched) {
		consume(d, &d->slot[d->launched[0]], len);
	}
}

const struct nlut_transport_ops nlut_transport_xrt = {
	.name = "xrt",
	.open = x_open,
	.close = x_close,
	.read32 = x_read32,
	.write32 = x_write32,
	.send = x_send,
	.recv = x_recv,
	.max_records = x_max_records,
	.in_acquire = x_in_acquire,
	.in_commit = x_in_commit,
	.out_peek = x_out_peek,
	.out_release = x_out_release,
};
