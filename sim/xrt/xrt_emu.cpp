// xrt_emu.cpp - nlut's Alveo card emulation: the part of XRT's C API that
// host/lib/transport_xrt.c calls, over the Verilated kernel of one model
// (nlut_krnl_emu.so, sim/xrt/nlut_krnl_emu.h). Built as libxrt_coreutil.so.2
// in a folder laid out like an XRT installation, so the unmodified xrt
// transport loads it the way it loads XRT (docs/alveo-u250.md).
//
// As in XRT, emulation is chosen with XCL_EMULATION_MODE=hw_emu; the
// "xclbin" is the manifest `boards/alveo-u250/build --emu` writes, naming the
// kernel's XML (argument offsets), the v++ link configuration (memory
// banks) and the emulated card. A worker thread plays XRT's scheduler: it
// writes each run's arguments into s_axi_control, sets ap_start, clocks
// the card until the interrupt, acknowledges ISR and reads ap_done, one run
// after the other (ap_ctrl_hs). Every call that touches the card holds one
// lock, so the host's register accesses interleave with a running kernel;
// runs are queued and waited for under another, so starting or waiting for
// a run never waits for the card's lock.
// A second thread plays the card's DMA engine: xrtBOSync hands it the copy
// between the mapped buffer and card memory and sleeps until it is done, as
// XRT's caller sleeps while the card's DMA engine moves the data.
//
// Settings (environment): NLUT_XRT_EMU_STALL (card memory stalls, percent,
// default 20), NLUT_XRT_EMU_LATENCY (MIN,MAX cycles, default 20,120),
// NLUT_XRT_EMU_SEED, NLUT_XRT_EMU_FAULT=no-write-response (memory never
// answers the kernel's writes, so ap_done never rises) or corrupt-result
// (the first result of every run wrong), NLUT_XRT_EMU_HOST_LATENCY and
// NLUT_XRT_EMU_HOST_STALL (the same for ports linked to HOST[0], host memory
// over PCIe, default 300,450 and 20), NLUT_XRT_EMU_STATS=FILE
// (runs and kernel cycles, written when the card is closed; also the bytes
// the buffer syncs moved and the DMA thread's CPU time copying them, and the
// callers' CPU time inside the per-run calls: buffer sync, run, wait,
// close, in all and by call, with how many slept; NLUT_XRT_EMU_CALL_TIMES=0
// leaves the calls untimed, so the caller's CPU time carries no timers).
// Host-only buffers (XCL_BO_FLAGS_HOST_ONLY) live in HOST[0]: the kernel's
// masters read and write the mapped host buffer itself, and a sync of one
// moves nothing.
#include <cerrno>
#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <dlfcn.h>
#include <fstream>
#include <map>
#include <mutex>
#include <pthread.h>
#include <sched.h>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include "nlut_krnl_emu.h"

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

constexpr uint64_t kBankBase = 0x4000000000ull; // DDR[0]: pointers above 4 GiB
constexpr uint64_t kBankStride = 0x1000000000ull;
// HOST[0], host memory behind the platform's host-memory bridge: memory
// group 4 here (on a card, its index in the platform's memory topology),
// card addresses after DDR[3].
constexpr int kHostGroup = 4;
constexpr uint64_t kSlice = 2048;               // cycles per lock hold while a kernel runs
constexpr uint32_t CTRL = 0x00, GIE = 0x04, IER = 0x08, ISR = 0x0C;

struct kernel_arg {
	std::string name, port;
	bool global = false;
	unsigned offset = 0, size = 0;
};

struct krnl_api {
	void *lib = nullptr;
	__typeof__(&nlut_krnl_emu_abi) abi;
	__typeof__(&nlut_krnl_emu_model_id) model_id;
	__typeof__(&nlut_krnl_emu_new) create;
	__typeof__(&nlut_krnl_emu_free) destroy;
	__typeof__(&nlut_krnl_emu_map) map;
	__typeof__(&nlut_krnl_emu_map_host) map_host;
	__typeof__(&nlut_krnl_emu_unmap) unmap;
	__typeof__(&nlut_krnl_emu_poke) poke;
	__typeof__(&nlut_krnl_emu_peek) peek;
	__typeof__(&nlut_krnl_emu_read32) read32;
	__typeof__(&nlut_krnl_emu_write32) write32;
	__typeof__(&nlut_krnl_emu_run_to_irq) run_to_irq;
	__typeof__(&nlut_krnl_emu_check) check;
	__typeof__(&nlut_krnl_emu_cycles) cycles;
};

struct emu_run;
struct emu_bo;

struct dma_req {
	emu_bo *bo;
	xclBOSyncDirection dir;
	size_t size, offset;
	bool done = false;
	int result = 0;
};

