// nlut_axi_mem.h - a C++ model of card memory behind one AXI4 slave port:
// bursts answered after a random latency, random back-pressure on every
// channel, write data accepted before or after its address, and a check of
// the master against the AXI4 rules that matter for DDR (INCR bursts of at
// most 256 beats, aligned, not crossing 4 KiB, inside mapped memory, WLAST
// on the burst's last beat). Used by the mover testbenches (sim/axi/) and
// the Alveo card emulation (sim/xrt/).
#ifndef NLUT_AXI_MEM_H
#define NLUT_AXI_MEM_H

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <vector>

// The master's outputs and the slave's outputs of one cycle; the harness
// copies them to and from the Verilated model (data as little-endian bytes).
struct nlut_axi_port {
	// master -> slave
	uint64_t araddr = 0, awaddr = 0;
	unsigned arlen = 0, awlen = 0;
	bool arvalid = false, rready = false, awvalid = false, wvalid = false, wlast = false,
	     bready = false;
	uint8_t wdata[128] = {};
	uint64_t wstrb = ~0ull;
	// slave -> master
	bool arready = false, rvalid = false, rlast = false, awready = false, wready = false,
	     bvalid = false;
	unsigned rresp = 0, bresp = 0;
	uint8_t rdata[128] = {};
};

struct nlut_axi_mem_config {
	unsigned data_bytes = 64;
	// Percent of cycles each ready (AR, AW, W) is low, R beats pause, and
	// a due B waits: random back-pressure from the seed.
	unsigned stall_pct = 0;
	unsigned lat_min = 1, lat_max = 1; // cycles from AR/last W to first R/B
	unsigned max_reads = 16, max_writes = 16; // bursts the slave holds
	uint64_t seed = 1;
	bool drop_b = false; // never answer writes (a fault, for timeout tests)
};

// Card memory: regions the masters may touch, shared by the ports of one bank.
class nlut_axi_store {
public:
	void map(uint64_t base, uint64_t size) { mem_[base] = region{ std::vector<uint8_t>(size), nullptr, size }; }
	// A region the masters reach in memory that is not the model's own:
	// host memory behind the platform's host-memory bridge (the Alveo
	// emulation's HOST[0] buffers), read and written where it lies.
	void map_external(uint64_t base, uint64_t size, void *at)
	{
		mem_[base] = region{ std::vector<uint8_t>(), (uint8_t *)at, size };
	}
	void unmap(uint64_t base) { mem_.erase(base); }
	// Backdoor access (the host's DMA); false outside mapped memory.
	bool poke(uint64_t addr, const void *src, size_t n)
	{
		uint8_t *p = find(addr, n);
		if (!p)
			return false;
		memcpy(p, src, n);
		return true;
	}
	bool peek(uint64_t addr, void *dst, size_t n)
	{
		uint8_t *p = find(addr, n);
		if (!p)
			return false;
		memcpy(dst, p, n);
		return true;
	}
	uint8_t *find(uint64_t addr, size_t n)
	{
		auto it = mem_.upper_bound(addr);
		if (it == mem_.begin())
			return nullptr;
		--it;
		if (addr - it->first + n > it->second.size)
			return nullptr;
		return it->second.data() + (addr - it->first);
	}

private:
	struct region {
		std::vector<uint8_t> own;
		uint8_t *ext;
		uint64_t size;
		uint8_t *data() { return ext ? ext : own.data(); }
	};
	std::map<uint64_t, region> mem_;
};

class nlut_axi_mem {
public:
	nlut_axi_mem(const nlut_axi_mem_config &c, nlut_axi_store &store)
		: c_(c), seed_(c.seed ? c.seed : 1), store_(store)
	{
	}

	// Before the clock edge, with the master's outputs of this cycle in
	// port: set the slave's outputs (ready and valid), which may not depend
	// on the master's valids (no combinational path).
	void drive(nlut_axi_port &p)
	{
		p.arready = ar_.size() < c_.max_reads && !chance(c_.stall_pct);
		p.awready = aw_.size() < c_.max_writes && !chance(c_.stall_pct);
		// W before its address is legal: take it half the time, else wait.
		p.wready = wbuf_.size() < 512 && !chance(c_.stall_pct) &&
			   (aw_.size() > 0 || (rnd() & 1));
		if (!r_show_ && !ar_.empty() && ar_.front().due <= cycle_ && !chance(c_.stall_pct))
			r_show_ = true;
		p.rvalid = r_show_;
		if (r_show_) {
			burst &b = ar_.front();
			uint64_t a = b.addr + (uint64_t)b.beat * c_.data_bytes;
			uint8_t *src = find(a, c_.data_bytes);
			if (src)
				memcpy(p.rdata, src, c_.data_bytes);
			else
				memset(p.rdata, 0, c_.data_bytes);
			p.rresp = src ? 0 : 3; // DECERR outside memory
			p.rlast = b.beat == b.len;
		}
		if (!b_show_ && !b_.empty() && b_.front() <= cycle_ && !chance(c_.stall_pct))
			b_show_ = true;
		p.bvalid = b_show_;
		p.bresp = 0;
	}

