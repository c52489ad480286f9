// ctrl_sim.cpp - Verilator harness of the controller (nlut_ctrl): runs a riscv-tests style RV32 ELF to its verdict.
//
// The ELF's PT_LOAD segments go into the boot RAM at 0x80000000; the program ends by writing tohost
// (HTIF as in spike and QEMU's spike machine): {hi, lo} = {0, 1} passes, {0, 2n+1} fails test n,
// {0x01010000, c} prints the character c. The register-block port is served by a small model here.
// Exit status: 0 pass, 1 fail, 2 timeout, 3 usage or load error.

#include "Vnlut_ctrl.h"
#include "Vnlut_ctrl___024root.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "elf32.h"
#include "nlut/regs.h"
#include "nlut_tb.h"

namespace {

constexpr uint32_t kRamBase = 0x80000000u;
constexpr uint32_t kRamBytes = CTRL_RAM_BYTES;  // must match the verilated RAM_ADDR_BITS

// Register-block model behind m_ext_*: 4 KiB of scratch words with random wait states, plus test hooks.
constexpr uint32_t kExtIrq = 0xFF0;    // bit 0 drives irq_ext
constexpr uint32_t kExtIrqAt = 0xFF4;  // writing N raises irq_ext N cycles later (wakes a sleeping wfi)
constexpr uint32_t kExtError = 0xFF8;  // any access answers with err

enum Exit { kPass = 0, kFail = 1, kTimeout = 2, kUsage = 3 };

void usage()
{
    std::fprintf(stderr,
                 "usage: ctrl_sim [options] PROG.elf [+trace] [+seed=N]\n"
                 "  --max-cycles N    give up after N clock cycles (default 10000000): exit 2\n"
                 "  --itrace FILE     retired-instruction trace (pc, instruction, rd write, store, trap); - for stdout\n"
                 "  --itrace-cycles   start each trace line with its clock cycle\n"
                 "  +seed=N           seed of the register-port wait states (default: the time, printed)\n"
                 "  +trace            write ctrl_sim.fst\n"
                 "  --hex FILE        fill the RAM from a $readmemh image (ctrl_elf2hex) instead of the ELF's segments;\n"
                 "                    the ELF still names tohost\n"
                 "  --quiet           no summary line\n"
                 "Exit status: 0 pass (tohost = 1), 1 fail (test number = tohost >> 1), 2 timeout, 3 usage/load error.\n");
}

uint32_t merge(uint32_t old, uint32_t data, uint32_t strb)
{
    for (int b = 0; b < 4; b++)
        if (strb & (1u << b)) old = (old & ~(0xFFu << 8 * b)) | (data & (0xFFu << 8 * b));
    return old;
}

// Read a $readmemh image as nlut_ctrl_ram would: one 32-bit word per line from the RAM base.
int load_hex(const char *path, std::vector<uint8_t> &image)
{
    FILE *f = std::fopen(path, "r");
    if (!f) {
        std::fprintf(stderr, "ctrl_sim: cannot read %s\n", path);
        return -1;
    }
    std::fill(image.begin(), image.end(), 0);
    char line[64];
    size_t w = 0;
    while (std::fgets(line, sizeof(line), f)) {
        char *end;
        unsigned long v = std::strtoul(line, &end, 16);
        if (end == line) continue;
        if (4 * w + 4 > image.size()) {
            std::fprintf(stderr, "ctrl_sim: %s is larger than the RAM\n", path);
            std::fclose(f);
            return -1;
        }
        for (int b = 0; b < 4; b++) image[4 * w + b] = (uint8_t)(v >> 8 * b);
        w++;
    }
    std::fclose(f);
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    const char *elf_path = nullptr;
    const char *itrace_path = nullptr;
    const char *hex_path = nullptr;
    uint64_t max_cycles = 10000000;
    bool quiet = false;
    bool itrace_cycles = false;

    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&](const char *name) -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "ctrl_sim: %s needs a value\n", name);
                std::exit(kUsage);
            }
            return argv[++i];
        };
        if (a == "--max-cycles") {
            max_cycles = std::strtoull(value("--max-cycles"), nullptr, 0);
        } else if (a == "--itrace") {
            itrace_path = value("--itrace");
        } else if (a == "--itrace-cycles") {
            itrace_cycles = true;
        } else if (a == "--hex") {
            hex_path = value("--hex");
        } else if (a == "--quiet") {
            quiet = true;
        } else if (a == "-h" || a == "--help") {
            usage();
            return kPass;
        } else if (a[0] == '+') {
            // plusargs are read through the context below
        } else if (a[0] == '-' || elf_path) {
            usage();
            return kUsage;
        } else {
            elf_path = argv[i];
        }
    }
    if (!elf_path) {
        usage();
        return kUsage;
    }

    // Load the program.
    char err[256];
    nlut_elf elf;
    std::vector<uint8_t> image(kRamBytes, 0);
    uint32_t tohost = 0;
    if (nlut_elf_open(&elf, elf_path, err, sizeof(err)) != 0 ||
        nlut_elf_load(&elf, kRamBase, image.data(), kRamBytes, nullptr, err, sizeof(err)) != 0) {
        std::fprintf(stderr, "ctrl_sim: %s\n", err);
        return kUsage;
    }
    if (nlut_elf_symbol(&elf, "tohost", &tohost) != 0) {
        std::fprintf(stderr, "ctrl_sim: %s has no tohost symbol\n", elf_path);
        nlut_elf_close(&elf);
        return kUsage;
    }
    if (elf.entry != kRamBase)
        std::fprintf(stderr, "ctrl_sim: warning: entry 0x%08" PRIx32 ", the core starts at 0x%08" PRIx32 "\n",
                     elf.entry, kRamBase);
    nlut_elf_close(&elf);
    if (hex_path && load_hex(hex_path, image) != 0) return kUsage;

    FILE *itrace = nullptr;
    if (itrace_path) {
        itrace = std::strcmp(itrace_path, "-") == 0 ? stdout : std::fopen(itrace_path, "w");
        if (!itrace) {
            std::fprintf(stderr, "ctrl_sim: cannot write %s\n", itrace_path);
            return kUsage;
        }
    }

    nlut_tb<Vnlut_ctrl> tb(argc, argv, "ctrl_sim");
    Vnlut_ctrl *top = tb.top;
    tb.timeout = max_cycles + 1000;  // the loop below stops first, with its own message
    auto &ram = top->rootp->nlut_ctrl__DOT__u_ram__DOT__mem;
    for (uint32_t w = 0; w < kRamBytes / 4; w++) {
        const uint8_t *p = &image[4 * w];
        ram[w] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    }

    std::vector<uint32_t> ext(1024, 0);
    int ext_wait = -1;  // wait states left for the current request, -1 when idle
    uint64_t irq_at = 0;  // cycle at which kExtIrqAt raises irq_ext, 0 for none
    uint32_t tohost_lo = 0, tohost_hi = 0;
    uint64_t instret = 0;
    int verdict = -1;
    uint32_t code = 0;

    top->m_ext_ready = 0;
    top->irq_ext = 0;
    tb.reset();
    uint64_t cycles0 = tb.cycles;

    auto t0 = std::chrono::steady_clock::now();
    while (verdict < 0 && tb.cycles - cycles0 < max_cycles) {

        // Register-port model: answer after 0-3 random wait states.
        uint32_t off = top->m_ext_addr & 0xFFCu;
        top->m_ext_ready = 0;
        top->m_ext_err = 0;
        top->m_ext_rdata = 0;
        if (top->m_ext_valid) {
            if (ext_wait < 0) ext_wait = (int)(tb.rnd() & 3);
            if (ext_wait == 0) {
                top->m_ext_ready = 1;
                top->m_ext_err = off == kExtError;
                top->m_ext_rdata = off == NLUT_ID_MAGIC_REG_OFFSET ? NLUT_MAGIC : ext[off / 4];
            } else {
                ext_wait--;
            }
        }
        tb.settle();

        bool ext_write = top->m_ext_valid && top->m_ext_ready && top->m_ext_write && !top->m_ext_err;
        uint32_t ext_wdata = top->m_ext_wdata, ext_wstrb = top->m_ext_wstrb;

        if (top->trace_valid) {
            bool trap = top->trace_trap;
            if (!trap) instret++;
            if (itrace) {
                if (itrace_cycles) std::fprintf(itrace, "%" PRIu64 " ", tb.cycles - cycles0);
                std::fprintf(itrace, "0x%08" PRIx32 " (0x%08" PRIx32 ")", (uint32_t)top->trace_pc,
                             (uint32_t)top->trace_insn);
                if (trap)
                    std::fprintf(itrace, " trap mcause 0x%08" PRIx32, (uint32_t)top->trace_cause);
                if (top->trace_rd)
                    std::fprintf(itrace, " x%-2d 0x%08" PRIx32, (int)top->trace_rd, (uint32_t)top->trace_rd_wdata);
                if (top->trace_mem_wstrb)
                    std::fprintf(itrace, " mem 0x%08" PRIx32 " 0x%08" PRIx32 " strb %x", (uint32_t)top->trace_mem_addr,
                                 (uint32_t)top->trace_mem_wdata, (unsigned)top->trace_mem_wstrb);
                std::fputc('\n', itrace);
            }
            // HTIF: a command is complete when the high word of tohost is written (as in QEMU).
            if (!trap && top->trace_mem_wstrb) {
                uint32_t a = top->trace_mem_addr, d = top->trace_mem_wdata, s = top->trace_mem_wstrb;
                if (a == tohost) tohost_lo = merge(tohost_lo, d, s);
                if (a == tohost + 4) {
                    tohost_hi = merge(tohost_hi, d, s);
                    uint32_t dev = tohost_hi >> 24, cmd = (tohost_hi >> 16) & 0xFF;
                    if (dev == 0 && cmd == 0 && (tohost_lo & 1)) {
                        code = tohost_lo;
                        verdict = tohost_lo == 1 && tohost_hi == 0 ? kPass : kFail;
                    } else if (dev == 1 && cmd == 1) {
                        std::fputc((int)(tohost_lo & 0xFF), stdout);
                    } else {
                        std::fprintf(stderr, "ctrl_sim: unsupported HTIF command 0x%08" PRIx32 "%08" PRIx32 "\n",
                                     tohost_hi, tohost_lo);
                        code = tohost_lo;
                        verdict = kFail;
                    }
                    tohost_lo = tohost_hi = 0;
                }
            }
        }

        // The model's answer to the edge, irq_ext included, changes before the falling edge
        // (where the gated build latches its CPU clock gate, nlut_ctrl.v).
        tb.tick([&] {
            uint64_t now = tb.cycles - cycles0 + 1;  // edges so far, this one included
            if (top->m_ext_ready || !top->m_ext_valid) ext_wait = -1;
            if (ext_write) {
                uint32_t &w = ext[off / 4];
                w = merge(w, ext_wdata, ext_wstrb);
                if (off == kExtIrq) top->irq_ext = w & 1;
                if (off == kExtIrqAt) irq_at = now + std::max<uint32_t>(w, 1);
            }
            if (irq_at && now >= irq_at) {
                top->irq_ext = 1;
                ext[kExtIrq / 4] |= 1;
                irq_at = 0;
            }
        });
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fflush(stdout);
    uint64_t cycles = tb.cycles - cycles0;

    if (itrace && itrace != stdout) std::fclose(itrace);

    double mcps = secs > 0 ? cycles / secs / 1e6 : 0, mips = secs > 0 ? instret / secs / 1e6 : 0;
    if (verdict < 0) {
        std::fprintf(stderr, "ctrl_sim: TIMEOUT %s: no verdict after %" PRIu64 " cycles (pc 0x%08" PRIx32 ")\n",
                     elf_path, cycles, (uint32_t)top->trace_pc);
        return kTimeout;
    }
    if (verdict == kFail) {
        std::fprintf(stderr, "ctrl_sim: FAIL %s: test %" PRIu32 " (tohost 0x%08" PRIx32 ") after %" PRIu64 " cycles\n",
                     elf_path, code >> 1, code, cycles);
        return kFail;
    }
    if (!quiet)
        std::fprintf(stderr,
                     "ctrl_sim: PASS %s: %" PRIu64 " cycles, %" PRIu64 " instructions (CPI %.2f), %.3f s: "
                     "%.2f Mcycles/s, %.2f Minstr/s\n",
                     elf_path, cycles, instret, instret ? (double)cycles / instret : 0.0, secs, mcps, mips);
    return kPass;
}