struct emu_device {
	std::mutex m;                // the card: model, memory, counters
	std::mutex qm;               // the run queue and run states; cv goes with it
	std::condition_variable cv;
	std::thread worker;
	std::atomic<bool> stop{ false };
	krnl_api f;
	nlut_krnl_emu *card = nullptr;
	std::string kernel_name;
	unsigned char uuid[16] = {};
	std::vector<kernel_arg> args;
	std::map<std::string, int> bank_of_port;
	std::deque<emu_run *> queue;
	std::atomic<unsigned> queued{ 0 }; // queue.size(), for the worker to poll without the lock
	int cpu = -1;                      // NLUT_XRT_EMU_CPU: the card's own CPU, or -1
	uint64_t next_addr[kHostGroup + 1] = {};
	bool irq_enabled = false;
	bool corrupt_result = false; // NLUT_XRT_EMU_FAULT=corrupt-result
	uint64_t runs = 0, run_cycles = 0; // completed runs, cycles from ap_start to the interrupt
	uint64_t dma_bytes = 0, dma_cpu_ns = 0; // buffer syncs: bytes, the DMA thread's CPU time
	// The callers' CPU time inside the per-run calls (sync, run, wait),
	// for NLUT_XRT_EMU_STATS: what the emulated driver costs the host
	// thread, apart from what the host library does itself.
	std::atomic<uint64_t> api_cpu_ns{ 0 }, api_calls{ 0 };
	// The same by call (input sync, output sync, run, wait, close), and
	// how many of them slept (waited for the DMA engine or the run).
	std::atomic<uint64_t> call_ns[5] = {}, call_n[5] = {}, call_slept[5] = {};
	// Timing the calls costs the caller two CPU-time readings per call (a
	// system call each, about 0.6 us here): on with NLUT_XRT_EMU_STATS
	// unless NLUT_XRT_EMU_CALL_TIMES=0. timer_ns: one reading's cost.
	bool time_calls = false;
	uint64_t timer_ns = 0;
	std::thread dma;
	std::mutex dma_m;
	std::condition_variable dma_cv;
	std::deque<dma_req *> dma_q;
	bool dma_stop = false;
};

struct emu_bo {
	emu_device *dev;
	uint64_t addr;
	size_t size;
	void *host;
	bool host_only; // in HOST[0]: the kernel reads and writes host itself
};

struct emu_kernel {
	emu_device *dev;
};

struct emu_run {
	emu_device *dev;
	std::vector<uint64_t> values; // per argument: scalar or card address
	ert_cmd_state state = ERT_CMD_STATE_NEW;
	bool closed = false;
};

emu_device *g_dev; // XRT's device 0; one card

