/* config.c - the trainer's settings: defaults, "key = value" files, checks. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

static const char *const keys[] = {
	"train", "test", "label_col", "test_rows", "test_split", "split_seed", "val_rows", "val_percent",
	"image", "pool", "augment_shift", "quant_fit", "quant_clip",
	"layers", "fan_in", "in_bits", "hidden_bits", "out_bits",
	"neuron_depth", "neuron_width", "skip", "connectivity", "window",
	"epochs", "batch", "ghost", "lr", "lr_min", "warmup", "weight_decay",
	"bn_momentum", "schedule", "seed", "threads", "output", "name",
	"neuron", "thermometer", "tau", "rewire",
	"train_labels", "test_labels",
	"degree", "adder", "sub_bits", "prune",
	"lut_input", "lut_cost", "dense_frac",
	"learn_map", "map_window", "augment_flip", "map_epochs", "lut_blocks",
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

void nlut_train_config_init(struct nlut_train_config *c)
{
	memset(c, 0, sizeof(*c));
	c->label_col = NLUT_LABEL_LAST;
	c->val_percent = 10.0;
	c->split_seed = 1;
	c->pool = 1;
	c->quant_fit = NLUT_QFIT_GLOBAL;
	c->in_bits = 2;
	c->hidden_bits = 2;
	c->out_bits = 4;
	c->depth = 2;
	c->sub_width = 16;
	c->skip = 1;
	c->conn = NLUT_CONN_RANDOM;
	c->epochs = 30;
	c->batch = 256;
	c->ghost = 64;
	c->lr = 0.01;
	c->lr_min = 0.0;
	c->bn_momentum = 0.1;
	c->sched = NLUT_SCHED_COSINE;
	c->seed = 1;
	c->thermometer = 1;
	c->degree = 2;
	c->sub_bits = 4;
	c->dense_frac = 6;
	snprintf(c->output, sizeof(c->output), "model.nlut");
}

int nlut_train_config_has_key(const char *key)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (!strcmp(keys[i], key))
			return 1;
	return 0;
}

static int parse_u32(const char *v, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long x;

	if (!*v || *v == '-' || *v == '+')
		return -1;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x < min || x > max)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

static int parse_f(const char *v, double min, double max, double *out)
{
	char *end;
	double x;

	if (!*v)
		return -1;
	errno = 0;
	x = strtod(v, &end);
	if (errno || *end || !isfinite(x) || x < min || x > max)
		return -1;
	*out = x;
	return 0;
}

/* "a,b,c" of numbers in [min, max]. */
static int parse_list(const char *v, uint32_t min, uint32_t max, uint32_t *out,
		      uint32_t *n)
{
	char buf[1024], *save, *tok;
	uint32_t k = 0;

	if (strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		if (k >= NLUT_MAX_LAYERS || parse_u32(tok, min, max, &out[k]))
			return -1;
		k++;
	}
	if (!k)
		return -1;
	*n = k;
	return 0;
}

/* A text value must read back the same from a config file (the model's
 * train.config): no control characters, no blanks at either end and no
 * '#' after a blank, which starts a comment there. */
static int text_ok(const char *v, const char *where, const char *key)
{
	size_t n = strlen(v);

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch < 0x20 || ch == 0x7f)
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "%s: %s: control character 0x%02x in the value", where, key, ch);
		if (ch == '#' && (!i || isspace((unsigned char)v[i - 1])))
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "%s: %s: '#' after a blank would start a comment in a config file",
				       where, key);
	}
	if (n && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1])))
		return nt_fail(NLUT_ERROR_INVALID_PARAM, "%s: %s: blanks around the value", where, key);
	return NLUT_SUCCESS;
}

static int set_path(char *dst, const char *v, const char *where, const char *key)
{
	int rc;

	if (strlen(v) >= NLUT_TRAIN_PATH_MAX)
		return nt_fail(NLUT_ERROR_INVALID_PARAM, "%s: %s: path too long", where, key);
	if ((rc = text_ok(v, where, key)))
		return rc;
	strcpy(dst, v);
	return NLUT_SUCCESS;
}

#define BAD(what) nt_fail(NLUT_ERROR_INVALID_PARAM, "%s: %s = '%s': " what, where, key, v)

