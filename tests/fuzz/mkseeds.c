/* mkseeds.c - write the fuzz targets' seed corpora from the project's own
 * data: mkseeds OUT SHARED_DATA EXAMPLES BOARDS writes OUT/corpus_<target>/
 * for idx, npy, csv, wire, board, config and verilog (MNIST slices, the
 * example CSV in every element type and layout the readers take, frames of
 * every wire type, the board descriptions, the example configs and the
 * LogicNets-style Verilog of small models). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlut/nlut.h>
#include <nlut_gen.h>

#include "data_internal.h"
#include "random_model.h"
#include "vlayout.h"

static const char *out_root;

static void die(const char *what)
{
	fprintf(stderr, "mkseeds: %s: %s\n", what, nlut_error_detail());
	exit(1);
}

static void stream_copies(const char *target, const char *name, const uint8_t *p, size_t n);

static void put(const char *target, const char *name, const void *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/corpus_%s", out_root, target);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/corpus_%s/%s", out_root, target, name);
	if (!(f = fopen(path, "wb")) || fwrite(p, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "mkseeds: cannot write %s\n", path);
		exit(1);
	}
	stream_copies(target, name, p, n);
}

/* ---- stream: fuzz_stream's three option bytes, a file, maybe labels ---- */

static void stream_seed(const char *name, uint8_t s0, uint8_t s1, uint8_t s2, const uint8_t *p,
			size_t n, const uint8_t *lab, size_t lab_n)
{
	static const char sep[] = "#LABELS#";
	size_t len = 3 + n + (lab ? sizeof(sep) - 1 + lab_n : 0);
	uint8_t *b = malloc(len);

	if (!b)
		exit(1);
	b[0] = s0;
	b[1] = s1;
	b[2] = s2;
	memcpy(b + 3, p, n);
	if (lab) {
		memcpy(b + 3 + n, sep, sizeof(sep) - 1);
		memcpy(b + 3 + n + sizeof(sep) - 1, lab, lab_n);
	}
	put("stream", name, b, len);
	free(b);
}

/* Every dataset seed as it is and gzip-compressed (two members for CSV). */
static void stream_copies(const char *target, const char *name, const uint8_t *p, size_t n)
{
	char sname[256];
	int csv = !strcmp(target, "csv");

	if (!csv && strcmp(target, "idx") && strcmp(target, "npy"))
		return;
	if (csv && !n)
		return;
	snprintf(sname, sizeof(sname), "%s-%s", target, name);
	if (csv)
		stream_seed(sname, 0x02, p[0], 0x13, p + 1, n - 1, NULL, 0);
	else
		stream_seed(sname, 0x00, 0x00, 0x13, p, n, NULL, 0);
	snprintf(sname, sizeof(sname), "%s-%s.gz", target, name);
	if (csv)
		stream_seed(sname, 0x02 | 0x04 | 0x08, p[0], 0x61, p + 1, n - 1, NULL, 0);
	else
		stream_seed(sname, 0x04, 0x00, 0x61, p, n, NULL, 0);
}

/* A seed's bytes back from its folder (NULL when it was not written). */
static uint8_t *seed_bytes(const char *target, const char *name, size_t *n)
{
	char path[1024];
	uint8_t *b;

	snprintf(path, sizeof(path), "%s/corpus_%s/%s", out_root, target, name);
	if (access(path, R_OK) || nlut_data_slurp(path, 1u << 20, &b, n))
		return NULL;
	return b;
}

/* Data with its labels file: by labels_path and by name, plain and gzip. */
static void stream_pair(const char *target, const char *x_name, const char *y_name,
			const char *name)
{
	size_t xn, yn;
	uint8_t *x = seed_bytes(target, x_name, &xn), *y = seed_bytes(target, y_name, &yn);
	char sname[256];

	if (x && y) {
		snprintf(sname, sizeof(sname), "%s-path", name);
		stream_seed(sname, 0x00, 0x00, 0x05, x, xn, y, yn);
		snprintf(sname, sizeof(sname), "%s-name", name);
		stream_seed(sname, 0x80, 0x00, 0x42, x, xn, y, yn);
		snprintf(sname, sizeof(sname), "%s-gz", name);
		stream_seed(sname, 0x04 | 0x08 | 0x20, 0x00, 0x27, x, xn, y, yn);
	}
	free(x);
	free(y);
}