// Messages go to stderr as XRT's do; the transport keeps the ERROR line.
void xrt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xrt_error(const char *fmt, ...)
{
	va_list ap;

	fputs("[XRT] ERROR: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

unsigned long env_ulong(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, nullptr, 0) : def;
}

// A MIN,MAX range of cycles from the environment, (lo, hi) when unset;
// false, with the error said, when it does not read as one.
bool env_range(const char *name, unsigned lo, unsigned hi, unsigned *min, unsigned *max)
{
	const char *v = getenv(name);

	*min = lo;
	*max = hi;
	if (v && sscanf(v, "%u,%u", min, max) != 2) {
		xrt_error("card emulation: %s='%s': expected MIN,MAX cycles", name, v);
		return false;
	}
	return true;
}

// The value of attribute `key` in one XML element's text, or "".
std::string attr(const std::string &el, const char *key)
{
	std::string k = std::string(" ") + key + "=\"";
	size_t at = el.find(k);

	if (at == std::string::npos)
		return "";
	at += k.size();
	size_t end = el.find('"', at);
	return end == std::string::npos ? "" : el.substr(at, end - at);
}

bool read_file(const std::string &path, std::string &out)
{
	std::ifstream f(path);
	std::stringstream ss;

	if (!f)
		return false;
	ss << f.rdbuf();
	out = ss.str();
	return true;
}

// kernel.xml (as package_xo reads it): the kernel's name and arguments.
bool parse_kernel_xml(emu_device *d, const std::string &path)
{
	std::string xml;

	if (!read_file(path, xml)) {
		xrt_error("card emulation: cannot read kernel XML %s: %s", path.c_str(), strerror(errno));
		return false;
	}
	size_t k = xml.find("<kernel ");
	if (k == std::string::npos) {
		xrt_error("card emulation: %s has no <kernel> element", path.c_str());
		return false;
	}
	d->kernel_name = attr(xml.substr(k, xml.find('>', k) - k), "name");
	d->args.clear();
	for (size_t at = xml.find("<arg ", k); at != std::string::npos; at = xml.find("<arg ", at + 1)) {
		std::string el = xml.substr(at, xml.find('>', at) - at);
		kernel_arg a;
		a.name = attr(el, "name");
		a.port = attr(el, "port");
		a.global = attr(el, "addressQualifier") == "1";
		a.offset = (unsigned)strtoul(attr(el, "offset").c_str(), nullptr, 0);
		a.size = (unsigned)strtoul(attr(el, "size").c_str(), nullptr, 0);
		if (a.name.empty() || (a.size != 4 && a.size != 8) || a.offset < 0x10) {
			xrt_error("card emulation: %s: argument %zu: name, size (4 or 8) or offset missing",
				  path.c_str(), d->args.size());
			return false;
		}
		d->args.push_back(a);
	}
	if (d->kernel_name.empty() || d->args.empty()) {
		xrt_error("card emulation: %s: kernel without name or arguments", path.c_str());
		return false;
	}
	return true;
}

// The v++ link configuration: sp=<kernel>_1.<port>:DDR[n] gives each
// memory port its bank.
bool parse_link_config(emu_device *d, const std::string &path)
{
	std::ifstream f(path);
	std::string line;

	if (!f) {
		xrt_error("card emulation: cannot read link configuration %s", path.c_str());
		return false;
	}
	d->bank_of_port.clear();
	while (std::getline(f, line)) {
		if (line.compare(0, 3, "sp="))
			continue;
		size_t dot = line.find('.'), colon = line.find(':'), br = line.find("DDR[");
		bool host = line.compare(colon == std::string::npos ? 0 : colon, std::string::npos, ":HOST[0]") == 0;
		if (dot == std::string::npos || colon == std::string::npos || (br == std::string::npos && !host) ||
		    colon < dot) {
			xrt_error("card emulation: %s: cannot read '%s'", path.c_str(), line.c_str());
			return false;
		}
		int bank = host ? kHostGroup : atoi(line.c_str() + br + 4);
		if (!host && (bank < 0 || bank > 3)) {
			xrt_error("card emulation: %s: '%s': the U250 has DDR[0] to DDR[3]", path.c_str(),
				  line.c_str());
			return false;
		}
		d->bank_of_port[line.substr(dot + 1, colon - dot - 1)] = bank;
	}
	for (const kernel_arg &a : d->args)
		if (a.global && !d->bank_of_port.count(a.port)) {
			xrt_error("card emulation: %s connects no memory to port %s (argument %s)",
				  path.c_str(), a.port.c_str(), a.name.c_str());
			return false;
		}
	return true;
}

bool load_card(emu_device *d, const std::string &so)
{
	krnl_api &f = d->f;

	f.lib = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
	if (!f.lib) {
		xrt_error("card emulation: cannot load %s: %s", so.c_str(), dlerror());
		return false;
	}
#define SYM(field, name)                                                             \
	if (!(*(void **)&f.field = dlsym(f.lib, "nlut_krnl_emu_" #name))) {          \
		xrt_error("card emulation: %s lacks nlut_krnl_emu_" #name, so.c_str()); \
		return false;                                                        \
	}
	SYM(abi, abi)
	SYM(model_id, model_id)
	SYM(create, new)
	SYM(destroy, free)
	SYM(map, map)
	SYM(map_host, map_host)
	SYM(unmap, unmap)
	SYM(poke, poke)
	SYM(peek, peek)
	SYM(read32, read32)
	SYM(write32, write32)
	SYM(run_to_irq, run_to_irq)
	SYM(check, check)
	SYM(cycles, cycles)
#undef SYM
	if (f.abi() != NLUT_KRNL_EMU_ABI) {
		xrt_error("card emulation: %s has ABI %d, this library %d: rebuild it", so.c_str(), f.abi(),
			  NLUT_KRNL_EMU_ABI);
		return false;
	}
	nlut_krnl_emu_config c = {};
	char err[300];
	const char *fault = getenv("NLUT_XRT_EMU_FAULT");

	c.stall_pct = (unsigned)env_ulong("NLUT_XRT_EMU_STALL", 20);
	if (!env_range("NLUT_XRT_EMU_LATENCY", 20, 120, &c.lat_min, &c.lat_max))
		return false;
	c.seed = env_ulong("NLUT_XRT_EMU_SEED", 1);
	// Host memory over PCIe Gen3 x16: about 1-1.5 us to the first beat of a
	// read (300-450 kernel cycles at 300 MHz) and about 15 GB/s of the
	// 19.2 GB/s a 64-byte port takes at 300 MHz (20% stalls).
	c.host_stall_pct = (unsigned)env_ulong("NLUT_XRT_EMU_HOST_STALL", 20);
	if (!env_range("NLUT_XRT_EMU_HOST_LATENCY", 300, 450, &c.host_lat_min, &c.host_lat_max))
		return false;
	for (const auto &pb : d->bank_of_port)
		if (pb.second == kHostGroup)
			c.host_ports |= pb.first == "m_axi_gmem0" ? 1u : pb.first == "m_axi_gmem1" ? 2u : 0u;
	if (fault && *fault) {
		if (!strcmp(fault, "corrupt-result")) {
			d->corrupt_result = true;
		} else if (!strcmp(fault, "no-write-response")) {
			c.drop_write_responses = 1;
		} else {
			xrt_error("card emulation: NLUT_XRT_EMU_FAULT='%s': the faults known are no-write-response "
				  "and corrupt-result", fault);
			return false;
		}
	}
	if (!(d->card = f.create(&c, err, sizeof(err)))) {
		xrt_error("%s", err);
		return false;
	}
	return true;
}

void finish(emu_run *r, ert_cmd_state st)
{
	r->state = st;
	if (r->closed)
		delete r;
}

// The fault corrupt-result: a wrong first result in every run of at least
// one vector, as a card with a broken datapath or memory path would write
// it: the low bit of its class (bytes 4-5 of the result record, where the
// m_axi_gmem1 argument points) flipped in card or host memory.
void corrupt(emu_device *d, const emu_run *r)
{
	uint64_t out = 0, n = 0;
	uint8_t b;

	for (size_t i = 0; i < d->args.size(); i++) {
		if (d->args[i].port == "m_axi_gmem1")
			out = r->values[i];
		else if (!d->args[i].global)
			n = r->values[i];
	}
	if (n && out && !d->f.peek(d->card, out + 4, &b, 1)) {
		b ^= 1;
		d->f.poke(d->card, out + 4, &b, 1);
	}
}

// NLUT_XRT_EMU_CPU: the one CPU the card's threads (the kernel's worker and
// the DMA engine) run on, so that they do not share the host thread's core
// and caches, as a card's own silicon does not; -1 when unset. The DMA
// engine moves there now (the worker, when it starts). False, with the
// error said, when it names no CPU this process may run on.
bool card_cpu(emu_device *d, int *cpu)
{
	const char *v = getenv("NLUT_XRT_EMU_CPU");
	char *end;

	*cpu = -1;
	if (!v || !*v)
		return true;
	long c = strtol(v, &end, 10);
	cpu_set_t set;
	CPU_ZERO(&set);
	if (!*end && c >= 0 && c < CPU_SETSIZE)
		CPU_SET((int)c, &set);
	if (!CPU_COUNT(&set) || pthread_setaffinity_np(d->dma.native_handle(), sizeof set, &set)) {
		xrt_error("card emulation: NLUT_XRT_EMU_CPU='%s' names no CPU this process may run on", v);
		return false;
	}
	*cpu = (int)c;
	return true;
}

// On a CPU of its own (NLUT_XRT_EMU_CPU) the idle card polls for the next
// start as the kernel polls ap_start, for up to a second before it sleeps:
// a start then only queues the run (as XRT's writes the command), instead of
// waking a sleeping thread from the host's CPU. Called with q held; returns
// with it held.
void poll_for_start(emu_device *d, std::unique_lock<std::mutex> &q)
{
	auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);

	q.unlock();
	for (unsigned i = 1; !d->queued.load(std::memory_order_acquire) && !d->stop; i++) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
		if (!(i % 4096) && std::chrono::steady_clock::now() > until)
			break;
	}
	q.lock();
}

// XRT's scheduler for ap_ctrl_hs: one run at a time, in order.
void worker(emu_device *d)
{
	std::unique_lock<std::mutex> q(d->qm);

	for (;;) {
		if (d->cpu >= 0 && d->queue.empty() && !d->stop)
			poll_for_start(d, q);
		d->cv.wait(q, [d] { return d->stop || !d->queue.empty(); });
		if (d->stop)
			return;
		emu_run *r = d->queue.front();
		krnl_api &f = d->f;
		bool ok = true;

		r->state = ERT_CMD_STATE_RUNNING;
		q.unlock();
		std::unique_lock<std::mutex> lk(d->m);
		for (size_t i = 0; ok && i < d->args.size(); i++) {
			const kernel_arg &a = d->args[i];
			ok = !f.write32(d->card, a.offset, (uint32_t)r->values[i]) &&
			     (a.size == 4 || !f.write32(d->card, a.offset + 4, (uint32_t)(r->values[i] >> 32)));
		}
		if (ok && !d->irq_enabled)
			ok = !f.write32(d->card, GIE, 1) && !f.write32(d->card, IER, 1);
		d->irq_enabled = ok;
		ok = ok && !f.write32(d->card, CTRL, 1);
		uint64_t started = f.cycles(d->card);
		ert_cmd_state st = ERT_CMD_STATE_ERROR;
		while (ok && !d->stop) {
			int irq = f.run_to_irq(d->card, kSlice);
			const char *v = f.check(d->card);

			if (v) {
				xrt_error("card emulation: kernel %s broke AXI4: %s", d->kernel_name.c_str(), v);
				break;
			}
			if (irq) {
				uint32_t isr = 0, ctrl = 0;

				if (f.read32(d->card, ISR, &isr) || f.write32(d->card, ISR, isr) ||
				    f.read32(d->card, CTRL, &ctrl))
					break;
				if (!(ctrl & 2)) {
					xrt_error("card emulation: interrupt with ISR 0x%x but CTRL 0x%x lacks ap_done",
						  isr, ctrl);
					break;
				}
				st = ERT_CMD_STATE_COMPLETED;
				if (d->corrupt_result)
					corrupt(d, r);
				d->runs++;
				d->run_cycles += f.cycles(d->card) - started;
				break;
			}
			// Let the host in between slices.
			lk.unlock();
			std::this_thread::yield();
			lk.lock();
		}
		if (!ok)
			xrt_error("card emulation: s_axi_control did not answer while starting a run");
		if (d->stop)
			st = ERT_CMD_STATE_ABORT;
		lk.unlock();
		q.lock();
		d->queue.pop_front();
		d->queued.store((unsigned)d->queue.size(), std::memory_order_release);
		finish(r, st);
		// Wake the waiters with the lock free, so they need not sleep on it.
		q.unlock();
		d->cv.notify_all();
		q.lock();
	}
}

// The DMA engine: one buffer sync after the other, under the card's lock.
void dma_engine(emu_device *d)
{
	std::unique_lock<std::mutex> q(d->dma_m);

	for (;;) {
		d->dma_cv.wait(q, [d] { return d->dma_stop || !d->dma_q.empty(); });
		if (d->dma_q.empty())
			return;
		dma_req *r = d->dma_q.front();
		d->dma_q.pop_front();
		q.unlock();
		{
			std::lock_guard<std::mutex> lk(d->m);
			emu_bo *b = r->bo;
			uint8_t *h = (uint8_t *)b->host + r->offset;
			timespec t0, t1;
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
			r->result = (r->dir == XCL_BO_SYNC_BO_TO_DEVICE
					     ? d->f.poke(d->card, b->addr + r->offset, h, r->size)
					     : d->f.peek(d->card, b->addr + r->offset, h, r->size))
					    ? -EIO
					    : 0;
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
			d->dma_bytes += r->size;
			d->dma_cpu_ns += (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec));
		}
		q.lock();
		r->done = true;
		q.unlock();
		d->dma_cv.notify_all();
		q.lock();
	}
}

} // namespace

