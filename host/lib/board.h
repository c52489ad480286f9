/* board.h - board descriptions (boards/<name>/board.def), private to libnlut. */
#ifndef NLUT_BOARD_H
#define NLUT_BOARD_H

#include <nlut/device.h>

#define NLUT_BOARD_MAX_KEYS 48

struct nlut_board {
	char name[64];
	char transport[16];
	char description[160];
	char dir[512];           /* the board's folder */
	uint32_t board_id;
	double clock_mhz;
	unsigned n_kv;
	struct {
		char key[32];
		char value[256];
	} kv[NLUT_BOARD_MAX_KEYS];
};

/* The folder of board descriptions: dir if given, else $NLUT_BOARDS_DIR,
 * else the installed folder, else the source tree's boards/. */
const char *nlut_boards_dir(const char *dir);

/* Load <boards_dir>/<name>/board.def. Unknown name: NLUT_ERROR_NOT_FOUND
 * with the known names in the detail. */
int nlut_board_load(const char *boards_dir, const char *name, struct nlut_board *b);

/* Parse the n bytes of a board.def (path for messages) into b, which the
 * caller zeroed and named: keys, transport, board_id (32 bits), clock_mhz. */
int nlut_board_parse(const char *text, size_t n, const char *path, struct nlut_board *b);

/* Value of a key of the description, or NULL. */
const char *nlut_board_get(const struct nlut_board *b, const char *key);
/* Unsigned value of a key; def when absent; error when malformed. */
int nlut_board_get_uint(const struct nlut_board *b, const char *key, unsigned long def,
			unsigned long *out);

#endif /* NLUT_BOARD_H */
