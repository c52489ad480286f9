/* report_shell.c - yosys size of the shell and controller around a core:
 * synth_xilinx -family xcup -flatten of nlut_shell with nlut_core as a black
 * box, and of nlut_ctrl alone, read back from yosys' `stat`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_private.h"
#include "nlut_gen.h"

/* Add one `stat` cell line ("  TYPE  COUNT") to a part. */
static void count_cell(struct nlut_shell_part *p, const char *type, uint64_t n)
{
	if (!strncmp(type, "LUT", 3) && type[3] >= '1' && type[3] <= '6' && !type[4])
		p->luts += n;
	else if (!strncmp(type, "FD", 2))
		p->ffs += n;
	else if (!strncmp(type, "RAMB36", 6))
		p->bram36 += n;
	else if (!strncmp(type, "RAMB18", 6))
		p->bram18 += n;
	else if (!strncmp(type, "RAM32", 5) || !strncmp(type, "RAM64", 5) ||
		 !strncmp(type, "RAM128", 6) || !strncmp(type, "RAM256", 6))
		p->lutram += n;
	else if (!strncmp(type, "CARRY", 5))
		p->carries += n;
}

/* The cell counts of the (single, flattened) module in a stat file. */
static int read_stat(const char *path, struct nlut_shell_part *p)
{
	FILE *f = fopen(path, "r");
	char line[512], type[128];
	int in_cells = 0, found = 0;
	unsigned long long n;

	if (!f)
		return ng_fail(NLUT_ERROR_IO, "%s: cannot open: %s", path, strerror(errno));
	memset(p, 0, sizeof(*p));
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "Number of cells:")) {
			in_cells = 1;
			found = 1;
			continue;
		}
		if (!in_cells)
			continue;
		if (sscanf(line, " %127s %llu", type, &n) != 2) {
			in_cells = 0;
			continue;
		}
		count_cell(p, type, n);
	}
	fclose(f);
	if (!found)
		return ng_fail(NLUT_ERROR_MALFORMED, "%s: no cell statistics from yosys", path);
	return 0;
}

static uint64_t minus(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

int nlut_report_shell(const nlut_model *m, const struct nlut_shell_report_opts *o,
		      struct nlut_shell_report *r)
{
	char gen[4096], path[4200], log[4200], line[512], err[600];
	struct nlut_shell_part whole;
	struct nlut_gen_opts go;
	struct sbuf ys;
	int ret;
	FILE *f;

	ng_clear_error();
	if (!m || !o || !o->workdir || !o->rtl_dir || !r)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "no model, options, RTL folder or report");
	memset(r, 0, sizeof(*r));
	r->s_bytes = o->s_bytes ? o->s_bytes : 8;
	r->m_bytes = o->m_bytes ? o->m_bytes : 8;
	r->scores = o->s_bytes || o->m_bytes ? o->scores : 1;
	r->ram_addr_bits = 16;
	for (unsigned i = 0; i < 2; i++) {
		unsigned b = i ? r->m_bytes : r->s_bytes;

		if (b != 4 && b != 8 && b != 64)
			return ng_fail(NLUT_ERROR_INVALID_PARAM, "stream beat of %u bytes (4, 8 or 64)", b);
	}
	nlut_gen_opts_init(&go);
	snprintf(gen, sizeof(gen), "%s/core", o->workdir);
	if ((ret = nlut_gen_write(m, &go, gen, NULL)))
		return ret;

	snprintf(path, sizeof(path), "%s/nlut_shell.f", o->rtl_dir);
	if (!(f = fopen(path, "r")))
		return ng_fail(NLUT_ERROR_NOT_FOUND, "%s: cannot open the shell's file list: %s "
			       "(set NLUT_SRC or --rtl to the sources)", path, strerror(errno));
	sb_init(&ys);
	sb_printf(&ys, "read_verilog -I%s/shell -I%s", o->rtl_dir, gen);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || !strncmp(line, "//", 2))
			continue;
		sb_printf(&ys, " %s/%s", o->rtl_dir, line);
	}
	fclose(f);
	/* The core as a black box: only its ports are read. */
	sb_printf(&ys, "\nread_verilog -lib %s/nlut_core.v\n"
		       "design -save src\n"
		       "hierarchy -top nlut_shell -chparam S_BYTES %u -chparam M_BYTES %u "
		       "-chparam SCORES %u\n"
		       "synth_xilinx -family xcup -top nlut_shell -flatten -noiopad\n"
		       "tee -q -o %s/stat-shell.txt stat\n"
		       "design -load src\n"
		       "hierarchy -top nlut_ctrl -chparam RAM_ADDR_BITS %u -chparam EXT_ADDR_BITS 11\n"
		       "synth_xilinx -family xcup -top nlut_ctrl -flatten -noiopad\n"
		       "tee -q -o %s/stat-ctrl.txt stat\n",
		  gen, r->s_bytes, r->m_bytes, r->scores, o->workdir, r->ram_addr_bits, o->workdir);
	ret = sb_write(&ys, o->workdir, "shell.ys");
	sb_free(&ys);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/shell.ys", o->workdir);
	snprintf(log, sizeof(log), "%s/yosys-shell.log", o->workdir);
	char *argv[] = { (char *)(o->yosys ? o->yosys : "yosys"), "-q", "-l", log, "-s", path, NULL };
	int st = ng_run_quiet(argv);

	if (st == 127 || st < 0)
		return ng_fail(NLUT_ERROR_NOT_FOUND, "cannot run %s (install yosys: scripts/deps.sh)",
			       argv[0]);
	if (st) {
		ng_log_error(log, err, sizeof(err));
		return ng_fail(NLUT_ERROR_OTHER, "yosys failed (exit %d, log %s)%s", st, log, err);
	}
	snprintf(path, sizeof(path), "%s/stat-shell.txt", o->workdir);
	if ((ret = read_stat(path, &whole)))
		return ret;
	snprintf(path, sizeof(path), "%s/stat-ctrl.txt", o->workdir);
	if ((ret = read_stat(path, &r->ctrl)))
		return ret;
	r->shell.luts = minus(whole.luts, r->ctrl.luts);
	r->shell.ffs = minus(whole.ffs, r->ctrl.ffs);
	r->shell.lutram = minus(whole.lutram, r->ctrl.lutram);
	r->shell.bram36 = minus(whole.bram36, r->ctrl.bram36);
	r->shell.bram18 = minus(whole.bram18, r->ctrl.bram18);
	r->shell.carries = minus(whole.carries, r->ctrl.carries);
	return 0;
}