static void copy_file(const char *target, const char *name, const char *src)
{
	uint8_t *b;
	size_t n;

	if (nlut_data_slurp(src, 1u << 20, &b, &n))
		die(src);
	put(target, name, b, n);
	free(b);
}

/* ---- IDX: slices of MNIST and small arrays of every element type ---- */

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void idx_slice(const char *data_dir, const char *file, size_t rows, const char *name)
{
	char path[1024];
	uint8_t *b;
	size_t n, hdr, row = 1;

	snprintf(path, sizeof(path), "%s/mnist/%s", data_dir, file);
	if (nlut_data_slurp(path, 64u << 20, &b, &n)) {
		/* The shared data is optional: the typed arrays still seed IDX. */
		fprintf(stderr, "mkseeds: note: %s\n", nlut_error_detail());
		return;
	}
	hdr = 4 + 4 * (size_t)b[3];
	for (unsigned d = 1; d < b[3]; d++)
		row *= ((size_t)b[4 + 4 * d] << 24 | (size_t)b[5 + 4 * d] << 16 |
			(size_t)b[6 + 4 * d] << 8 | b[7 + 4 * d]);
	be32(b + 4, (uint32_t)rows);
	put("idx", name, b, hdr + rows * row);
	free(b);
}

static void idx_typed(uint8_t code, unsigned size, unsigned rank, const char *name)
{
	uint8_t b[4 + 12 + 2 * 3 * 8 + 8];
	size_t n = 4 + 4 * rank, cells = rank == 1 ? 2 : 6;

	memset(b, 0, sizeof(b));
	b[2] = code;
	b[3] = (uint8_t)rank;
	be32(b + 4, 2);
	if (rank > 1)
		be32(b + 8, 3);
	if (rank > 2)
		be32(b + 12, 1);
	for (size_t i = 0; i < cells * size; i++)
		b[n + i] = (uint8_t)(i * 37 + 1);
	put("idx", name, b, n + cells * size);
}

/* ---- npy: the example CSV's first rows in every dtype and layout ---- */

static void npy(const char *descr, int fortran, unsigned major, const char *shape,
		const void *data, size_t n, const char *name)
{
	char hdr[256], file[4096];
	size_t pre = major == 1 ? 10 : 12, len;

	len = (size_t)snprintf(hdr, sizeof(hdr), "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }",
			       descr, fortran ? "True" : "False", shape);
	while ((pre + len + 1) % 64)
		hdr[len++] = ' ';
	hdr[len++] = '\n';
	memcpy(file, "\x93NUMPY", 6);
	file[6] = (char)major;
	file[7] = 0;
	if (major == 1) {
		file[8] = (char)len;
		file[9] = (char)(len >> 8);
	} else {
		file[8] = (char)len;
		file[9] = (char)(len >> 8);
		file[10] = file[11] = 0;
	}
	memcpy(file + pre, hdr, len);
	memcpy(file + pre + len, data, n);
	put("npy", name, file, pre + len + n);
}

static void npy_seeds(const struct nlut_dataset *d)
{
	enum { R = 3, C = 8 };
	float f4[R * C], f4t[R * C];
	double f8[R * C];
	uint8_t u1[R * C], b1[R * C];
	int16_t i2be[R * C];
	int64_t i8[R];

	for (size_t r = 0; r < R; r++) {
		for (size_t c = 0; c < C; c++) {
			float v = d->x[r * d->n_features + c];
			uint16_t s = (uint16_t)(int16_t)v;

			f4[r * C + c] = v;
			f4t[c * R + r] = v;
			f8[r * C + c] = v;
			u1[r * C + c] = (uint8_t)v;
			b1[r * C + c] = v != 0;
			i2be[r * C + c] = (int16_t)(s >> 8 | s << 8);
		}
		i8[r] = d->labels ? d->labels[r] : 0;
	}
	npy("<f4", 0, 1, "(3, 8)", f4, sizeof(f4), "f4.npy");
	npy("<f4", 1, 1, "(3, 8)", f4t, sizeof(f4t), "f4-fortran.npy");
	npy("<f8", 0, 2, "(3, 8)", f8, sizeof(f8), "f8-v2.npy");
	npy("|u1", 0, 3, "(3, 8)", u1, sizeof(u1), "u1-v3.npy");
	npy("|b1", 0, 1, "(3, 8)", b1, sizeof(b1), "b1.npy");
	npy(">i2", 0, 1, "(3, 8)", i2be, sizeof(i2be), "i2-be.npy");
	npy("<i8", 0, 1, "(3,)", i8, sizeof(i8), "labels-i8.npy");
}