int nlut_train_config_set(struct nlut_train_config *c, const char *key,
			  const char *v, const char *where)
{
	double d;

	nt_clear_error();
	if (!where)
		where = "config";
	if (!strcmp(key, "train"))
		return set_path(c->train_path, v, where, key);
	if (!strcmp(key, "test"))
		return set_path(c->test_path, v, where, key);
	if (!strcmp(key, "train_labels"))
		return set_path(c->train_labels, v, where, key);
	if (!strcmp(key, "test_labels"))
		return set_path(c->test_labels, v, where, key);
	if (!strcmp(key, "output"))
		return set_path(c->output, v, where, key);
	if (!strcmp(key, "name")) {
		int rc;

		if (strlen(v) >= sizeof(c->name))
			return BAD("too long");
		if ((rc = text_ok(v, where, key)))
			return rc;
		strcpy(c->name, v);
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "label_col")) {
		uint32_t x;

		if (!strcmp(v, "last"))
			c->label_col = NLUT_LABEL_LAST;
		else if (parse_u32(v, 0, 1u << 20, &x))
			return BAD("expected a column number or 'last'");
		else
			c->label_col = (int)x;
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "test_rows"))
		return parse_u32(v, 0, UINT32_MAX, &c->test_rows) ? BAD("expected a row count") : 0;
	if (!strcmp(key, "test_split")) {
		if (!strcmp(v, "tail"))
			c->test_random = 0;
		else if (!strcmp(v, "random"))
			c->test_random = 1;
		else
			return BAD("expected 'tail' or 'random'");
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "split_seed") || !strcmp(key, "seed")) {
		char *end;
		unsigned long long x;

		errno = 0;
		if (!*v || *v == '-' || *v == '+')
			return BAD("expected an unsigned 64-bit number");
		x = strtoull(v, &end, 10);
		if (errno || *end)
			return BAD("expected an unsigned 64-bit number");
		if (key[0] == 's' && key[1] == 'p')
			c->split_seed = x;
		else
			c->seed = x;
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "val_rows"))
		return parse_u32(v, 0, UINT32_MAX, &c->val_rows) ? BAD("expected a row count") : 0;
	if (!strcmp(key, "val_percent"))
		return parse_f(v, 0, 90, &c->val_percent) ? BAD("expected a percentage 0..90") : 0;
	if (!strcmp(key, "image")) {
		unsigned w, h;
		char tail;

		if (sscanf(v, "%ux%u%c", &w, &h, &tail) != 2 || !w || !h || w > 65536 || h > 65536)
			return BAD("expected WIDTHxHEIGHT, e.g. 28x28");
		c->image_w = w;
		c->image_h = h;
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "pool"))
		return parse_u32(v, 1, 64, &c->pool) ? BAD("expected 1..64") : 0;
	if (!strcmp(key, "augment_shift"))
		return parse_u32(v, 0, 8, &c->augment_shift) ? BAD("expected 0..8 pixels") : 0;
	if (!strcmp(key, "augment_flip"))
		return parse_u32(v, 0, 1, &c->augment_flip) ? BAD("expected 0 or 1") : 0;
	if (!strcmp(key, "quant_fit")) {
		if (!strcmp(v, "global"))
			c->quant_fit = NLUT_QFIT_GLOBAL;
		else if (!strcmp(v, "feature"))
			c->quant_fit = NLUT_QFIT_FEATURE;
		else
			return BAD("expected 'global' or 'feature'");
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "quant_clip"))
		return parse_f(v, 0, 0.25, &c->quant_clip) ? BAD("expected a fraction 0..0.25") : 0;
	if (!strcmp(key, "layers"))
		return parse_list(v, 1, NLUT_MAX_NEURONS, c->width, &c->n_layers) ?
		       BAD("expected up to 64 comma-separated widths, e.g. 64,32,10") : 0;
	if (!strcmp(key, "fan_in"))
		return parse_list(v, 1, NLUT_MAX_FAN_IN, c->fan_in, &c->n_fan_in) ?
		       BAD("expected fan-ins 1..32, one or one per layer") : 0;
	if (!strcmp(key, "in_bits"))
		return parse_u32(v, 1, 16, &c->in_bits) ? BAD("expected 1..16") : 0;
	if (!strcmp(key, "hidden_bits"))
		return parse_u32(v, 1, 16, &c->hidden_bits) ? BAD("expected 1..16") : 0;
	if (!strcmp(key, "out_bits"))
		return parse_u32(v, 1, 16, &c->out_bits) ? BAD("expected 1..16") : 0;
	if (!strcmp(key, "neuron_depth"))
		return parse_u32(v, 0, NLUT_TRAIN_MAX_DEPTH, &c->depth) ? BAD("expected 0..8") : 0;
	if (!strcmp(key, "neuron_width"))
		return parse_u32(v, 1, NLUT_TRAIN_MAX_WIDTH, &c->sub_width) ? BAD("expected 1..64") : 0;
	if (!strcmp(key, "skip")) {
		uint32_t x;

		if (parse_u32(v, 0, 1, &x))
			return BAD("expected 0 or 1");
		c->skip = (int)x;
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "connectivity")) {
		if (!strcmp(v, "random"))
			c->conn = NLUT_CONN_RANDOM;
		else if (!strcmp(v, "local"))
			c->conn = NLUT_CONN_LOCAL;
		else
			return BAD("expected 'random' or 'local'");
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "window"))
		return parse_u32(v, 0, 65536, &c->window) ? BAD("expected a window side") : 0;
	if (!strcmp(key, "epochs"))
		return parse_u32(v, 0, 100000, &c->epochs) ? BAD("expected 0..100000") : 0;
	if (!strcmp(key, "batch"))
		return parse_u32(v, 2, 1u << 16, &c->batch) ? BAD("expected 2..65536") : 0;
	if (!strcmp(key, "ghost"))
		return parse_u32(v, 2, 1u << 16, &c->ghost) ? BAD("expected 2..65536") : 0;
	if (!strcmp(key, "lr"))
		return parse_f(v, 0, 10, &c->lr) ? BAD("expected a rate 0..10") : 0;
	if (!strcmp(key, "lr_min"))
		return parse_f(v, 0, 10, &c->lr_min) ? BAD("expected a rate 0..10") : 0;
	if (!strcmp(key, "warmup"))
		return parse_f(v, 0, 1e5, &c->warmup) ? BAD("expected epochs >= 0") : 0;
	if (!strcmp(key, "weight_decay"))
		return parse_f(v, 0, 1, &c->weight_decay) ? BAD("expected 0..1") : 0;
	if (!strcmp(key, "bn_momentum"))
		return parse_f(v, 1e-6, 1, &c->bn_momentum) ? BAD("expected (0, 1]") : 0;
	if (!strcmp(key, "schedule")) {
		if (!strcmp(v, "cosine"))
			c->sched = NLUT_SCHED_COSINE;
		else if (!strcmp(v, "step"))
			c->sched = NLUT_SCHED_STEP;
		else if (!strcmp(v, "const"))
			c->sched = NLUT_SCHED_CONST;
		else
			return BAD("expected 'cosine', 'step' or 'const'");
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "neuron")) {
		if (!strcmp(v, "net"))
			c->neuron = NLUT_TRAIN_NEURON_NET;
		else if (!strcmp(v, "lut"))
			c->neuron = NLUT_TRAIN_NEURON_LUT;
		else if (!strcmp(v, "poly"))
			c->neuron = NLUT_TRAIN_NEURON_POLY;
		else if (!strcmp(v, "dense"))
			c->neuron = NLUT_TRAIN_NEURON_DENSE;
		else
			return BAD("expected 'net', 'lut', 'poly' or 'dense'");
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "degree"))
		return parse_u32(v, 1, NLUT_TRAIN_MAX_DEGREE, &c->degree) ? BAD("expected 1..4") : 0;
	if (!strcmp(key, "adder"))
		return parse_u32(v, 0, NLUT_MAX_SUBTABLES, &c->adder) ?
		       BAD("expected 0..16 sub-neurons (0 = no adder)") : 0;
	if (!strcmp(key, "sub_bits"))
		return parse_u32(v, 1, 16, &c->sub_bits) ? BAD("expected 1..16") : 0;
	if (!strcmp(key, "prune"))
		return parse_u32(v, 0, 100000, &c->prune) ? BAD("expected epochs between prune/regrow rounds, 0 = none") : 0;
	if (!strcmp(key, "lut_cost"))
		return parse_f(v, 0, 1e6, &c->lut_cost) ? BAD("expected a weight >= 0") : 0;
	if (!strcmp(key, "dense_frac"))
		return parse_u32(v, 1, 16, &c->dense_frac) ? BAD("expected 1..16 fraction bits") : 0;
	if (!strcmp(key, "thermometer"))
		return parse_u32(v, 1, 255, &c->thermometer) ? BAD("expected 1..255 thresholds") : 0;
	if (!strcmp(key, "rewire"))
		return parse_u32(v, 0, 100000, &c->rewire) ? BAD("expected epochs between rewirings, 0 = none") : 0;
	if (!strcmp(key, "tau"))
		return parse_f(v, 0, 1e6, &c->tau) ? BAD("expected a temperature >= 0 (0 = auto)") : 0;
	if (!strcmp(key, "learn_map"))
		return parse_u32(v, 0, NLUT_MAX_LAYERS, &c->learn_map) ?
		       BAD("expected the number of leading layers that learn their mapping, 0 = none") : 0;
	if (!strcmp(key, "map_window"))
		return parse_u32(v, 0, 65536, &c->map_window) ? BAD("expected a window side, 0 = every input bit") : 0;
	if (!strcmp(key, "lut_blocks"))
		return parse_u32(v, 0, 64, &c->lut_blocks) ? BAD("expected 0..64 members, 0 or 1 = one network") : 0;
	if (!strcmp(key, "map_epochs"))
		return parse_u32(v, 0, 100000, &c->map_epochs) ? BAD("expected epochs, 0 = all of them") : 0;
	if (!strcmp(key, "lut_input")) {
		if (!strcmp(v, "thermometer"))
			c->lut_code = 0;
		else if (!strcmp(v, "code"))
			c->lut_code = 1;
		else
			return BAD("expected 'thermometer' or 'code'");
		return NLUT_SUCCESS;
	}
	if (!strcmp(key, "threads"))
		return parse_u32(v, 0, 256, &c->threads) ? BAD("expected 0..256 (0 = all CPUs)") : 0;
	(void)d;
	return nt_fail(NLUT_ERROR_INVALID_PARAM, "%s: unknown key '%s'", where, key);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int nlut_train_config_parse(struct nlut_train_config *c, const char *text, size_t n,
			    const char *name)
{
	char line[4096], where[NLUT_TRAIN_PATH_MAX + 32];
	unsigned lineno = 0, seen[N_KEYS] = { 0 };
	size_t at = 0;

	nt_clear_error();
	if (!name)
		name = "config";
	while (at < n) {
		const char *nl = memchr(text + at, '\n', n - at);
		size_t len = (nl ? (size_t)(nl - text) : n) - at;
		char *s, *eq, *hash;
		int rc;

		lineno++;
		snprintf(where, sizeof(where), "%s:%u", name, lineno);
		if (len >= sizeof(line))
			return nt_fail(NLUT_ERROR_INVALID_PARAM, "%s: line too long", where);
		memcpy(line, text + at, len);
		line[len] = '\0';
		at += len + (nl != NULL);
		if (strlen(line) != len)
			return nt_fail(NLUT_ERROR_INVALID_PARAM, "%s: NUL byte in the line", where);
		/* A comment starts at a '#' that begins the line or follows a
		 * blank, so a path may hold one ("run#2/data.csv"). */
		for (hash = line; (hash = strchr(hash, '#')); hash++)
			if (hash == line || isspace((unsigned char)hash[-1])) {
				*hash = '\0';
				break;
			}
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq)
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "%s: expected 'key = value', got '%s'", where, s);
		*eq = '\0';
		s = trim(s);
		for (size_t k = 0; k < N_KEYS; k++)
			if (!strcmp(keys[k], s)) {
				if (seen[k])
					return nt_fail(NLUT_ERROR_INVALID_PARAM,
						       "%s: '%s' given twice (first on line %u)", where, s,
						       seen[k]);
				seen[k] = lineno;
			}
		rc = nlut_train_config_set(c, s, trim(eq + 1), where);
		if (rc)
			return rc;
	}
	return NLUT_SUCCESS;
}

