/* board.c - reading board descriptions: boards/<name>/board.def holds
 * "key = value" lines (name, description, transport, board_id, clock_mhz
 * and transport-specific keys). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "board.h"
#include "internal.h"

static int is_dir(const char *p)
{
	struct stat st;

	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *nlut_boards_dir(const char *dir)
{
	const char *env = getenv("NLUT_BOARDS_DIR");

	if (dir && *dir)
		return dir;
	if (env && *env)
		return env;
#ifdef NLUT_INSTALL_BOARDS_DIR
	if (is_dir(NLUT_INSTALL_BOARDS_DIR))
		return NLUT_INSTALL_BOARDS_DIR;
#endif
#ifdef NLUT_SOURCE_BOARDS_DIR
	return NLUT_SOURCE_BOARDS_DIR;
#else
	return "boards";
#endif
}

static int name_ok(const char *n)
{
	if (!n || !*n || strlen(n) >= 64)
		return 0;
	for (; *n; n++)
		if (!islower((unsigned char)*n) && !isdigit((unsigned char)*n) && *n != '-' && *n != '_')
			return 0;
	return 1;
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

const char *nlut_board_get(const struct nlut_board *b, const char *key)
{
	for (unsigned i = 0; i < b->n_kv; i++)
		if (!strcmp(b->kv[i].key, key))
			return b->kv[i].value;
	return NULL;
}

int nlut_board_get_uint(const struct nlut_board *b, const char *key, unsigned long def,
			unsigned long *out)
{
	const char *v = nlut_board_get(b, key);
	char *end;

	if (!v) {
		*out = def;
		return NLUT_SUCCESS;
	}
	errno = 0;
	*out = strtoul(v, &end, 0);
	if (errno || *end || !isdigit((unsigned char)*v))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "board %s: %s = '%s' is not a number",
				 b->name, key, v);
	return NLUT_SUCCESS;
}

/* Board descriptions are a few lines: refuse a file larger than this. */
#define BOARD_DEF_MAX_BYTES 65536u

static int parse(const char *text, size_t n, const char *path, struct nlut_board *b)
{
	char line[512];
	unsigned no = 0;
	size_t at = 0;

	while (at < n) {
		const char *nl = memchr(text + at, '\n', n - at);
		size_t len = (nl ? (size_t)(nl - text) : n) - at;
		char *p = line, *eq, *k, *v;

		no++;
		if (len >= sizeof(line))
			return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%s:%u: line longer than %zu bytes",
					 path, no, sizeof(line) - 1);
		memcpy(line, text + at, len);
		line[len] = '\0';
		at += len + (nl != NULL);
		if (strlen(line) != len)
			return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%s:%u: NUL byte in the line", path, no);
		if ((eq = strchr(p, '#')))
			*eq = '\0';
		p = trim(p);
		if (!*p)
			continue;
		if (!(eq = strchr(p, '=')))
			return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%s:%u: expected 'key = value'", path, no);
		*eq = '\0';
		k = trim(p);
		v = trim(eq + 1);
		if (!*k || !*v || strlen(k) >= sizeof(b->kv[0].key) || strlen(v) >= sizeof(b->kv[0].value))
			return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%s:%u: key or value too long or empty",
					 path, no);
		if (nlut_board_get(b, k))
			return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%s:%u: '%s' given twice", path, no, k);
		if (b->n_kv >= NLUT_BOARD_MAX_KEYS)
			return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%s:%u: too many keys", path, no);
		strcpy(b->kv[b->n_kv].key, k);
		strcpy(b->kv[b->n_kv].value, v);
		b->n_kv++;
	}
	return NLUT_SUCCESS;
}

int nlut_board_parse(const char *text, size_t n, const char *path, struct nlut_board *b)
{
	int err = parse(text, n, path, b);

	if (err)
		return err;
	const char *t = nlut_board_get(b, "transport"), *d = nlut_board_get(b, "description");

	if (!t || strlen(t) >= sizeof(b->transport))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%s: no valid 'transport' key", path);
	strcpy(b->transport, t);
	snprintf(b->description, sizeof(b->description), "%s", d ? d : "");
	unsigned long id;

	if ((err = nlut_board_get_uint(b, "board_id", 0, &id)))
		return err;
	if (id > UINT32_MAX)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%s: board_id = %s does not fit in 32 bits",
				 path, nlut_board_get(b, "board_id"));
	b->board_id = (uint32_t)id;
	const char *mhz = nlut_board_get(b, "clock_mhz");

	b->clock_mhz = 0.0;
	if (mhz) {
		char *end;

		errno = 0;
		b->clock_mhz = strtod(mhz, &end);
		if (errno || *end || end == mhz || !(b->clock_mhz > 0.0 && b->clock_mhz <= 10000.0))
			return nlut_fail(NLUT_ERROR_INVALID_PARAM,
					 "%s: clock_mhz = '%s' is not a clock in MHz (0 < f <= 10000)",
					 path, mhz);
	}
	return NLUT_SUCCESS;
}

