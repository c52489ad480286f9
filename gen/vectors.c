/* vectors.c - pattern files for a trigger's own regression (`nlut vectors`):
 * input words and the golden model's expected output words in hex, one
 * sample per line in the layout of nlut_core's ports, and a self-checking
 * testbench in Verilog and in VHDL that plays them (docs/integration.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/golden.h>

#include "gen_private.h"

static const char hexd[] = "0123456789abcdef";

/* v into bits [off + width - 1 : off] of w. */
static void put_bits(uint32_t *w, uint32_t off, uint32_t width, uint32_t v)
{
	for (uint32_t b = 0; b < width; b++)
		if (v >> b & 1u)
			w[(off + b) / 32] |= 1u << ((off + b) % 32);
}

/* The low `bits` bits of w as ceil(bits / 4) hex digits, most significant
 * first (what $readmemh, $fscanf %h and the VHDL testbench read). */
static void put_hex(struct sbuf *sb, const uint32_t *w, uint32_t bits)
{
	for (uint32_t d = (bits + 3) / 4; d-- > 0;)
		sb_putc(sb, hexd[w[d / 8] >> (4 * (d % 8)) & 15u]);
}

uint32_t nlut_vectors_class_width(const nlut_model *m)
{
	unsigned w = ng_clog2(nlut_model_num_classes(m));

	return w ? w : 1;
}

static int write_patterns(const nlut_model *m, const uint16_t *codes, size_t n, const char *dir)
{
	const struct nlut_quant *q = nlut_model_quant(m);
	uint32_t n_in = nlut_model_num_inputs(m), n_cls = nlut_model_num_classes(m);
	uint32_t in_w = ng_layer_in_width(m, 0), sc_w = 0;
	uint32_t cw = nlut_vectors_class_width(m);

	/* Class scores as the core's out_scores carries them (group sums are wider than a neuron). */
	for (uint32_t k = 0; k < n_cls; k++)
		sc_w += nlut_model_score_bits(m, k);
	uint32_t words = (in_w > sc_w ? in_w : sc_w) / 32 + 2;
	uint32_t *w = calloc(words, sizeof(*w));
	uint16_t *scores = calloc(n_cls, sizeof(*scores));
	nlut_golden *g = NULL;
	struct sbuf in, out;
	int ret;

	sb_init(&in);
	sb_init(&out);
	if (!w || !scores) {
		ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		goto done;
	}
	if ((ret = nlut_golden_new(m, &g))) {
		ret = ng_pass(ret, "golden model");
		goto done;
	}
	for (size_t r = 0; r < n; r++) {
		const uint16_t *c = codes + r * n_in;
		uint32_t cls, off = 0;

		if ((ret = nlut_golden_eval(g, c, scores, &cls))) {
			ret = ng_pass(ret, "golden model");
			goto done;
		}
		memset(w, 0, words * sizeof(*w));
		for (uint32_t f = 0; f < n_in; f++) {
			put_bits(w, off, q[f].bits, c[f]);
			off += q[f].bits;
		}
		put_hex(&in, w, in_w);
		sb_putc(&in, '\n');
		memset(w, 0, words * sizeof(*w));
		w[0] = cls;
		put_hex(&out, w, cw);
		sb_putc(&out, ' ');
		memset(w, 0, words * sizeof(*w));
		off = 0;
		for (uint32_t k = 0; k < n_cls; k++) {
			put_bits(w, off, nlut_model_score_bits(m, k), scores[k]);
			off += nlut_model_score_bits(m, k);
		}
		put_hex(&out, w, sc_w);
		sb_putc(&out, '\n');
	}
	if (!(ret = sb_write(&in, dir, "nlut_in.hex")))
		ret = sb_write(&out, dir, "nlut_out.hex");
done:
	nlut_golden_free(g);
	sb_free(&in);
	sb_free(&out);
	free(w);
	free(scores);
	return ret;
}

/* The Verilog testbench: Verilog-2005 with $fatal (Verilator --binary
 * --timing, iverilog -g2012, any commercial simulator). */