/* Config files are small: refuse anything larger than this before reading. */
#define CONFIG_MAX_BYTES (1u << 20)

int nlut_train_config_load(struct nlut_train_config *c, const char *path)
{
	FILE *f;
	char *buf;
	size_t n;
	int rc;

	nt_clear_error();
	if (!(f = fopen(path, "r")))
		return nt_fail(NLUT_ERROR_IO, "%s: %s", path, strerror(errno));
	if (!(buf = malloc(CONFIG_MAX_BYTES + 1))) {
		fclose(f);
		return nt_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
	}
	n = fread(buf, 1, CONFIG_MAX_BYTES + 1, f);
	if (ferror(f))
		rc = nt_fail(NLUT_ERROR_IO, "%s: read error", path);
	else if (n > CONFIG_MAX_BYTES)
		rc = nt_fail(NLUT_ERROR_INVALID_PARAM, "%s: larger than %u bytes; not a config file",
			     path, CONFIG_MAX_BYTES);
	else
		rc = nlut_train_config_parse(c, buf, n, path);
	free(buf);
	fclose(f);
	return rc;
}

uint32_t nt_ceil_log2(uint32_t n)
{
	uint32_t b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

/* Monomials of f variables of degree 1..d: C(f + d, d) - 1. */
uint64_t nt_monomials(uint32_t f, uint32_t d)
{
	uint64_t c = 1;

	for (uint32_t i = 1; i <= d; i++)
		c = c * (f + i) / i;
	return c - 1;
}

/* Fan-in of layer l: the l-th value given, else the last one. */
uint32_t nt_fan_in(const struct nlut_train_config *c, uint32_t l)
{
	if (!c->n_fan_in)
		return 6;
	return c->fan_in[l < c->n_fan_in ? l : c->n_fan_in - 1];
}

uint64_t nlut_train_config_table_bytes(const struct nlut_train_config *c)
{
	uint64_t sum = 0;

	for (uint32_t l = 0; l < c->n_layers; l++) {
		uint32_t f = nt_fan_in(c, l), in = l ? c->hidden_bits : c->in_bits;
		uint32_t out = l + 1 == c->n_layers ? c->out_bits : c->hidden_bits;
		uint64_t addr;

		if (c->neuron == NLUT_TRAIN_NEURON_LUT)
			in = out = 1; /* binary LUT layers: one-bit codes in and out */
		if (c->adder && c->neuron != NLUT_TRAIN_NEURON_LUT) {
			/* A sub-tables of sub_bits entries, the output table, the
			 * sub-tables' input lists. */
			uint64_t sa = (uint64_t)f * in, oa = c->sub_bits + nt_ceil_log2(c->adder);

			if (sa > 40 || oa > 40)
				return UINT64_MAX;
			sum += (uint64_t)c->width[l] *
			       (8 + 5ull * f * c->adder + 2ull * c->adder +
				((uint64_t)c->adder * (c->sub_bits > 8 ? 2 : 1) << sa) +
				((uint64_t)(out > 8 ? 2 : 1) << oa));
			continue;
		}
		addr = (uint64_t)f * in;
		if (addr > 40)
			return UINT64_MAX; /* refused by the table-size check anyway */
		/* A neuron: kind, width, fan-in, sources and their widths, table. */
		sum += (uint64_t)c->width[l] * (4 + 5ull * f + ((uint64_t)(out > 8 ? 2 : 1) << addr));
	}
	return sum;
}

/* The batch and the image options every kind of neuron shares. */
static int check_batch_image(const struct nlut_train_config *c)
{
	if (c->batch % c->ghost)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "batch: %u is not a multiple of ghost = %u", c->batch, c->ghost);
	if (c->pool > 1 && (!c->image_w || c->image_w % c->pool || c->image_h % c->pool))
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "pool: %u needs image = WxH with sides divisible by it", c->pool);
	if (c->augment_shift && !c->image_w)
		return nt_fail(NLUT_ERROR_INVALID_PARAM, "augment_shift needs image = WxH");
	if (c->augment_flip && !c->image_w)
		return nt_fail(NLUT_ERROR_INVALID_PARAM, "augment_flip needs image = WxH");
	return NLUT_SUCCESS;
}