static int list_names(const char *dir, char *buf, size_t len)
{
	struct nlut_board_info *l;
	size_t n, at = 0;

	buf[0] = '\0';
	if (nlut_board_list(dir, &l, &n))
		return 0;
	for (size_t i = 0; i < n && at + 2 < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", l[i].name);
	free(l);
	return (int)n;
}

/* Load one board; with known, a failure lists the boards that do load (the
 * listing itself loads each entry without it: no recursion). */
static int load(const char *boards_dir, const char *name, struct nlut_board *b, int known_on_error)
{
	const char *dir = nlut_boards_dir(boards_dir);
	char path[700];
	FILE *f;
	int err;

	memset(b, 0, sizeof(*b));
	if (!name_ok(name)) {
		char known[400] = "";

		if (known_on_error)
			list_names(dir, known, sizeof(known));
		return nlut_fail(NLUT_ERROR_NOT_FOUND, "'%s' is not a board name (known boards: %s)",
				 name ? name : "", known[0] ? known : "none");
	}
	snprintf(b->dir, sizeof(b->dir), "%s/%s", dir, name);
	snprintf(path, sizeof(path), "%s/board.def", b->dir);
	if (!(f = fopen(path, "r"))) {
		char known[400] = "";

		if (known_on_error)
			list_names(dir, known, sizeof(known));
		return nlut_fail(NLUT_ERROR_NOT_FOUND, "no board '%s' in %s (known boards: %s)", name,
				 dir, known[0] ? known : "none");
	}
	snprintf(b->name, sizeof(b->name), "%s", name);
	char *text = malloc(BOARD_DEF_MAX_BYTES + 1);
	size_t n = text ? fread(text, 1, BOARD_DEF_MAX_BYTES + 1, f) : 0;

	if (!text)
		err = nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
	else if (ferror(f))
		err = nlut_fail(NLUT_ERROR_IO, "%s: read error", path);
	else if (n > BOARD_DEF_MAX_BYTES)
		err = nlut_fail(NLUT_ERROR_INVALID_PARAM, "%s: larger than %u bytes", path,
				BOARD_DEF_MAX_BYTES);
	else
		err = nlut_board_parse(text, n, path, b);
	free(text);
	fclose(f);
	return err;
}

int nlut_board_load(const char *boards_dir, const char *name, struct nlut_board *b)
{
	return load(boards_dir, name, b, 1);
}

static int cmp_info(const void *a, const void *b)
{
	return strcmp(((const struct nlut_board_info *)a)->name,
		      ((const struct nlut_board_info *)b)->name);
}

NLUT_API int nlut_board_list(const char *boards_dir, struct nlut_board_info **list, size_t *n)
{
	const char *dir = nlut_boards_dir(boards_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 16;

	if (!list || !n)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "list or n is NULL");
	*list = NULL;
	*n = 0;
	if (!d)
		return nlut_fail(NLUT_ERROR_NOT_FOUND, "%s: cannot open board folder: %s", dir,
				 strerror(errno));
	struct nlut_board_info *l = malloc(cap * sizeof(*l));

	while (l && (e = readdir(d))) {
		struct nlut_board b;

		if (!name_ok(e->d_name) || load(dir, e->d_name, &b, 0))
			continue;
		if (*n == cap) {
			struct nlut_board_info *nl = realloc(l, 2 * cap * sizeof(*l));

			if (!nl)
				break;
			l = nl;
			cap *= 2;
		}
		snprintf(l[*n].name, sizeof(l[*n].name), "%s", b.name);
		snprintf(l[*n].transport, sizeof(l[*n].transport), "%s", b.transport);
		snprintf(l[*n].description, sizeof(l[*n].description), "%s", b.description);
		(*n)++;
	}
	closedir(d);
	if (!l)
		return nlut_fail(NLUT_ERROR_NO_MEM, "board list");
	qsort(l, *n, sizeof(*l), cmp_info);
	*list = l;
	return NLUT_SUCCESS;
}