static int write_tb_verilog(const char *dir, const char *id, int fixed)
{
	struct sbuf sb;
	int ret;

	sb_init(&sb);
	ng_banner(&sb, "//", "nlut_vectors_tb.v - plays nlut_in.hex through nlut_core and checks "
		  "nlut_out.hex", id);
	sb_printf(&sb, "// The core %s. One input line per clock; +stall=PCT and +idle=PCT\n"
		       "// insert %scycles without a sample (+seed=N), +in=FILE and +out=FILE\n"
		       "// name the pattern files. Every result is checked bit for bit, in order,\n"
		       "// exactly NLUT_CORE_LATENCY %s after its input, and out_valid is\n"
		       "// checked low at every other edge. docs/integration.md.\n",
		  fixed ? "has a fixed latency (no ce)" : "has a clock enable",
		  fixed ? "" : "stalls (ce low) and ", fixed ? "clocks" : "enabled edges");
	sb_puts(&sb, "`timescale 1ns / 1ps\n`default_nettype none\n`include \"nlut_core_params.vh\"\n\n"
		     "module nlut_vectors_tb;\n"
		     "    localparam IW = `NLUT_CORE_IN_WIDTH;\n"
		     "    localparam SW = `NLUT_CORE_SCORES_WIDTH;\n"
		     "    localparam CW = `NLUT_CORE_CLASS_WIDTH;\n"
		     "    localparam LAT = `NLUT_CORE_LATENCY;\n\n"
		     "    reg clk = 1'b0, rst = 1'b1, ce = 1'b1, in_valid = 1'b0;\n"
		     "    reg [IW-1:0] in_codes = {IW{1'b0}}, next_codes;\n"
		     "    wire out_valid;\n    wire [SW-1:0] out_scores;\n    wire [CW-1:0] out_class;\n"
		     "    reg [SW-1:0] want_scores;\n    reg [CW-1:0] want_class;\n"
		     "    reg acc [0:LAT];  // acc[e % (LAT + 1)]: a sample was accepted at edge e\n"
		     "    reg [8*1024-1:0] in_name, out_name;\n"
		     "    integer fin, fout, stall, idle, seed, have, r, k;\n"
		     "    integer edges, n_in, n_out, cycles;\n"
		     "    reg want, prev_valid;\n\n");
	sb_printf(&sb, "    nlut_core dut (\n        .clk(clk), .rst(rst),%s .in_valid(in_valid),\n"
		       "        .in_codes(in_codes), .out_valid(out_valid), .out_scores(out_scores),\n"
		       "        .out_class(out_class)\n    );\n\n", fixed ? "" : " .ce(ce),");
	sb_printf(&sb, "    always #5 clk = ~clk;\n\n"
		       "    initial begin\n"
		       "`%s NLUT_CORE_FIXED_LATENCY\n"
		       "        $fatal(1, \"nlut_vectors_tb: written for a core %s; regenerate with%s "
		       "--fixed-latency\");\n"
		       "`endif\n",
		  fixed ? "ifndef" : "ifdef", fixed ? "with a fixed latency" : "with a clock enable",
		  fixed ? "" : "out");
	sb_puts(&sb, "        if (!$value$plusargs(\"in=%s\", in_name)) in_name = \"nlut_in.hex\";\n"
		     "        if (!$value$plusargs(\"out=%s\", out_name)) out_name = \"nlut_out.hex\";\n"
		     "        if (!$value$plusargs(\"stall=%d\", stall)) stall = 0;\n"
		     "        if (!$value$plusargs(\"idle=%d\", idle)) idle = 0;\n"
		     "        if (!$value$plusargs(\"seed=%d\", seed)) seed = 1;\n");
	if (fixed)
		sb_puts(&sb, "        if (stall != 0) $fatal(1, \"nlut_vectors_tb: +stall needs a core with ce\");\n");
	sb_puts(&sb, "        fin = $fopen(in_name, \"r\");\n"
		     "        fout = $fopen(out_name, \"r\");\n"
		     "        if (fin == 0 || fout == 0) $fatal(1, \"nlut_vectors_tb: cannot open the pattern files\");\n"
		     "        for (k = 0; k <= LAT; k = k + 1) acc[k] = 1'b0;\n"
		     "        edges = 0; n_in = 0; n_out = 0; cycles = 0;\n"
		     "        have = $fscanf(fin, \"%h\\n\", next_codes);\n"
		     "        repeat (3) @(posedge clk);\n"
		     "        #1 rst = 1'b0;\n"
		     "        while (have == 1 || n_out < n_in) begin\n"
		     "            ce = stall == 0 || {$random(seed)} % 100 >= stall;\n"
		     "            in_valid = have == 1 && (idle == 0 || {$random(seed)} % 100 >= idle);\n"
		     "            in_codes = next_codes;\n"
		     "            prev_valid = out_valid;\n"
		     "            @(posedge clk);\n"
		     "            #1 cycles = cycles + 1;\n"
		     "            if (cycles > 100 * (n_in + 100)) $fatal(1, \"nlut_vectors_tb: timeout\");\n"
		     "            if (!ce) begin\n"
		     "                if (out_valid !== prev_valid) $fatal(1, \"nlut_vectors_tb: out_valid changed during a stall\");\n"
		     "            end else begin\n"
		     "                edges = edges + 1;\n"
		     "                acc[edges % (LAT + 1)] = in_valid;\n"
		     "                if (in_valid) begin\n"
		     "                    n_in = n_in + 1;\n"
		     "                    have = $fscanf(fin, \"%h\\n\", next_codes);\n"
		     "                end\n"
		     "                want = edges + 1 >= LAT ? acc[(edges + 1 - LAT) % (LAT + 1)] : 1'b0;\n"
		     "                if (out_valid !== want)\n"
		     "                    $fatal(1, \"nlut_vectors_tb: out_valid %b at edge %0d, expected %b (latency %0d)\",\n"
		     "                           out_valid, edges, want, LAT);\n"
		     "                if (out_valid) begin\n"
		     "                    r = $fscanf(fout, \"%h %h\\n\", want_class, want_scores);\n"
		     "                    if (r != 2) $fatal(1, \"nlut_vectors_tb: %0s ends before result %0d\", out_name, n_out);\n"
		     "                    if (out_class !== want_class || out_scores !== want_scores)\n"
		     "                        $fatal(1, \"nlut_vectors_tb: MISMATCH at sample %0d: class %h scores %h, expected %h %h\",\n"
		     "                               n_out, out_class, out_scores, want_class, want_scores);\n"
		     "                    n_out = n_out + 1;\n"
		     "                end\n"
		     "            end\n"
		     "        end\n"
		     "        $display(\"nlut_vectors_tb: %0d vectors, latency %0d, %0d cycles (stall %0d%%, idle %0d%%): all outputs match\",\n"
		     "                 n_out, LAT, cycles, stall, idle);\n"
		     "        $finish;\n"
		     "    end\nendmodule\n\n`resetall\n");
	ret = sb_write(&sb, dir, "nlut_vectors_tb.v");
	sb_free(&sb);
	return ret;
}