/* neuron = dense: every neuron reads the whole layer below (at most
 * NLUT_MAX_DENSE_FAN_IN; the features are counted when the data is read),
 * tables over codes of at most 8 bits, and a shift F - (b - 1) >= 0 for
 * every output width b. */
static int check_dense(const struct nlut_train_config *c)
{
	uint32_t ob = c->hidden_bits > c->out_bits ? c->hidden_bits : c->out_bits;

	if (c->adder || c->prune)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "%s: LUT-Dense layers (neuron = dense) have no %s", c->adder ? "adder" : "prune",
			       c->adder ? "adder sub-neurons" : "prune rounds (zero-bit edges prune them)");
	if (c->in_bits > 8 || c->hidden_bits > 8 || c->out_bits > 8)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "neuron = dense: in_bits, hidden_bits and out_bits are at most 8");
	if (c->dense_frac + 1 < ob)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "dense_frac: %u fraction bits cannot shift to a %u-bit output (at least %u)",
			       c->dense_frac, ob, ob - 1);
	for (uint32_t l = 1; l < c->n_layers; l++)
		if (c->width[l - 1] > NLUT_MAX_DENSE_FAN_IN)
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "layers: layer %u has %u neurons; a LUT-Dense neuron reads at most %u",
				       l - 1, c->width[l - 1], NLUT_MAX_DENSE_FAN_IN);
	return check_batch_image(c);
}

