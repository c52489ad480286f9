/* pareto_plot.c - the accuracy-per-LUT front: nlut's measured models (the
 * CSV bench/pareto.sh writes) beside the published points (a CSV with the
 * columns method, dataset, model, accuracy_pct, luts, counted), one panel
 * per dataset, accuracy against LUTs on a log scale. Prints the table and
 * writes an SVG.
 *
 *   pareto_plot RESULTS.csv PUBLISHED.csv OUT.svg
 *
 * RESULTS.csv columns: dataset, model, accuracy_pct, luts, ffs,
 * latency_cycles, train_s, load, identity (a header line first). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PTS 512
#define MAX_FIELDS 16
#define MAX_SETS 4

struct pt {
	char method[64], dataset[32], model[96], note[96];
	double acc, luts;
	int nlut;  /* measured here, else published */
	int front; /* on nlut's own front (no nlut model of its dataset is both
		    * smaller and at least as accurate) */
};

static struct pt pts[MAX_PTS];
static int n_pts;

/* Split one CSV line in place (double quotes allowed); returns the fields. */
static int split(char *s, char **f)
{
	int n = 0;

	s[strcspn(s, "\r\n")] = 0;
	while (n < MAX_FIELDS) {
		if (*s == '"') {
			char *w = ++s;

			f[n++] = w;
			while (*s && !(*s == '"' && s[1] != '"'))
				*w++ = *s == '"' ? (s++, '"') : *s, s++;
			if (*s)
				s++;
			*w = 0;
			s += strcspn(s, ",");
		} else {
			f[n++] = s;
			s += strcspn(s, ",");
		}
		if (*s != ',')
			break;
		*s++ = 0;
	}
	return n;
}

/* s into d[n], cut to fit. */
static void copy(char *d, size_t n, const char *s)
{
	size_t k = strlen(s);

	if (k >= n)
		k = n - 1;
	memcpy(d, s, k);
	d[k] = 0;
}

static int col(char **h, int nh, const char *name)
{
	for (int i = 0; i < nh; i++)
		if (!strcmp(h[i], name))
			return i;
	return -1;
}

/* Published points: the rows with LUTs and accuracy. */
static int read_published(const char *path)
{
	FILE *f = fopen(path, "r");
	char head[1024], line[1024], *h[MAX_FIELDS], *v[MAX_FIELDS];
	int nh, cm, cd, co, ca, cl, cc;

	if (!f) {
		fprintf(stderr, "pareto_plot: %s: cannot open\n", path);
		return -1;
	}
	if (!fgets(head, sizeof(head), f)) {
		fprintf(stderr, "pareto_plot: %s: empty\n", path);
		fclose(f);
		return -1;
	}
	nh = split(head, h);
	cm = col(h, nh, "method");
	cd = col(h, nh, "dataset");
	co = col(h, nh, "model");
	ca = col(h, nh, "accuracy_pct");
	cl = col(h, nh, "luts");
	cc = col(h, nh, "counted");
	if (cm < 0 || cd < 0 || co < 0 || ca < 0 || cl < 0) {
		fprintf(stderr, "pareto_plot: %s: needs columns method, dataset, model, accuracy_pct, luts\n",
			path);
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f) && n_pts < MAX_PTS) {
		int n = split(line, v);
		struct pt *p = &pts[n_pts];

		if (n <= cl || n <= ca || !*v[cl] || !*v[ca])
			continue;
		memset(p, 0, sizeof(*p));
		copy(p->method, sizeof(p->method), v[cm]);
		copy(p->dataset, sizeof(p->dataset), v[cd]);
		copy(p->model, sizeof(p->model), v[co]);
		if (cc >= 0 && n > cc)
			copy(p->note, sizeof(p->note), v[cc]);
		p->acc = atof(v[ca]);
		p->luts = atof(v[cl]);
		if (p->luts > 0)
			n_pts++;
	}
	fclose(f);
	return 0;
}

/* nlut's rows; prints the table as it goes. */
static int read_results(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024], *v[MAX_FIELDS];
	int rows = 0;

	if (!f) {
		fprintf(stderr, "pareto_plot: %s: cannot open\n", path);
		return -1;
	}
	printf("%-14s %-26s %9s %8s %8s %8s %10s %6s\n", "dataset", "model", "accuracy", "LUTs",
	       "FFs", "latency", "train", "load");
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		fprintf(stderr, "pareto_plot: %s: empty\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) && n_pts < MAX_PTS) {
		int n = split(line, v);
		struct pt *p = &pts[n_pts];

		if (n < 8) {
			fprintf(stderr, "pareto_plot: %s: a row has %d fields, expected 9\n", path, n);
			fclose(f);
			return -1;
		}
		memset(p, 0, sizeof(*p));
		copy(p->method, sizeof(p->method), "nlut");
		copy(p->dataset, sizeof(p->dataset), v[0]);
		copy(p->model, sizeof(p->model), v[1]);
		p->acc = atof(v[2]);
		p->luts = atof(v[3]);
		p->nlut = 1;
		printf("%-14s %-26s %8.2f%% %8s %8s %5s cy %9ss %6s\n", v[0], v[1], p->acc, v[3], v[4],
		       v[5], v[6], v[7]);
		if (p->luts > 0)
			n_pts++;
		rows++;
	}
	fclose(f);
	if (!rows)
		fprintf(stderr, "pareto_plot: %s: no models\n", path);
	return rows ? 0 : -1;
}