/* The VHDL testbench: VHDL-93 (std.textio, ieee.math_real). */
static int write_tb_vhdl(const char *dir, const char *id, int fixed)
{
	struct sbuf sb;
	int ret;

	sb_init(&sb);
	ng_banner(&sb, "--", "nlut_vectors_tb.vhd - plays nlut_in.hex through nlut_core and checks "
		  "nlut_out.hex", id);
	sb_printf(&sb, "-- The core %s. One input line per clock; generics STALL_PCT and\n"
		       "-- IDLE_PCT insert %scycles without a sample (SEED), IN_FILE and\n"
		       "-- OUT_FILE name the pattern files. Every result is checked bit for bit,\n"
		       "-- in order, exactly NLUT_CORE_LATENCY %s after its input, and\n"
		       "-- out_valid is checked low at every other edge. docs/integration.md.\n",
		  fixed ? "has a fixed latency (no ce)" : "has a clock enable",
		  fixed ? "" : "stalls (ce low) and ", fixed ? "clocks" : "enabled edges");
	sb_puts(&sb, "library ieee;\nuse ieee.std_logic_1164.all;\nuse ieee.numeric_std.all;\n"
		     "use ieee.math_real.all;\nuse std.textio.all;\nuse work.nlut_core_params.all;\n\n"
		     "entity nlut_vectors_tb is\n    generic (\n"
		     "        IN_FILE   : string   := \"nlut_in.hex\";\n"
		     "        OUT_FILE  : string   := \"nlut_out.hex\";\n"
		     "        STALL_PCT : natural  := 0;\n"
		     "        IDLE_PCT  : natural  := 0;\n"
		     "        SEED      : positive := 1\n    );\nend entity nlut_vectors_tb;\n\n"
		     "architecture sim of nlut_vectors_tb is\n"
		     "    constant IW  : natural := NLUT_CORE_IN_WIDTH;\n"
		     "    constant SW  : natural := NLUT_CORE_SCORES_WIDTH;\n"
		     "    constant CW  : natural := NLUT_CORE_CLASS_WIDTH;\n"
		     "    constant LAT : natural := NLUT_CORE_LATENCY;\n"
		     "    signal clk, rst, ce, in_valid, out_valid : std_logic := '0';\n"
		     "    signal in_codes : std_logic_vector(IW - 1 downto 0) := (others => '0');\n"
		     "    signal out_scores : std_logic_vector(SW - 1 downto 0);\n"
		     "    signal out_class : std_logic_vector(CW - 1 downto 0);\n"
		     "    signal done : boolean := false;\n\n"
		     "    -- One hex number (leading spaces skipped) into v, low bits.\n"
		     "    procedure read_hex(l : inout line; v : out std_logic_vector; ok : out boolean) is\n"
		     "        variable c : character;\n"
		     "        variable good : boolean;\n"
		     "        variable d : natural;\n"
		     "        variable r : std_logic_vector(4 * ((v'length + 3) / 4) - 1 downto 0);\n"
		     "    begin\n"
		     "        ok := false;\n"
		     "        loop\n"
		     "            read(l, c, good);\n"
		     "            if not good then\n                return;\n            end if;\n"
		     "            exit when c /= ' ';\n"
		     "        end loop;\n"
		     "        for i in 0 to (v'length + 3) / 4 - 1 loop\n"
		     "            if i > 0 then\n"
		     "                read(l, c, good);\n"
		     "                if not good then\n                    return;\n                end if;\n"
		     "            end if;\n"
		     "            if c >= '0' and c <= '9' then\n"
		     "                d := character'pos(c) - character'pos('0');\n"
		     "            elsif c >= 'a' and c <= 'f' then\n"
		     "                d := character'pos(c) - character'pos('a') + 10;\n"
		     "            elsif c >= 'A' and c <= 'F' then\n"
		     "                d := character'pos(c) - character'pos('A') + 10;\n"
		     "            else\n                return;\n            end if;\n"
		     "            r := r(r'high - 4 downto 0) & std_logic_vector(to_unsigned(d, 4));\n"
		     "        end loop;\n"
		     "        v := r(v'length - 1 downto 0);\n"
		     "        ok := true;\n"
		     "    end procedure;\n\n"
		     "    function hex(v : std_logic_vector) return string is\n"
		     "        constant digits : string(1 to 16) := \"0123456789abcdef\";\n"
		     "        variable x : unsigned(4 * ((v'length + 3) / 4) - 1 downto 0);\n"
		     "        variable s : string(1 to (v'length + 3) / 4);\n"
		     "    begin\n"
		     "        x := resize(unsigned(v), x'length);\n"
		     "        for i in s'range loop\n"
		     "            s(i) := digits(1 + to_integer(x(x'high - 4 * (i - 1) downto x'high - 4 * (i - 1) - 3)));\n"
		     "        end loop;\n"
		     "        return s;\n"
		     "    end function;\n"
		     "begin\n");
	sb_printf(&sb, "    dut : entity work.nlut_core\n"
		       "        port map (clk => clk, rst => rst,%s in_valid => in_valid,\n"
		       "                  in_codes => in_codes, out_valid => out_valid,\n"
		       "                  out_scores => out_scores, out_class => out_class);\n\n",
		  fixed ? "" : " ce => ce,");
	sb_puts(&sb, "    clock : process\n    begin\n        while not done loop\n"
		     "            clk <= '0';\n            wait for 5 ns;\n"
		     "            clk <= '1';\n            wait for 5 ns;\n"
		     "        end loop;\n        wait;\n    end process;\n\n"
		     "    play : process\n"
		     "        file fin, fout : text;\n"
		     "        variable st : file_open_status;\n"
		     "        variable l : line;\n"
		     "        variable next_codes : std_logic_vector(IW - 1 downto 0);\n"
		     "        variable want_scores : std_logic_vector(SW - 1 downto 0);\n"
		     "        variable want_class : std_logic_vector(CW - 1 downto 0);\n"
		     "        variable have, ok, v, e, want, prev_valid : boolean;\n"
		     "        type flags is array (0 to LAT) of boolean;\n"
		     "        variable acc : flags := (others => false);\n"
		     "        variable s1, s2 : positive;\n"
		     "        variable x : real;\n"
		     "        variable edges, n_in, n_out, cycles : natural := 0;\n"
		     "\n        impure function chance(pct : natural) return boolean is\n"
		     "        begin\n"
		     "            if pct = 0 then\n                return false;\n            end if;\n"
		     "            uniform(s1, s2, x);\n"
		     "            return x * 100.0 < real(pct);\n"
		     "        end function;\n"
		     "\n        procedure next_input is\n"
		     "        begin\n"
		     "            have := false;\n"
		     "            if not endfile(fin) then\n"
		     "                readline(fin, l);\n"
		     "                read_hex(l, next_codes, have);\n"
		     "                assert have report \"nlut_vectors_tb: bad line in \" & IN_FILE severity failure;\n"
		     "            end if;\n"
		     "        end procedure;\n"
		     "    begin\n");
	sb_printf(&sb, "        assert NLUT_CORE_FIXED_LATENCY = %s\n"
		       "            report \"nlut_vectors_tb: written for a core %s; regenerate with%s \"\n"
		       "                   & \"--fixed-latency\" severity failure;\n",
		  fixed ? "true" : "false", fixed ? "with a fixed latency" : "with a clock enable",
		  fixed ? "" : "out");
	if (fixed)
		sb_puts(&sb, "        assert STALL_PCT = 0 report \"nlut_vectors_tb: STALL_PCT needs a core with ce\"\n"
			     "            severity failure;\n");
	sb_puts(&sb, "        s1 := SEED;\n        s2 := 1;\n"
		     "        file_open(st, fin, IN_FILE, read_mode);\n"
		     "        assert st = open_ok report \"nlut_vectors_tb: cannot open \" & IN_FILE severity failure;\n"
		     "        file_open(st, fout, OUT_FILE, read_mode);\n"
		     "        assert st = open_ok report \"nlut_vectors_tb: cannot open \" & OUT_FILE severity failure;\n"
		     "        next_input;\n"
		     "        rst <= '1';\n"
		     "        for i in 1 to 3 loop\n            wait until rising_edge(clk);\n        end loop;\n"
		     "        wait for 1 ns;\n        rst <= '0';\n"
		     "        while have or n_out < n_in loop\n"
		     "            e := not chance(STALL_PCT);\n"
		     "            v := have and not chance(IDLE_PCT);\n"
		     "            if e then\n                ce <= '1';\n            else\n                ce <= '0';\n            end if;\n"
		     "            if v then\n                in_valid <= '1';\n            else\n                in_valid <= '0';\n            end if;\n"
		     "            in_codes <= next_codes;\n"
		     "            prev_valid := out_valid = '1';\n"
		     "            wait until rising_edge(clk);\n"
		     "            wait for 1 ns;\n"
		     "            cycles := cycles + 1;\n"
		     "            assert cycles <= 100 * (n_in + 100) report \"nlut_vectors_tb: timeout\" severity failure;\n"
		     "            if not e then\n"
		     "                assert (out_valid = '1') = prev_valid\n"
		     "                    report \"nlut_vectors_tb: out_valid changed during a stall\" severity failure;\n"
		     "            else\n"
		     "                edges := edges + 1;\n"
		     "                acc(edges mod (LAT + 1)) := v;\n"
		     "                if v then\n                    n_in := n_in + 1;\n                    next_input;\n                end if;\n"
		     "                want := edges + 1 >= LAT and acc((edges + 1 - LAT) mod (LAT + 1));\n"
		     "                assert (out_valid = '1') = want\n"
		     "                    report \"nlut_vectors_tb: out_valid \" & std_logic'image(out_valid) & \" at edge \"\n"
		     "                           & integer'image(edges) & \", expected \" & boolean'image(want)\n"
		     "                           & \" (latency \" & integer'image(LAT) & \")\" severity failure;\n"
		     "                if out_valid = '1' then\n"
		     "                    ok := not endfile(fout);\n"
		     "                    if ok then\n"
		     "                        readline(fout, l);\n"
		     "                        read_hex(l, want_class, ok);\n"
		     "                        if ok then\n                            read_hex(l, want_scores, ok);\n                        end if;\n"
		     "                    end if;\n"
		     "                    assert ok report \"nlut_vectors_tb: \" & OUT_FILE & \" ends or is bad before result \"\n"
		     "                                     & integer'image(n_out) severity failure;\n"
		     "                    assert out_class = want_class and out_scores = want_scores\n"
		     "                        report \"nlut_vectors_tb: MISMATCH at sample \" & integer'image(n_out)\n"
		     "                               & \": class \" & hex(out_class) & \" scores \" & hex(out_scores)\n"
		     "                               & \", expected \" & hex(want_class) & \" \" & hex(want_scores)\n"
		     "                        severity failure;\n"
		     "                    n_out := n_out + 1;\n"
		     "                end if;\n"
		     "            end if;\n"
		     "        end loop;\n"
		     "        report \"nlut_vectors_tb: \" & integer'image(n_out) & \" vectors, latency \"\n"
		     "               & integer'image(LAT) & \", \" & integer'image(cycles) & \" cycles (stall \"\n"
		     "               & integer'image(STALL_PCT) & \"%, idle \" & integer'image(IDLE_PCT)\n"
		     "               & \"%): all outputs match\" severity note;\n"
		     "        done <= true;\n"
		     "        wait;\n"
		     "    end process;\n"
		     "end architecture sim;\n");
	ret = sb_write(&sb, dir, "nlut_vectors_tb.vhd");
	sb_free(&sb);
	return ret;
}

int nlut_vectors_write(const nlut_model *m, const uint16_t *codes, size_t n,
		       const struct nlut_vectors_opts *o, const char *dir)
{
	const struct nlut_quant *q;
	char id[NLUT_ID_STR_SIZE];
	uint32_t n_in;
	int ret;

	ng_clear_error();
	if (!m || (!codes && n) || !o || !dir)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "no model, codes, options or directory");
	if ((ret = nlut_model_id(m, id)))
		return ng_pass(ret, "model identity");
	q = nlut_model_quant(m);
	n_in = nlut_model_num_inputs(m);
	for (size_t r = 0; r < n; r++)
		for (uint32_t f = 0; f < n_in; f++)
			if (codes[r * n_in + f] >> q[f].bits)
				return ng_fail(NLUT_ERROR_INVALID_PARAM,
					       "vector %zu feature %u: code %u is wider than %u bits", r,
					       f, codes[r * n_in + f], q[f].bits);
	if ((ret = ng_mkdir(dir)) || (ret = write_patterns(m, codes, n, dir)) ||
	    (ret = write_tb_verilog(dir, id, o->fixed_latency)))
		return ret;
	return write_tb_vhdl(dir, id, o->fixed_latency);
}