int nlut_train_config_check(const struct nlut_train_config *c)
{
	int rc;

	nt_clear_error();
	if (!c->train_path[0])
		return nt_fail(NLUT_ERROR_INVALID_PARAM, "train: no training data file given");
	if (!c->n_layers)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "layers: no layer widths given (e.g. layers = 64,32,10)");
	if (c->n_fan_in > c->n_layers)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "fan_in: %u values for %u layers", c->n_fan_in, c->n_layers);
	if (c->adder && c->neuron == NLUT_TRAIN_NEURON_LUT)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "adder: binary LUT neurons (neuron = lut) have no adder");
	if (c->neuron == NLUT_TRAIN_NEURON_DENSE)
		return check_dense(c);
	if (c->prune && c->neuron == NLUT_TRAIN_NEURON_LUT)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "prune: binary LUT neurons use rewire, not prune");
	/* An adder's output table: sub_bits + ceil(log2 adder) <= 16 + 4 address
	 * bits, always within a table's 24. */
	for (uint32_t l = 0; l < c->n_layers; l++) {
		uint32_t f = nt_fan_in(c, l);
		uint32_t bits = l ? c->hidden_bits : c->in_bits;
		uint32_t a = c->adder && c->neuron != NLUT_TRAIN_NEURON_LUT ? c->adder : 1;

		if (c->neuron == NLUT_TRAIN_NEURON_POLY &&
		    nt_monomials(f, c->degree) > NLUT_TRAIN_MAX_MONOMIALS)
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "degree: layer %u: fan-in %u at degree %u has %llu monomials; at most %u",
				       l, f, c->degree,
				       (unsigned long long)nt_monomials(f, c->degree),
				       NLUT_TRAIN_MAX_MONOMIALS);
		if (a * f > NLUT_MAX_FAN_IN)
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "adder: layer %u: %u sub-neurons x fan-in %u = %u inputs; a neuron has at most %u",
				       l, a, f, a * f, NLUT_MAX_FAN_IN);
		if (a > 1 && ((l && a * f > c->width[l - 1])))
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "adder: layer %u reads %u x %u = %u inputs but layer %u has only %u neurons",
				       l, a, f, a * f, l - 1, c->width[l - 1]);

		if (c->neuron == NLUT_TRAIN_NEURON_LUT) {
			/* One-bit inputs: the table has 2^f entries. */
			if (f > 8)
				return nt_fail(NLUT_ERROR_INVALID_PARAM,
					       "fan_in: layer %u has fan-in %u; a binary LUT neuron has at most 8",
					       l, f);
			bits = 1;
		}

		if (l && f > c->width[l - 1])
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "fan_in: layer %u has fan-in %u but layer %u has only %u neurons",
				       l, f, l - 1, c->width[l - 1]);
		if (f * bits > NLUT_MAX_TABLE_BITS)
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "layer %u: fan-in %u x %u bits = %u address bits; a table has at most %u",
				       l, f, bits, f * bits, NLUT_MAX_TABLE_BITS);
	}
	/* The model must fit the format before any data is read or trained:
	 * its tables alone (no inputs, no metadata) are a lower bound. */
	uint64_t bytes = nlut_train_config_table_bytes(c);

	if (bytes > NLUT_MAX_FILE_SIZE)
		return nt_fail(NLUT_ERROR_TOO_LARGE,
			       "layers: the model's tables alone take %.1f MiB; a model file holds at most %u MiB (fewer neurons, a smaller fan_in or fewer bits)",
			       (double)bytes / 1048576.0, NLUT_MAX_FILE_SIZE >> 20);
	if ((rc = check_batch_image(c)))
		return rc;
	if (c->lut_code && c->thermometer != 1)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "lut_input = code: layer 0 reads the codes' bits; thermometer = %u does not apply",
			       c->thermometer);
	if (c->lut_code && c->neuron == NLUT_TRAIN_NEURON_LUT && nt_fan_in(c, 0) % c->in_bits)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "lut_input = code: layer 0's fan_in %u is not a multiple of in_bits = %u",
			       nt_fan_in(c, 0), c->in_bits);
	if (c->conn == NLUT_CONN_LOCAL && !c->image_w)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "connectivity = local needs image = WxH");
	if (c->learn_map && c->neuron != NLUT_TRAIN_NEURON_LUT)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "learn_map: only binary LUT neurons (neuron = lut) learn their mapping");
	if (c->learn_map > c->n_layers)
		return nt_fail(NLUT_ERROR_INVALID_PARAM, "learn_map: %u layers of %u", c->learn_map,
			       c->n_layers);
	if (c->learn_map && c->rewire)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "learn_map: a learned mapping is not rewired (set rewire = 0)");
	if (c->lut_blocks > 1 && (c->neuron != NLUT_TRAIN_NEURON_LUT || c->n_layers < 2))
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "lut_blocks: needs neuron = lut and at least 2 layers");
	if (c->lut_blocks > 1 && (c->learn_map > 1 || c->rewire))
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "lut_blocks: layers after the first keep their members' mapping (learn_map at most 1, rewire = 0)");
	if (c->map_epochs && !c->learn_map)
		return nt_fail(NLUT_ERROR_INVALID_PARAM, "map_epochs: needs learn_map");
	if (c->map_window && (c->conn != NLUT_CONN_LOCAL || !c->learn_map))
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "map_window: needs learn_map and connectivity = local");
	return NLUT_SUCCESS;
}