	// After evaluating with the clock low: take this cycle's handshakes.
	void sample(const nlut_axi_port &p)
	{
		if (p.arvalid && p.arready) {
			check_burst("read", p.araddr, p.arlen);
			uint64_t due = cycle_ + lat();
			if (!ar_.empty() && ar_.back().due > due)
				due = ar_.back().due;
			ar_.push_back({p.araddr, p.arlen, 0, due});
			reads_++;
			if (ar_.size() > max_ar_seen)
				max_ar_seen = ar_.size();
		}
		if (p.rvalid && p.rready) {
			burst &b = ar_.front();
			if (b.beat++ == b.len) {
				ar_.pop_front();
			}
			r_show_ = false;
		}
		if (p.awvalid && p.awready) {
			check_burst("write", p.awaddr, p.awlen);
			aw_.push_back({p.awaddr, p.awlen, 0, 0});
			writes_++;
		}
		if (p.wvalid && p.wready) {
			wbeat w;
			memcpy(w.data, p.wdata, c_.data_bytes);
			w.strb = p.wstrb;
			w.last = p.wlast;
			wbuf_.push_back(w);
		}
		// Apply buffered W beats to the oldest address.
		while (!aw_.empty() && !wbuf_.empty()) {
			burst &b = aw_.front();
			wbeat &w = wbuf_.front();
			uint64_t a = b.addr + (uint64_t)b.beat * c_.data_bytes;
			uint8_t *dst = find(a, c_.data_bytes);
			if (!dst)
				violate("write beat at 0x%llx outside card memory", (unsigned long long)a);
			else
				for (unsigned k = 0; k < c_.data_bytes; k++)
					if (w.strb >> (k % 64) & 1)
						dst[k] = w.data[k];
			if (w.last != (b.beat == b.len))
				violate("WLAST %d on beat %u of a %u-beat burst at 0x%llx", w.last, b.beat,
					b.len + 1, (unsigned long long)b.addr);
			wbuf_.pop_front();
			if (b.beat++ == b.len) {
				aw_.pop_front();
				if (!c_.drop_b)
					b_.push_back(cycle_ + lat());
			}
		}
		if (p.bvalid && p.bready) {
			b_.pop_front();
			b_show_ = false;
			bresps_++;
		}
		cycle_++;
	}

	// The first rule the master broke, or "" while none.
	const std::string &violation() const { return violation_; }
	// Read bursts in flight at most (accepted, last beat not yet taken).
	size_t max_ar_seen = 0;
	uint64_t reads() const { return reads_; }
	uint64_t writes() const { return writes_; }
	uint64_t bresps() const { return bresps_; }
	uint64_t full_bursts = 0; // bursts of 64 beats or more
	bool idle() const { return ar_.empty() && aw_.empty() && wbuf_.empty() && b_.empty(); }

private:
	struct burst {
		uint64_t addr;
		unsigned len, beat;
		uint64_t due;
	};
	struct wbeat {
		uint8_t data[128];
		uint64_t strb;
		bool last;
	};

	uint8_t *find(uint64_t addr, size_t n) { return store_.find(addr, n); }

	void check_burst(const char *what, uint64_t addr, unsigned len)
	{
		uint64_t bytes = (uint64_t)(len + 1) * c_.data_bytes;
		if (len > 255)
			violate("%s burst of %u beats (AXI4: at most 256)", what, len + 1);
		if (addr % c_.data_bytes)
			violate("%s burst at 0x%llx not aligned to %u bytes", what, (unsigned long long)addr,
				c_.data_bytes);
		if ((addr & 4095) + bytes > 4096)
			violate("%s burst at 0x%llx of %llu bytes crosses a 4 KiB boundary", what,
				(unsigned long long)addr, (unsigned long long)bytes);
		if (!find(addr, bytes))
			violate("%s burst at 0x%llx of %llu bytes outside card memory", what,
				(unsigned long long)addr, (unsigned long long)bytes);
		if (len + 1 >= 64)
			full_bursts++;
	}

	void violate(const char *fmt, ...) __attribute__((format(printf, 2, 3)))
	{
		if (!violation_.empty())
			return;
		char buf[300];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		violation_ = "cycle " + std::to_string(cycle_) + ": " + buf;
	}

	uint64_t rnd()
	{
		seed_ ^= seed_ >> 12;
		seed_ ^= seed_ << 25;
		seed_ ^= seed_ >> 27;
		return seed_ * 2685821657736338717ull;
	}
	bool chance(unsigned pct) { return pct && rnd() % 100 < pct; }
	uint64_t lat()
	{
		unsigned span = c_.lat_max > c_.lat_min ? c_.lat_max - c_.lat_min + 1 : 1;
		return c_.lat_min + rnd() % span;
	}

	nlut_axi_mem_config c_;
	uint64_t seed_;
	uint64_t cycle_ = 0;
	nlut_axi_store &store_;
	std::deque<burst> ar_, aw_;
	std::deque<wbeat> wbuf_;
	std::deque<uint64_t> b_;
	bool r_show_ = false, b_show_ = false;
	std::string violation_;
	uint64_t reads_ = 0, writes_ = 0, bresps_ = 0;
};

#endif // NLUT_AXI_MEM_H