EXPORT xrtDeviceHandle xrtDeviceOpen(unsigned int index)
{
	const char *mode = getenv("XCL_EMULATION_MODE");

	if (!mode || strcmp(mode, "hw_emu")) {
		xrt_error("this is nlut's Alveo card emulation, not XRT: set XCL_EMULATION_MODE=hw_emu "
			  "(or put the real XRT first in LD_LIBRARY_PATH)");
		errno = ENODEV;
		return nullptr;
	}
	if (index != 0 || g_dev) {
		xrt_error("card emulation: one card, index 0, opened once");
		errno = ENODEV;
		return nullptr;
	}
	g_dev = new emu_device;
	const char *stats = getenv("NLUT_XRT_EMU_STATS"), *times = getenv("NLUT_XRT_EMU_CALL_TIMES");
	g_dev->time_calls = stats && *stats && !(times && !strcmp(times, "0"));
	for (int i = 0; g_dev->time_calls && i < 1000; i++) {
		timespec t0, t1;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		uint64_t ns = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec));
		if (!i || ns < g_dev->timer_ns)
			g_dev->timer_ns = ns;
	}
	g_dev->dma = std::thread(dma_engine, g_dev);
	return g_dev;
}

EXPORT int xrtDeviceClose(xrtDeviceHandle dh)
{
	emu_device *d = (emu_device *)dh;

	if (!d)
		return -EINVAL;
	{
		std::lock_guard<std::mutex> q(d->qm);
		d->stop = true;
	}
	d->cv.notify_all();
	if (d->worker.joinable())
		d->worker.join();
	{
		std::lock_guard<std::mutex> q(d->dma_m);
		d->dma_stop = true;
	}
	d->dma_cv.notify_all();
	d->dma.join();
	for (emu_run *r : d->queue)
		finish(r, ERT_CMD_STATE_ABORT);
	const char *stats = getenv("NLUT_XRT_EMU_STATS");
	FILE *sf;
	if (stats && *stats && (sf = fopen(stats, "w"))) {
		fprintf(sf, "runs %llu kernel_cycles %llu dma_bytes %llu dma_cpu_ns %llu api_cpu_ns %llu api_calls %llu\n",
			(unsigned long long)d->runs, (unsigned long long)d->run_cycles,
			(unsigned long long)d->dma_bytes, (unsigned long long)d->dma_cpu_ns,
			(unsigned long long)d->api_cpu_ns.load(), (unsigned long long)d->api_calls.load());
		static const char *const call[5] = { "sync_in", "sync_out", "run", "wait", "close" };
		for (int i = 0; i < 5; i++)
			fprintf(sf, "%s calls %llu cpu_ns %llu slept %llu\n", call[i],
				(unsigned long long)d->call_n[i].load(), (unsigned long long)d->call_ns[i].load(),
				(unsigned long long)d->call_slept[i].load());
		fprintf(sf, "timer_ns %llu\n", (unsigned long long)d->timer_ns);
		fclose(sf);
	}
	if (d->card)
		d->f.destroy(d->card);
	// The card's library stays loaded, as XRT's do.
	if (d == g_dev)
		g_dev = nullptr;
	delete d;
	return 0;
}