/* Appending printf into a growing buffer. */
struct sbuf {
	char *s;
	size_t len, cap;
	int oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap + (size_t)n) * 2;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->oom = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

/* The shortest decimal that reads back as exactly x. */
static const char *dbl(char out[32], double x)
{
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(out, 32, "%.*g", prec, x);
		if (strtod(out, NULL) == x)
			break;
	}
	return out;
}

static void sb_list(struct sbuf *b, const char *key, const uint32_t *v, uint32_t n)
{
	sb_printf(b, "%s = ", key);
	for (uint32_t i = 0; i < n; i++)
		sb_printf(b, "%s%u", i ? "," : "", v[i]);
	sb_printf(b, "\n");
}

char *nlut_train_config_dump(const struct nlut_train_config *c)
{
	static const char *const conn[] = { "random", "local" };
	static const char *const neuron[] = { "net", "lut", "poly", "dense" };
	static const char *const sched[] = { "cosine", "step", "const" };
	static const char *const qfit[] = { "global", "feature" };
	struct sbuf b = { 0 };

	b.cap = 1024;
	b.s = malloc(b.cap);
	if (!b.s)
		return NULL;
	b.s[0] = '\0';
	if (c->train_path[0])
		sb_printf(&b, "train = %s\n", c->train_path);
	if (c->train_labels[0])
		sb_printf(&b, "train_labels = %s\n", c->train_labels);
	if (c->test_path[0])
		sb_printf(&b, "test = %s\n", c->test_path);
	if (c->test_labels[0])
		sb_printf(&b, "test_labels = %s\n", c->test_labels);
	if (c->label_col == NLUT_LABEL_LAST)
		sb_printf(&b, "label_col = last\n");
	else
		sb_printf(&b, "label_col = %d\n", c->label_col);
	if (c->test_random)
		sb_printf(&b, "test_split = random\nsplit_seed = %llu\n",
			  (unsigned long long)c->split_seed);
	char g[5][32];

	sb_printf(&b, "test_rows = %u\nval_rows = %u\nval_percent = %s\n",
		  c->test_rows, c->val_rows, dbl(g[0], c->val_percent));
	if (c->image_w)
		sb_printf(&b, "image = %ux%u\n", c->image_w, c->image_h);
	if (c->augment_shift)
		sb_printf(&b, "augment_shift = %u\n", c->augment_shift);
	if (c->augment_flip)
		sb_printf(&b, "augment_flip = %u\n", c->augment_flip);
	sb_printf(&b, "pool = %u\nquant_fit = %s\nquant_clip = %s\n", c->pool,
		  qfit[c->quant_fit], dbl(g[0], c->quant_clip));
	if (c->n_layers)
		sb_list(&b, "layers", c->width, c->n_layers);
	if (c->n_fan_in)
		sb_list(&b, "fan_in", c->fan_in, c->n_fan_in);
	sb_printf(&b, "in_bits = %u\nhidden_bits = %u\nout_bits = %u\n", c->in_bits,
		  c->hidden_bits, c->out_bits);
	sb_printf(&b, "neuron_depth = %u\nneuron_width = %u\nskip = %d\n", c->depth,
		  c->sub_width, c->skip);
	sb_printf(&b, "connectivity = %s\nwindow = %u\n", conn[c->conn], c->window);
	/* The binary-LUT keys whenever one is set, so that the dump reads back
	 * as the same settings even where they do not apply. */
	if (c->neuron != NLUT_TRAIN_NEURON_NET || c->thermometer != 1 || c->tau != 0 || c->rewire)
		sb_printf(&b, "neuron = %s\nthermometer = %u\ntau = %s\nrewire = %u\n",
			  neuron[c->neuron], c->thermometer, dbl(g[0], c->tau), c->rewire);
	/* The PolyLUT / adder / SparseLUT keys likewise. */
	if (c->neuron == NLUT_TRAIN_NEURON_POLY || c->degree != 2 || c->adder ||
	    c->sub_bits != 4 || c->prune)
		sb_printf(&b, "degree = %u\nadder = %u\nsub_bits = %u\nprune = %u\n", c->degree,
			  c->adder, c->sub_bits, c->prune);
	if (c->lut_code)
		sb_printf(&b, "lut_input = code\n");
	if (c->neuron == NLUT_TRAIN_NEURON_DENSE || c->lut_cost != 0 || c->dense_frac != 6)
		sb_printf(&b, "lut_cost = %s\ndense_frac = %u\n", dbl(g[0], c->lut_cost),
			  c->dense_frac);
	if (c->learn_map || c->map_window)
		sb_printf(&b, "learn_map = %u\nmap_window = %u\n", c->learn_map, c->map_window);
	if (c->map_epochs)
		sb_printf(&b, "map_epochs = %u\n", c->map_epochs);
	if (c->lut_blocks)
		sb_printf(&b, "lut_blocks = %u\n", c->lut_blocks);
	sb_printf(&b, "epochs = %u\nbatch = %u\nghost = %u\n", c->epochs, c->batch, c->ghost);
	sb_printf(&b, "lr = %s\nlr_min = %s\nwarmup = %s\nweight_decay = %s\nbn_momentum = %s\n",
		  dbl(g[0], c->lr), dbl(g[1], c->lr_min), dbl(g[2], c->warmup),
		  dbl(g[3], c->weight_decay), dbl(g[4], c->bn_momentum));
	sb_printf(&b, "schedule = %s\nseed = %llu\n", sched[c->sched],
		  (unsigned long long)c->seed);
	if (c->name[0])
		sb_printf(&b, "name = %s\n", c->name);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