static void mark_front(void)
{
	for (int i = 0; i < n_pts; i++) {
		struct pt *p = &pts[i];

		p->front = p->nlut;
		for (int j = 0; j < n_pts && p->front; j++) {
			const struct pt *q = &pts[j];

			if (j != i && q->nlut && !strcmp(q->dataset, p->dataset) &&
			    q->luts <= p->luts && q->acc >= p->acc &&
			    (q->luts < p->luts || q->acc > p->acc))
				p->front = 0;
		}
	}
}

static const char *const colours[] = { "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
				       "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e", "#393b79",
				       "#637939", "#8c6d31", "#843c39", "#7b4173" };
#define N_COLOURS (sizeof(colours) / sizeof(colours[0]))

/* Colour of a published method: by its first appearance. */
static const char *method_colour(const char *m)
{
	char seen[32][64];
	int n = 0;

	for (int i = 0; i < n_pts && n < 32; i++) {
		int k;

		if (pts[i].nlut)
			continue;
		for (k = 0; k < n && strcmp(seen[k], pts[i].method); k++)
			;
		if (k == n)
			copy(seen[n++], 64, pts[i].method);
		if (!strcmp(seen[k], m))
			return colours[k % N_COLOURS];
	}
	return "#000000";
}

static void xml(FILE *o, const char *s)
{
	for (; *s; s++)
		if (*s == '<')
			fputs("&lt;", o);
		else if (*s == '>')
			fputs("&gt;", o);
		else if (*s == '&')
			fputs("&amp;", o);
		else
			fputc(*s, o);
}

#define PW 700.0 /* panel */
#define PH 440.0
#define ML 60.0 /* plot margins inside a panel */
#define MR 170.0 /* the legend */
#define MT 40.0
#define MB 50.0

static void panel(FILE *o, const char *ds, double x0)
{
	double lo = INFINITY, hi = 0, alo = INFINITY, ahi = -INFINITY;
	double w = PW - ML - MR, h = PH - MT - MB;

	for (int i = 0; i < n_pts; i++)
		if (!strcmp(pts[i].dataset, ds)) {
			lo = fmin(lo, pts[i].luts);
			hi = fmax(hi, pts[i].luts);
			alo = fmin(alo, pts[i].acc);
			ahi = fmax(ahi, pts[i].acc);
		}
	double d0 = floor(log10(lo)), d1 = ceil(log10(hi));

	if (d1 <= d0)
		d1 = d0 + 1;
	alo = floor(alo - 0.5);
	ahi = ceil(ahi + 0.5);
	double astep = ahi - alo > 8 ? 2.0 : ahi - alo > 4 ? 1.0 : 0.5;
#define X(v) (x0 + ML + (log10(v) - d0) / (d1 - d0) * w)
#define Y(a) (MT + (ahi - (a)) / (ahi - alo) * h)
	fprintf(o, "<g>\n<text x=\"%.1f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">", x0 + ML);
	xml(o, ds);
	fprintf(o, ": test accuracy against LUTs</text>\n");
	fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#000\"/>\n",
		x0 + ML, MT, w, h);
	for (double d = d0; d <= d1; d++) {
		for (int m = 1; m < 10 && (m == 1 || d < d1); m++) {
			double v = (double)m * pow(10.0, d), x = X(v);

			fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
				x, MT, x, MT + h, m == 1 ? "#bbb" : "#eee");
			if (m == 1)
				fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%.0f</text>\n",
					x, MT + h + 15, v);
		}
	}
	for (double a = alo; a <= ahi + 1e-9; a += astep) {
		fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			x0 + ML, Y(a), x0 + ML + w, Y(a));
		fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
			x0 + ML - 5, Y(a) + 4, a);
	}
	fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\">LUTs (log scale; nlut: nlut report, whole core)</text>\n",
		x0 + ML + w / 2, PH - 12);
	fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">test accuracy (%%)</text>\n",
		x0 + 16, MT + h / 2, x0 + 16, MT + h / 2);

	/* nlut's front: a step line through its undominated models, by LUTs. */
	int idx[MAX_PTS], nf = 0;

	for (int i = 0; i < n_pts; i++)
		if (pts[i].front && !strcmp(pts[i].dataset, ds))
			idx[nf++] = i;
	for (int i = 1; i < nf; i++)
		for (int j = i; j > 0 && pts[idx[j]].luts < pts[idx[j - 1]].luts; j--) {
			int tmp = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = tmp;
		}
	if (nf > 1) {
		fprintf(o, "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"");
		for (int i = 0; i < nf; i++) {
			const struct pt *p = &pts[idx[i]];

			if (i)
				fprintf(o, " %.1f,%.1f", X(p->luts), Y(pts[idx[i - 1]].acc));
			fprintf(o, " %.1f,%.1f", X(p->luts), Y(p->acc));
		}
		fprintf(o, "\"/>\n");
	}
	for (int i = 0; i < n_pts; i++) {
		const struct pt *p = &pts[i];
		double x = X(p->luts), y = Y(p->acc);

		if (strcmp(p->dataset, ds))
			continue;
		if (p->nlut)
			fprintf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#1f77b4\"/>\n", x, y);
		else
			fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\" transform=\"rotate(45 %.1f %.1f)\"/>\n",
				x - 4, y - 4, method_colour(p->method), x, y);
		if (!p->nlut)
			continue;
		fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"#1f77b4\">", x + 7,
			y + 3);
		xml(o, p->model);
		fprintf(o, " (%.2f%%, %.0f)</text>\n", p->acc, p->luts);
	}
	/* Legend: nlut, then each published method of this dataset. */
	double lx = x0 + ML + w + 12, ly = MT + 10;

	fprintf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#1f77b4\"/>\n", lx + 4, ly);
	fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">nlut (measured)</text>\n", lx + 14,
		ly + 4);
	for (int i = 0; i < n_pts; i++) {
		int k;

		if (pts[i].nlut || strcmp(pts[i].dataset, ds))
			continue;
		for (k = 0; k < i && (pts[k].nlut || strcmp(pts[k].dataset, ds) ||
				      strcmp(pts[k].method, pts[i].method));
		     k++)
			;
		if (k < i)
			continue; /* listed already */
		ly += 17;
		fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\" transform=\"rotate(45 %.1f %.1f)\"/>\n",
			lx, ly - 4, method_colour(pts[i].method), lx + 4, ly);
		fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", lx + 14, ly + 4);
		xml(o, pts[i].method);
		fprintf(o, "</text>\n");
	}
	if (ly == MT + 10) /* none listed */
		fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">no published points</text>\n",
			lx, ly + 21);