EXPORT int xrtDeviceLoadXclbinFile(xrtDeviceHandle dh, const char *path)
{
	emu_device *d = (emu_device *)dh;
	std::ifstream f(path);
	std::string line, xml, link, so, uuid;

	if (!d || d->card)
		return -EINVAL;
	if (!f) {
		xrt_error("card emulation: cannot open xclbin %s: %s", path, strerror(errno));
		return -ENOENT;
	}
	if (!std::getline(f, line) || line != "nlut-emu-xclbin 1") {
		xrt_error("card emulation: %s is not an emulation xclbin (build one with "
			  "boards/alveo-u250/build --emu)", path);
		return -EINVAL;
	}
	while (std::getline(f, line)) {
		size_t sp = line.find(' ');
		std::string k = line.substr(0, sp), v = sp == std::string::npos ? "" : line.substr(sp + 1);
		if (k == "kernel_xml")
			xml = v;
		else if (k == "link_config")
			link = v;
		else if (k == "emulation")
			so = v;
		else if (k == "uuid")
			uuid = v;
	}
	if (xml.empty() || link.empty() || so.empty() || uuid.size() != 32) {
		xrt_error("card emulation: %s lacks kernel_xml, link_config, emulation or uuid", path);
		return -EINVAL;
	}
	for (int i = 0; i < 16; i++)
		d->uuid[i] = (unsigned char)strtoul(uuid.substr(2 * i, 2).c_str(), nullptr, 16);
	int cpu;
	if (!card_cpu(d, &cpu) || !parse_kernel_xml(d, xml) || !parse_link_config(d, link) || !load_card(d, so))
		return -EINVAL;
	if (uuid != std::string(d->f.model_id()).substr(0, 32)) {
		xrt_error("card emulation: %s names uuid %s, but its card holds model %s", path, uuid.c_str(),
			  d->f.model_id());
		d->f.destroy(d->card);
		d->card = nullptr;
		return -EINVAL;
	}
	d->cpu = cpu;
	d->worker = std::thread(worker, d);
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		pthread_setaffinity_np(d->worker.native_handle(), sizeof set, &set);
	}
	return 0;
}