/* ---- CSV: the example's first lines; byte 0 picks the reader's options ---- */

static void csv(uint8_t sel, const char *text, size_t n, const char *name)
{
	char *b = malloc(n + 1);

	if (!b)
		exit(1);
	b[0] = (char)sel;
	memcpy(b + 1, text, n);
	put("csv", name, b, n + 1);
	free(b);
}

static void csv_seeds(const char *examples)
{
	char path[1024];
	uint8_t *b;
	size_t n, cut = 0;

	snprintf(path, sizeof(path), "%s/digits-test.csv", examples);
	if (nlut_data_slurp(path, 1u << 20, &b, &n))
		die(path);
	for (int lines = 0; cut < n && lines < 4; cut++)
		lines += b[cut] == '\n';
	csv(0x00, (char *)b, cut, "digits-auto.csv");
	csv(0x10 | 0x02, (char *)b, cut, "digits-label0-header.csv");
	csv(0x20 | 0x80, (char *)b, cut, "digits-nolabel-max3.csv");
	static const char hdr[] = "a;b;\"c\";label\r\n1;2.5;-3e2;0\r\n4;5;6;1\r\n";
	csv(0x08, hdr, sizeof(hdr) - 1, "header-semicolon-crlf.csv");
	static const char tab[] = "1\t2\t\"3\"\t1\n\n0.5\t-1\t7\t2\n";
	csv(0x0c, tab, sizeof(tab) - 1, "tab-blank-line.csv");
	static const char bad[] = "x,y,label\n1,nan,0\n2,1e39,1\n";
	csv(0x00, bad, sizeof(bad) - 1, "bad-values.csv");
	free(b);
}

/* ---- wire: one frame of each type, back to back, with noise between ---- */

static void wire_seeds(void)
{
	static uint8_t b[4 * (NLUT_WIRE_OVERHEAD + 64) + 16];
	uint8_t pay[64];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(pay); i++)
		pay[i] = (uint8_t)(i * 7);
	n = nlut_wire_encode(NLUT_WIRE_REG_READ, 1, pay, 4, b);
	put("wire", "reg-read", b, n);
	n = nlut_wire_encode(NLUT_WIRE_VECTORS, 2, pay, 64, b);
	put("wire", "vectors", b, n);
	n = nlut_wire_encode(NLUT_WIRE_RESULTS, 3, pay, 16, b);
	b[n++] = NLUT_WIRE_SYNC0;
	b[n++] = 0x00;
	b[n++] = NLUT_WIRE_SYNC0;
	n += nlut_wire_encode(NLUT_WIRE_REG_WRITE, 4, pay, 8, b + n);
	n += nlut_wire_encode(NLUT_WIRE_ERROR, 5, pay, 0, b + n);
	put("wire", "results-noise-write-error", b, n);
	n = nlut_wire_encode(NLUT_WIRE_VECTORS, 6, pay, 32, b);
	b[20] ^= 1; /* bad CRC, then a good frame */
	n += nlut_wire_encode(NLUT_WIRE_REG_VALUE, 7, pay, 8, b + n);
	put("wire", "bad-crc-then-good", b, n);
}

/* ---- board.def, train configs: copies of the project's files ---- */

static void copy_dir(const char *target, const char *dir, const char *suffix, int sub)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "mkseeds: cannot open %s\n", dir);
		exit(1);
	}
	while ((e = readdir(d))) {
		char path[1024], name[300];
		size_t l = strlen(e->d_name), s = strlen(suffix);

		if (e->d_name[0] == '.')
			continue;
		if (sub) {
			snprintf(path, sizeof(path), "%s/%s/%s", dir, e->d_name, suffix);
			snprintf(name, sizeof(name), "%s.def", e->d_name);
			struct stat st;

			if (stat(path, &st) || !S_ISREG(st.st_mode))
				continue;
		} else {
			if (l < s || strcmp(e->d_name + l - s, suffix))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			snprintf(name, sizeof(name), "%s", e->d_name);
		}
		copy_file(target, name, path);
	}
	closedir(d);
}