#undef X
#undef Y
	fprintf(o, "</g>\n");
}

int main(int argc, char **argv)
{
	char sets[MAX_SETS][32];
	int n_sets = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: pareto_plot RESULTS.csv PUBLISHED.csv OUT.svg\n");
		return 2;
	}
	if (read_results(argv[1]))
		return 1;
	int first_pub = n_pts;

	if (read_published(argv[2]))
		return 1;
	/* Panels: the datasets nlut measured, in order of appearance. */
	for (int i = 0; i < first_pub; i++) {
		int k;

		for (k = 0; k < n_sets && strcmp(sets[k], pts[i].dataset); k++)
			;
		if (k == n_sets && n_sets < MAX_SETS)
			copy(sets[n_sets++], 32, pts[i].dataset);
	}
	mark_front();
	printf("\nnlut's front (no smaller model as accurate):\n");
	for (int s = 0; s < n_sets; s++)
		for (int i = 0; i < first_pub; i++)
			if (pts[i].front && !strcmp(pts[i].dataset, sets[s]))
				printf("  %-14s %-26s %8.2f%% %8.0f LUTs\n", pts[i].dataset, pts[i].model,
				       pts[i].acc, pts[i].luts);
	printf("\npublished (%s):\n", argv[2]);
	for (int i = first_pub; i < n_pts; i++)
		for (int s = 0; s < n_sets; s++)
			if (!strcmp(pts[i].dataset, sets[s]))
				printf("  %-14s %-12s %-28.28s %8.2f%% %8.0f LUTs  %s\n", pts[i].dataset,
				       pts[i].method, pts[i].model, pts[i].acc, pts[i].luts, pts[i].note);

	FILE *o = fopen(argv[3], "w");

	if (!o) {
		fprintf(stderr, "pareto_plot: %s: cannot write\n", argv[3]);
		return 1;
	}
	double W = PW * n_sets, H = PH + 40;

	fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, sans-serif\">\n",
		W, H, W, H);
	fprintf(o, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	for (int s = 0; s < n_sets; s++)
		panel(o, sets[s], PW * s);
	const char *base = strrchr(argv[2], '/');

	fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">nlut: nlut eval accuracy, nlut report LUTs (whole core), its front as a line; published: %s (LUTs as each paper counts)</text>\n",
		ML, H - 12, base ? base + 1 : argv[2]);
	fprintf(o, "</svg>\n");
	if (fclose(o)) {
		fprintf(stderr, "pareto_plot: %s: write failed\n", argv[3]);
		return 1;
	}
	return 0;
}