EXPORT int xrtDeviceGetXclbinUUID(xrtDeviceHandle dh, xuid_t out)
{
	emu_device *d = (emu_device *)dh;

	if (!d || !d->card)
		return -EINVAL;
	memcpy(out, d->uuid, 16);
	return 0;
}

EXPORT xrtKernelHandle xrtPLKernelOpenExclusive(xrtDeviceHandle dh, const xuid_t uuid, const char *name)
{
	emu_device *d = (emu_device *)dh;

	if (!d || !d->card || memcmp(uuid, d->uuid, 16) || d->kernel_name != name) {
		xrt_error("card emulation: no kernel %s in the loaded xclbin", name ? name : "(null)");
		return nullptr;
	}
	return new emu_kernel{ d };
}

EXPORT int xrtKernelClose(xrtKernelHandle kh)
{
	delete (emu_kernel *)kh;
	return 0;
}

EXPORT int xrtKernelArgGroupId(xrtKernelHandle kh, int argno)
{
	emu_kernel *k = (emu_kernel *)kh;

	if (!k || argno < 0 || (size_t)argno >= k->dev->args.size() || !k->dev->args[argno].global)
		return -EINVAL;
	return k->dev->bank_of_port[k->dev->args[argno].port];
}

EXPORT int xrtKernelReadRegister(xrtKernelHandle kh, uint32_t offset, uint32_t *datap)
{
	emu_kernel *k = (emu_kernel *)kh;

	if (!k || !datap)
		return -EINVAL;
	std::lock_guard<std::mutex> lk(k->dev->m);
	return k->dev->f.read32(k->dev->card, offset, datap) ? -EIO : 0;
}

