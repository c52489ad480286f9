/* cmd_report.c - `nlut report MODEL`: LUTs, FFs, LUT levels per stage and
 * latency of the generated core, by yosys synth_xilinx -family xcup; with
 * --baseline the same for the LogicNets-style rendering. */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlut/nlut.h>

#include "commands.h"
#include "nlut_gen.h"
#include "tool_util.h"

/* One synthesis run on a thread of its own: nlut and the baseline run side
 * by side, each its own yosys process. The error detail is per thread, so
 * the thread keeps a copy. */
struct report_job {
	const nlut_model *m;
	struct nlut_report_opts ro;
	struct nlut_report *r;
	char dir[4096];
	int err;
	char detail[1024];
};

static void *report_job_run(void *arg)
{
	struct report_job *j = arg;

	if ((j->err = nlut_report_run(j->m, &j->ro, j->r)))
		snprintf(j->detail, sizeof(j->detail), "%s", nlut_gen_error_detail());
	return NULL;
}

static void help(const char *prog)
{
	printf("Usage: %s [OPTIONS] MODEL\n\n"
	       "Synthesise the model's core with yosys (synth_xilinx -family xcup) and print\n"
	       "LUT and FF counts per layer and in total, LUT levels per pipeline stage, and\n"
	       "the latency in cycles and ns. Each table is handed to yosys as a module of\n"
	       "its own holding its reduced BDD as 2:1 muxes (the same function as the\n"
	       "generated RTL; abc runs once per table, so time grows linearly with the\n"
	       "model). With --baseline both syntheses run at once, one yosys each.\n\n"
	       "  --clock-mhz F     clock for the latency in ns (default: that of\n"
	       "                    --stages fmax:MHZ, else 300)\n"
	       "  --stages POLICY   pipeline policy as for `nlut gen` (default levels:%u)\n"
	       "  --baseline        also synthesise the LogicNets-style rendering (a case module\n"
	       "                    per neuron, a register before every layer) side by side\n"
	       "  --json            print one JSON object\n"
	       "  --svg FILE        write a bar chart of LUTs per layer\n"
	       "  --shell           also synthesise the shell around the core (core as a black\n"
	       "                    box) and the RV32I controller alone: LUTs, FFs, RAMs\n"
	       "  --rtl DIR         the rtl/ folder of the nlut sources (default: $NLUT_SRC/rtl,\n"
	       "                    else the source tree built from, else the installed copy)\n"
	       "  --workdir DIR     keep RTL, yosys script, log and netlists in DIR\n"
	       "  --yosys PROG      yosys program (default yosys)\n"
	       "  -j, --jobs N      synthesise the tables apart, N yosys processes at once beside\n"
	       "                    the rest of the core (default: the CPUs; same figures);\n"
	       "                    0: one yosys script for the whole core\n"
	       "  --cache DIR       keep each table's netlist by content in DIR (default\n"
	       "                    $XDG_CACHE_HOME/nlut/report, else ~/.cache/nlut/report)\n"
	       "  --no-cache        use no table cache\n"
	       "  -h, --help        show this help\n",
	       prog, NLUT_STAGES_DEFAULT_LEVELS);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* lut_dense (format 1.3) last: the JSON's order of the older kinds stays. */
static const char *const kinds[] = { "input", "encoder", "lut", "group_sum", "argmax",
				      "threshold", "lut_dense" };
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* LUTs and FFs of the rows of each kind. */
static void by_kind(const struct nlut_report *r, uint64_t luts[N_KINDS], uint64_t ffs[N_KINDS])
{
	for (size_t k = 0; k < N_KINDS; k++) {
		luts[k] = ffs[k] = 0;
		for (uint32_t i = 0; i < r->n_rows; i++)
			if (!strcmp(r->row[i].kind, kinds[k])) {
				luts[k] += r->row[i].luts;
				ffs[k] += r->row[i].ffs;
			}
	}
}

static void print_text(const char *path, const char *id, const struct nlut_report *r,
		       const struct nlut_report *b, const char *policy, double mhz)
{
	uint64_t kl[N_KINDS], kf[N_KINDS];

	printf("model     %s\nidentity  %s\n", path, id);
	printf("synthesis yosys synth_xilinx -family xcup, its abc LUT mapping (7/8-input LUTs =\n"
	       "          LUT6 + MUXF7/F8 in one level; carries add no level)\n");
	printf("counted   the whole core, from the feature codes the host sends to the class:\n"
	       "          every layer (a threshold/thermometer encoder is a layer), group sums,\n"
	       "          argmax (a threshold's comparator) and pipeline registers\n");
	printf("stages    %s\n\n", policy);
	if (b)
		printf("          %10s %8s   %10s %8s\n", "nlut LUTs", "FFs", "LogicNets", "FFs");
	else
		printf("          %8s %8s %8s %8s\n", "LUTs", "FFs", "MUXF", "CARRY");
	for (uint32_t i = 0; i <= r->n_rows; i++) {
		const struct nlut_report_row *x = i < r->n_rows ? &r->row[i] : &r->total;
		const struct nlut_report_row *y = b ? (i < b->n_rows ? &b->row[i] : &b->total) : NULL;

		if (b)
			printf("%-9s %10llu %8llu   %10llu %8llu\n", x->name,
			       (unsigned long long)x->luts, (unsigned long long)x->ffs,
			       (unsigned long long)y->luts, (unsigned long long)y->ffs);
		else
			printf("%-9s %8llu %8llu %8llu %8llu\n", x->name, (unsigned long long)x->luts,
			       (unsigned long long)x->ffs, (unsigned long long)x->muxes,
			       (unsigned long long)x->carries);
	}
	by_kind(r, kl, kf);
	printf("by kind  ");
	for (size_t k = 0, first = 1; k < N_KINDS; k++)
		if (kl[k] || kf[k]) {
			printf("%s %s %llu LUTs/%llu FFs", first ? "" : ",", kinds[k],
			       (unsigned long long)kl[k], (unsigned long long)kf[k]);
			first = 0;
		}
	printf("\n");
	printf("\nLUT levels per stage: nlut");
	for (uint32_t s = 0; s < r->n_stages; s++)
		printf(" %u", r->stage_levels[s]);
	printf(" (max %u)", r->max_levels);
	if (b) {
		printf("; LogicNets");
		for (uint32_t s = 0; s < b->n_stages; s++)
			printf(" %u", b->stage_levels[s]);
		printf(" (max %u)", b->max_levels);
	}
	printf("\nlatency   nlut %u cycles = %.1f ns at %g MHz", r->latency, r->latency * 1e3 / mhz,
	       mhz);
	if (b)
		printf("; LogicNets %u cycles = %.1f ns", b->latency, b->latency * 1e3 / mhz);
	printf("\n");
}

static void print_part(const char *name, const struct nlut_shell_part *p)
{
	printf("%-11s %8llu %8llu %8llu %8llu %8llu\n", name, (unsigned long long)p->luts,
	       (unsigned long long)p->ffs, (unsigned long long)p->lutram,
	       (unsigned long long)(p->bram36 * 2 + p->bram18) / 2, (unsigned long long)p->carries);
}

static void print_shell(const struct nlut_shell_report *s)
{
	printf("\nshell and controller (synth_xilinx -family xcup -flatten; core not included;\n"
	       "%u-byte input and %u-byte output beats, scores %s, %u KiB boot RAM)\n",
	       s->s_bytes, s->m_bytes, s->scores ? "on" : "off", (1u << s->ram_addr_bits) / 1024);
	printf("%-11s %8s %8s %8s %8s %8s\n", "", "LUTs", "FFs", "LUTRAM", "BRAM36", "CARRY");
	print_part("controller", &s->ctrl);
	print_part("shell", &s->shell);
}

static void json_part(const char *name, const struct nlut_shell_part *p)
{
	printf("\"%s\":{\"luts\":%llu,\"ffs\":%llu,\"lutram\":%llu,\"bram36\":%llu,"
	       "\"bram18\":%llu,\"carries\":%llu}", name, (unsigned long long)p->luts,
	       (unsigned long long)p->ffs, (unsigned long long)p->lutram,
	       (unsigned long long)p->bram36, (unsigned long long)p->bram18,
	       (unsigned long long)p->carries);
}

/* The rtl/ folder: $NLUT_SRC/rtl, else the source tree this program was
 * built from, else the installed copy. */
static const char *default_rtl(char *buf, size_t len)
{
	const char *src = getenv("NLUT_SRC");
	struct stat st;

	if (src && *src) {
		snprintf(buf, len, "%s/rtl", src);
		return buf;
	}
	if (!stat(NLUT_SOURCE_DIR "/rtl/nlut_shell.f", &st))
		return NLUT_SOURCE_DIR "/rtl";
	return NLUT_DATA_DIR "/src/rtl";
}

static void json_side(const struct nlut_report *r, double mhz)
{
	uint64_t kl[N_KINDS], kf[N_KINDS];

	printf("{\"counted\":\"whole core\",\"rows\":[");
	for (uint32_t i = 0; i < r->n_rows; i++)
		printf("%s{\"name\":\"%s\",\"kind\":\"%s\",\"luts\":%llu,\"ffs\":%llu,\"muxes\":%llu,"
		       "\"carries\":%llu}", i ? "," : "", r->row[i].name, r->row[i].kind,
		       (unsigned long long)r->row[i].luts,
		       (unsigned long long)r->row[i].ffs, (unsigned long long)r->row[i].muxes,
		       (unsigned long long)r->row[i].carries);
	by_kind(r, kl, kf);
	printf("],\"kinds\":{");
	for (size_t k = 0; k < N_KINDS; k++)
		printf("%s\"%s\":{\"luts\":%llu,\"ffs\":%llu}", k ? "," : "", kinds[k],
		       (unsigned long long)kl[k], (unsigned long long)kf[k]);
	printf("},\"luts\":%llu,\"ffs\":%llu,\"stage_levels\":[", (unsigned long long)r->total.luts,
	       (unsigned long long)r->total.ffs);
	for (uint32_t s = 0; s < r->n_stages; s++)
		printf("%s%u", s ? "," : "", r->stage_levels[s]);
	printf("],\"max_levels\":%u,\"latency_cycles\":%u,\"latency_ns\":%.3f}", r->max_levels,
	       r->latency, r->latency * 1e3 / mhz);
}

static int write_svg(const char *file, const struct nlut_report *r, const struct nlut_report *b)
{
	FILE *f = fopen(file, "w");
	uint64_t mx = 1;
	const double W = 640, H = 320, left = 60, bottom = 40, top = 30;

	if (!f)
		return -1;
	for (uint32_t i = 0; i < r->n_rows; i++) {
		if (r->row[i].luts > mx)
			mx = r->row[i].luts;
		if (b && b->row[i].luts > mx)
			mx = b->row[i].luts;
	}
	double slot = (W - left - 20) / r->n_rows, bw = b ? slot * 0.38 : slot * 0.7;

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		   "font-family=\"sans-serif\" font-size=\"11\">\n", W, H);
	fprintf(f, "<text x=\"%.0f\" y=\"18\" font-size=\"13\">LUTs per layer (yosys xcup)%s</text>\n",
		left, b ? ": nlut (blue) vs LogicNets style (grey)" : "");
	fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", left,
		H - bottom, W - 10, H - bottom);
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%llu</text>\n", left - 4, top + 4,
		(unsigned long long)mx);
	for (uint32_t i = 0; i < r->n_rows; i++) {
		double x = left + i * slot + slot * 0.1;
		double h = (H - bottom - top) * (double)r->row[i].luts / (double)mx;

		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3b6fb6\">"
			   "<title>%s: %llu LUTs</title></rect>\n", x, H - bottom - h, bw, h,
			r->row[i].name, (unsigned long long)r->row[i].luts);
		if (b) {
			double hb = (H - bottom - top) * (double)b->row[i].luts / (double)mx;

			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				   "fill=\"#999999\"><title>%s: %llu LUTs (LogicNets)</title></rect>\n",
				x + bw, H - bottom - hb, bw, hb, b->row[i].name,
				(unsigned long long)b->row[i].luts);
		}
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n",
			x + slot * 0.4, H - bottom + 16, r->row[i].name);
	}
	fprintf(f, "</svg>\n");
	return fclose(f);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "clock-mhz", required_argument, NULL, 'c' },
		{ "stages", required_argument, NULL, 's' },
		{ "baseline", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'O' },
		{ "svg", required_argument, NULL, 'g' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "shell", no_argument, NULL, 'S' },
		{ "rtl", required_argument, NULL, 'r' },
		{ "yosys", required_argument, NULL, 'y' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "cache", required_argument, NULL, 'C' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = argv[0], *svg = NULL, *workdir = NULL, *yosys = NULL, *rtl = NULL;
	struct nlut_shell_report sr;
	char rtl_buf[4096];
	int shell = 0;
	struct nlut_report_opts ro;
	struct nlut_report r, b;
	double mhz = 0.0;
	int c, json = 0, baseline = 0, ret = NLUT_EXIT_FAIL;
	char tmp[] = "/tmp/nlut-report-XXXXXX", dir[4096], policy[32], *end;

	memset(&ro, 0, sizeof(ro));
	nlut_gen_opts_init(&ro.gen);
	optind = 1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const char *cache = NULL;
	int no_cache = 0;

	ro.jobs = ncpu > 0 && ncpu < 256 ? (unsigned)ncpu : 1;
	while ((c = getopt_long(argc, argv, "hj:", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
		case 'j':
			errno = 0;
			long jv = strtol(optarg, &end, 10);

			if (errno || *end || end == optarg || jv < 0 || jv > 256)
				return tool_usage_error(prog, "--jobs '%s': expected 0 to 256", optarg);
			ro.jobs = (unsigned)jv;
			break;
		case 'C':
			cache = optarg;
			break;
		case 'N':
			no_cache = 1;
			break;
		case 'c':
			errno = 0;
			mhz = strtod(optarg, &end);
			if (errno || *end || !(mhz > 0 && mhz < 1e5))
				return tool_usage_error(prog, "--clock-mhz '%s': expected a frequency in MHz",
							optarg);
			break;
		case 's':
			if (nlut_stages_parse(optarg, &ro.gen.stages))
				return tool_usage_error(prog, "--stages: %s", nlut_gen_error_detail());
			break;
		case 'b':
			baseline = 1;
			break;
		case 'O':
			json = 1;
			break;
		case 'g':
			svg = optarg;
			break;
		case 'w':
			workdir = optarg;
			break;
		case 'y':
			yosys = optarg;
			break;
		case 'S':
			shell = 1;
			break;
		case 'r':
			rtl = optarg;
			break;
		case 'h':
			help(prog);
			return NLUT_EXIT_OK;
		default:
			return tool_usage_error(prog, "bad option");
		}
	}
	if (argc - optind != 1)
		return tool_usage_error(prog, "expected one MODEL argument");
	if (mhz == 0.0)
		mhz = ro.gen.stages.fmax_mhz ? ro.gen.stages.fmax_mhz : 300.0;
	const char *path = argv[optind];
	nlut_model *m;
	char id[NLUT_ID_STR_SIZE];
	int err = nlut_model_load(path, &m);

	if (err)
		return tool_fail(prog, err, "cannot load model");
	nlut_model_id(m, id);
	if (!workdir) {
		if (!mkdtemp(tmp)) {
			nlut_model_free(m);
			fprintf(stderr, "%s: cannot create a work directory: %s\n", prog, strerror(errno));
			return NLUT_EXIT_FAIL;
		}
	} else if (mkdir(workdir, 0777) && errno != EEXIST) {
		nlut_model_free(m);
		fprintf(stderr, "%s: %s: cannot create: %s\n", prog, workdir, strerror(errno));
		return NLUT_EXIT_FAIL;
	}
	const char *base = workdir ? workdir : tmp;

	ro.yosys = yosys;
	char cache_buf[4096];

	if (!no_cache && !cache) {
		const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

		if (x && *x)
			snprintf(cache_buf, sizeof(cache_buf), "%s/nlut/report", x);
		else if (home && *home)
			snprintf(cache_buf, sizeof(cache_buf), "%s/.cache/nlut/report", home);
		else
			cache_buf[0] = '\0';
		cache = cache_buf[0] ? cache_buf : NULL;
	}
	ro.cache_dir = no_cache ? NULL : cache;
	struct report_job jobs[2];
	pthread_t th;
	int started = 0;

	for (int k = 0; k < 1 + baseline; k++) {
		jobs[k].m = m;
		jobs[k].ro = ro;
		jobs[k].r = k ? &b : &r;
		jobs[k].err = 0;
		jobs[k].detail[0] = '\0';
		snprintf(jobs[k].dir, sizeof(jobs[k].dir), "%s/%s", base, k ? "logicnets" : "nlut");
		mkdir(jobs[k].dir, 0777);
		jobs[k].ro.workdir = jobs[k].dir;
	}
	if (baseline) {
		jobs[1].ro.gen.style = NLUT_GEN_STYLE_LOGICNETS;
		started = !pthread_create(&th, NULL, report_job_run, &jobs[1]);
		if (!started)
			report_job_run(&jobs[1]);
	}
	report_job_run(&jobs[0]);
	if (started)
		pthread_join(th, NULL);
	for (int k = 0; k < 1 + baseline; k++)
		if (jobs[k].err) {
			err = jobs[k].err;
			fprintf(stderr, "%s: %s: %s%s (%s)\n", prog, path, k ? "baseline: " : "",
				jobs[k].detail, nlut_strerror(err));
			goto out;
		}
	if (shell) {
		struct nlut_shell_report_opts so = { 0 };

		snprintf(dir, sizeof(dir), "%s/shell", base);
		mkdir(dir, 0777);
		so.rtl_dir = rtl ? rtl : default_rtl(rtl_buf, sizeof(rtl_buf));
		so.yosys = yosys;
		so.workdir = dir;
		if ((err = nlut_report_shell(m, &so, &sr))) {
			fprintf(stderr, "%s: %s: shell: %s (%s)\n", prog, path, nlut_gen_error_detail(),
				nlut_strerror(err));
			goto out;
		}
	}
	nlut_stages_format(&ro.gen.stages, policy, sizeof(policy));
	if (json) {
		printf("{\"model\":\"%s\",\"identity\":\"%s\",\"stages\":\"%s\",\"clock_mhz\":%g,"
		       "\"nlut\":", path, id, policy, mhz);
		json_side(&r, mhz);
		if (baseline) {
			printf(",\"baseline\":");
			json_side(&b, mhz);
		}
		if (shell) {
			printf(",\"shell\":{");
			json_part("controller", &sr.ctrl);
			printf(",");
			json_part("shell", &sr.shell);
			printf("}");
		}
		printf("}\n");
	} else {
		print_text(path, id, &r, baseline ? &b : NULL, policy, mhz);
		if (shell)
			print_shell(&sr);
	}
	if (svg && write_svg(svg, &r, baseline ? &b : NULL)) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog, svg, strerror(errno));
		goto out;
	}
	ret = NLUT_EXIT_OK;
out:
	if (!workdir)
		nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nlut_model_free(m);
	return ret;
}