/* ---- Verilog: LogicNets-style output of small models, in one file ---- */

/* Every .v file of dir in one seed OUT/corpus_verilog/NAME.v, the top file
 * last, as a reader would meet it; the rest in folder order. */
static void concat_dir(const char *dir, const char *top_file, const char *seed_name)
{
	struct dirent *e;
	DIR *d;
	char *all = NULL;
	size_t n = 0;

	for (int pass = 0; pass < 2; pass++) {
		if (!(d = opendir(dir)))
			exit(1);
		while ((e = readdir(d))) {
			char path[2048];
			size_t l = strlen(e->d_name);
			uint8_t *b;
			size_t k;

			if (l < 3 || strcmp(e->d_name + l - 2, ".v") ||
			    !strcmp(e->d_name, top_file) != !pass)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (nlut_data_slurp(path, 16u << 20, &b, &k))
				die(path);
			/* A newline between files: LogicNets ends its layer
			 * files with `endmodule` and no newline. */
			if (!(all = realloc(all, n + k + 2)))
				exit(1);
			memcpy(all + n, b, k);
			n += k;
			all[n++] = '\n';
			free(b);
		}
		closedir(d);
	}
	char name[64];

	snprintf(name, sizeof(name), "%s.v", seed_name);
	put("verilog", name, all, n);
	free(all);
}

static void verilog_seed(const char *shape_name, const struct rm_spec *sp, uint64_t seed)
{
	char dir[1024];
	nlut_model *m = rm_build(sp, seed);
	struct nlut_gen_opts o;

	if (!m)
		die("rm_build");
	snprintf(dir, sizeof(dir), "%s/verilog_%s", out_root, shape_name);
	nlut_gen_opts_init(&o);
	o.style = NLUT_GEN_STYLE_LOGICNETS;
	if (nlut_gen_write(m, &o, dir, NULL)) {
		fprintf(stderr, "mkseeds: gen: %s\n", nlut_gen_error_detail());
		exit(1);
	}
	nlut_model_free(m);
	concat_dir(dir, "logicnet.v", shape_name);
}

/* The layouts other generators write (tests/common/vlayout.h), each in one
 * file: an ensemble of two members (two tops: refused), one member alone
 * (prefixed modules, top logicnet_0), address/data neuron ports,
 * PolyLUT-Add (layer<k> of sub-tables, adder<k>, top polylut_add, an
 * `assign` between layers), and a stale deeper layer beside the top. */