EXPORT int xrtKernelWriteRegister(xrtKernelHandle kh, uint32_t offset, uint32_t data)
{
	emu_kernel *k = (emu_kernel *)kh;

	if (!k)
		return -EINVAL;
	std::lock_guard<std::mutex> lk(k->dev->m);
	return k->dev->f.write32(k->dev->card, offset, data) ? -EIO : 0;
}

EXPORT xrtBufferHandle xrtBOAlloc(xrtDeviceHandle dh, size_t size, xrtBufferFlags flags, xrtMemoryGroup grp)
{
	emu_device *d = (emu_device *)dh;

	bool host_only = (flags & ~(xrtBufferFlags)XRT_BO_FLAGS_MEMIDX_MASK) == XCL_BO_FLAGS_HOST_ONLY;
	if (!d || !d->card || !size || grp > (xrtMemoryGroup)kHostGroup)
		return nullptr;
	if (flags & ~(xrtBufferFlags)XRT_BO_FLAGS_MEMIDX_MASK && !host_only) {
		xrt_error("card emulation: buffer flags 0x%llx: only normal and host-only buffers are emulated",
			  (unsigned long long)flags);
		return nullptr;
	}
	// As XRT: a host-only buffer lies in the host-memory bank, and that
	// bank holds nothing else.
	if (host_only != (grp == (xrtMemoryGroup)kHostGroup)) {
		xrt_error(host_only ? "card emulation: failed to allocate host memory buffer: memory group %u is "
				      "not HOST[0] (link the kernel's ports to HOST[0])"
				    : "card emulation: memory group %u is HOST[0]: allocate host-only buffers "
				      "(XCL_BO_FLAGS_HOST_ONLY) there",
			  (unsigned)grp);
		return nullptr;
	}
	size_t rounded = (size + 4095) & ~(size_t)4095; // XRT aligns buffers to 4 KiB
	void *host = nullptr;
	if (posix_memalign(&host, 4096, rounded))
		return nullptr;
	memset(host, 0, rounded);
	std::lock_guard<std::mutex> lk(d->m);
	uint64_t addr = kBankBase + grp * kBankStride + d->next_addr[grp];
	d->next_addr[grp] += rounded;
	if (host_only)
		d->f.map_host(d->card, addr, rounded, host); // the kernel's masters reach host itself
	else
		d->f.map(d->card, addr, rounded);
	return new emu_bo{ d, addr, size, host, host_only };
}

EXPORT int xrtBOFree(xrtBufferHandle bh)
{
	emu_bo *b = (emu_bo *)bh;

	if (!b)
		return -EINVAL;
	{
		std::lock_guard<std::mutex> lk(b->dev->m);
		b->dev->f.unmap(b->dev->card, b->addr);
	}
	free(b->host);
	delete b;
	return 0;
}

EXPORT void *xrtBOMap(xrtBufferHandle bh)
{
	emu_bo *b = (emu_bo *)bh;

	return b ? b->host : nullptr;
}

// Adds the calling thread's CPU time from construction to destruction to
// the device's api_cpu_ns (the per-run calls).
// By call: input sync, output sync, run, wait, close; slept: the call had
// to sleep (the DMA engine or the run had not finished when it looked).
enum { CALL_SYNC_IN, CALL_SYNC_OUT, CALL_RUN, CALL_WAIT, CALL_CLOSE };
struct api_timer {
	emu_device *d;
	int call;
	bool slept = false;
	timespec t0;
	api_timer(emu_device *dev, int c) : d(dev->time_calls ? dev : nullptr), call(c)
	{
		if (d)
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	}
	~api_timer()
	{
		timespec t1;
		if (!d)
			return;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		uint64_t ns = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec));
		d->api_cpu_ns += ns;
		d->api_calls++;
		d->call_ns[call] += ns;
		d->call_n[call]++;
		d->call_slept[call] += slept;
	}
};

EXPORT int xrtBOSync(xrtBufferHandle bh, enum xclBOSyncDirection dir, size_t size, size_t offset)
{
	emu_bo *b = (emu_bo *)bh;

	if (!b || offset > b->size || size > b->size - offset)
		return -EINVAL;
	if (dir != XCL_BO_SYNC_BO_TO_DEVICE && dir != XCL_BO_SYNC_BO_FROM_DEVICE)
		return -EINVAL;
	emu_device *d = b->dev;
	api_timer at(d, dir == XCL_BO_SYNC_BO_TO_DEVICE ? CALL_SYNC_IN : CALL_SYNC_OUT);
	// A host-only buffer has no copy in card memory: the kernel reads and
	// writes it in place, coherent with the host's caches (x86), so there
	// is nothing to move.
	if (b->host_only)
		return 0;
	dma_req r;
	r.bo = b;
	r.dir = dir;
	r.size = size;
	r.offset = offset;
	std::unique_lock<std::mutex> q(d->dma_m);
	d->dma_q.push_back(&r);
	d->dma_cv.notify_all();
	at.slept = true; // the DMA engine is another thread: the caller sleeps until it is done
	d->dma_cv.wait(q, [&r] { return r.done; });
	return r.result;
}