static void layout_seeds(void)
{
	struct rm_spec sp = { .n_inputs = 6, .in_bits = 1, .n_layers = 2, .width = { 4, 2 },
			      .fan_in = { 3, 2 }, .out_bits = { 1, 2 } };
	struct rm_spec pa = { .n_inputs = 4, .in_bits = 2, .n_layers = 2, .width = { 4, 2 },
			      .fan_in = { 2, 2 }, .out_bits = { 2, 2 } };
	const struct vl_style ens0 = { "ens0_", "logicnet_0", "M0", "M1", 0, 0 };
	const struct vl_style ens1 = { "ens1_", "logicnet_1", "M0", "M1", 0, 0 };
	const struct vl_style ad = { "", "logicnet", "address", "data", 0, 0 };
	const struct vl_style poly = { "", "polylut_add", "M0", "M1", 1, 1 };
	nlut_model *a = rm_build(&sp, 3), *b = rm_build(&sp, 4), *p = rm_build(&pa, 5);
	char dir[1024];

	if (!a || !b || !p)
		die("rm_build");
	/* PolyLUT-Add's adder neuron j reads its sub-tables 2j and 2j + 1. */
	const struct nlut_layer *L1 = nlut_model_layer(p, 1);

	for (uint32_t j = 0; j < L1->n_neurons; j++) {
		uint32_t src[2] = { 2 * j, 2 * j + 1 };

		if (nlut_model_set_neuron(p, 1, j, 2, src, L1->neurons[j].out_bits,
					  L1->neurons[j].table))
			die("adder layer");
	}
	snprintf(dir, sizeof(dir), "%s/verilog_member", out_root);
	if (mkdir(dir, 0777) || vl_write(a, dir, &ens0))
		die(dir);
	concat_dir(dir, "logicnet_0.v", "member");
	if (vl_write(b, dir, &ens1))
		die(dir);
	concat_dir(dir, "logicnet_1.v", "ensemble");
	snprintf(dir, sizeof(dir), "%s/verilog_address_data", out_root);
	if (mkdir(dir, 0777) || vl_write(a, dir, &ad))
		die(dir);
	concat_dir(dir, "logicnet.v", "address_data");
	snprintf(dir, sizeof(dir), "%s/verilog_polylut_add", out_root);
	if (mkdir(dir, 0777) || vl_write(p, dir, &poly))
		die(dir);
	concat_dir(dir, "polylut_add.v", "polylut_add");
	/* A stale layer2 (layer1's widths) the top does not instantiate. */
	snprintf(dir, sizeof(dir), "%s/verilog_address_data/layer2.v", out_root);
	FILE *f = fopen(dir, "w");

	if (!f || fputs("module layer2 (input [3:0] M0, output [3:0] M1);\n"
			"layer1_N0 a (.address({M0[1], M0[0]}), .data(M1[1:0]));\n"
			"layer1_N1 b (.address({M0[3], M0[2]}), .data(M1[3:2]));\nendmodule\n", f) < 0 ||
	    fclose(f))
		die(dir);
	snprintf(dir, sizeof(dir), "%s/verilog_address_data", out_root);
	concat_dir(dir, "logicnet.v", "stale_layer");
	nlut_model_free(a);
	nlut_model_free(b);
	nlut_model_free(p);
}

int main(int argc, char **argv)
{
	struct nlut_data_opts o;
	struct nlut_dataset *d;
	char path[1024];

	if (argc != 5) {
		fprintf(stderr, "usage: mkseeds OUT SHARED_DATA EXAMPLES BOARDS\n");
		return 2;
	}
	out_root = argv[1];
	mkdir(out_root, 0777);
	idx_slice(argv[2], "t10k-images-idx3-ubyte.gz", 2, "mnist-images-2");
	idx_slice(argv[2], "t10k-labels-idx1-ubyte.gz", 8, "mnist-labels-8");
	idx_slice(argv[2], "t10k-labels-idx1-ubyte.gz", 2, "mnist-labels-2");
	idx_typed(0x09, 1, 2, "i8-2x3");
	idx_typed(0x0b, 2, 3, "i16-2x3x1");
	idx_typed(0x0c, 4, 1, "i32-2");
	idx_typed(0x0d, 4, 2, "f32-2x3");
	idx_typed(0x0e, 8, 2, "f64-2x3");

	nlut_data_opts_init(&o);
	o.max_rows = 3;
	snprintf(path, sizeof(path), "%s/digits-test.csv", argv[3]);
	if (nlut_data_load(path, &o, &d))
		die(path);
	npy_seeds(d);
	nlut_data_free(d);
	csv_seeds(argv[3]);
	stream_pair("idx", "mnist-images-2", "mnist-labels-2", "idx-mnist-labelled");
	stream_pair("idx", "f32-2x3", "i32-2", "idx-f32-labelled");
	stream_pair("npy", "f4.npy", "labels-i8.npy", "npy-f4-labelled");
	wire_seeds();
	copy_dir("board", argv[4], "board.def", 1);
	copy_dir("config", argv[3], ".cfg", 0);

	struct rm_spec sp = { .n_inputs = 4, .in_bits = 2, .n_layers = 2,
			      .width = { 3, 2 }, .fan_in = { 2, 2 }, .out_bits = { 2, 2 } };

	verilog_seed("small", &sp, 1);
	sp = (struct rm_spec){ .n_inputs = 6, .in_bits = 1, .n_layers = 3, .width = { 4, 3, 2 },
			       .fan_in = { 3, 2, 2 }, .out_bits = { 1, 2, 3 } };
	verilog_seed("deep", &sp, 2);
	layout_seeds();
	return 0;
}