// One argument as the XML types it: a 4-byte scalar as unsigned int, an
// 8-byte one as uint64_t, a buffer as xrtBufferHandle (its card address).
uint64_t arg_value(const kernel_arg &a, va_list *ap)
{
	if (a.global) {
		emu_bo *b = (emu_bo *)va_arg(*ap, xrtBufferHandle);
		return b ? b->addr : 0;
	}
	return a.size == 8 ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);
}

// Queues r for the scheduler (the run's arguments are its values).
void start(emu_device *d, emu_run *r)
{
	{
		std::lock_guard<std::mutex> q(d->qm);
		r->state = ERT_CMD_STATE_QUEUED;
		d->queue.push_back(r);
		d->queued.store((unsigned)d->queue.size(), std::memory_order_release);
	}
	d->cv.notify_all();
}

// The arguments in kernel order.
EXPORT xrtRunHandle xrtKernelRun(xrtKernelHandle kh, ...)
{
	emu_kernel *k = (emu_kernel *)kh;
	va_list ap;

	if (!k)
		return nullptr;
	emu_device *d = k->dev;
	api_timer at(d, CALL_RUN);
	emu_run *r = new emu_run{ d, {}, ERT_CMD_STATE_NEW, false };
	va_start(ap, kh);
	for (const kernel_arg &a : d->args)
		r->values.push_back(arg_value(a, &ap));
	va_end(ap);
	start(d, r);
	return r;
}

// A run object to set the arguments of and start again and again.
EXPORT xrtRunHandle xrtRunOpen(xrtKernelHandle kh)
{
	emu_kernel *k = (emu_kernel *)kh;

	if (!k)
		return nullptr;
	return new emu_run{ k->dev, std::vector<uint64_t>(k->dev->args.size()), ERT_CMD_STATE_NEW, false };
}

// One argument of a run that is not queued or running (XRT would change
// the next start's; this emulation asks for a run at rest).
EXPORT int xrtRunSetArg(xrtRunHandle rh, int index, ...)
{
	emu_run *r = (emu_run *)rh;
	va_list ap;

	if (!r || index < 0 || (size_t)index >= r->dev->args.size())
		return -EINVAL;
	std::lock_guard<std::mutex> q(r->dev->qm);
	if (r->state == ERT_CMD_STATE_QUEUED || r->state == ERT_CMD_STATE_RUNNING) {
		xrt_error("card emulation: xrtRunSetArg on a run that is still in progress");
		return -EBUSY;
	}
	va_start(ap, index);
	r->values[index] = arg_value(r->dev->args[index], &ap);
	va_end(ap);
	return 0;
}

// Starts the run with its arguments as set; a run in progress cannot be.
EXPORT int xrtRunStart(xrtRunHandle rh)
{
	emu_run *r = (emu_run *)rh;

	if (!r)
		return -EINVAL;
	emu_device *d = r->dev;
	api_timer at(d, CALL_RUN);
	{
		std::lock_guard<std::mutex> q(d->qm);
		if (r->state == ERT_CMD_STATE_QUEUED || r->state == ERT_CMD_STATE_RUNNING) {
			xrt_error("card emulation: xrtRunStart on a run that is still in progress");
			return -EBUSY;
		}
	}
	start(d, r);
	return 0;
}

EXPORT enum ert_cmd_state xrtRunWaitFor(xrtRunHandle rh, unsigned int timeout_ms)
{
	emu_run *r = (emu_run *)rh;

	if (!r)
		return ERT_CMD_STATE_ERROR;
	emu_device *d = r->dev;
	api_timer at(d, CALL_WAIT);
	std::unique_lock<std::mutex> lk(d->qm);
	auto done = [r] {
		return r->state == ERT_CMD_STATE_COMPLETED || r->state == ERT_CMD_STATE_ERROR ||
		       r->state == ERT_CMD_STATE_ABORT;
	};
	at.slept = !done();
	if (timeout_ms)
		d->cv.wait_for(lk, std::chrono::milliseconds(timeout_ms), done);
	else
		d->cv.wait(lk, done);
	return r->state;
}

EXPORT int xrtRunClose(xrtRunHandle rh)
{
	emu_run *r = (emu_run *)rh;

	if (!r)
		return -EINVAL;
	api_timer at(r->dev, CALL_CLOSE);
	std::lock_guard<std::mutex> q(r->dev->qm);
	if (r->state == ERT_CMD_STATE_QUEUED || r->state == ERT_CMD_STATE_RUNNING)
		r->closed = true; // the worker frees it when it ends
	else
		delete r;
	return 0;
}
