/* test_board.c - board descriptions: a boards folder with an entry that has
 * no board.def, long lines, 32-bit numbers and clock_mhz. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <nlut/nlut.h>

#include "board.h"

#define DIR NLUT_TEST_TMPDIR "/boards_t"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_entry_without_def(void **state)
{
	struct nlut_board b;
	struct nlut_board_info *l;
	size_t n;

	(void)state;
	mkdir(NLUT_TEST_TMPDIR, 0777);
	mkdir(DIR, 0777);
	mkdir(DIR "/good", 0777);
	mkdir(DIR "/empty", 0777); /* a valid name, no board.def */
	write_file(DIR "/good/board.def", "transport = golden\ndescription = a board\n");
	/* Listing skips the entry; loading it names the boards that exist. This
	 * recursed without end before (load -> list -> load ...). */
	assert_int_equal(nlut_board_list(DIR, &l, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(l[0].name, "good");
	free(l);
	assert_int_equal(nlut_board_load(DIR, "empty", &b), NLUT_ERROR_NOT_FOUND);
	assert_non_null(strstr(nlut_error_detail(), "known boards: good"));
	assert_int_equal(nlut_board_load(DIR, "Bad!", &b), NLUT_ERROR_NOT_FOUND);
	assert_non_null(strstr(nlut_error_detail(), "known boards: good"));
}

static int parse(const char *text, struct nlut_board *b)
{
	memset(b, 0, sizeof(*b));
	return nlut_board_parse(text, strlen(text), "t/board.def", b);
}

static void test_long_line(void **state)
{
	struct nlut_board b;
	char text[1200];

	(void)state;
	/* 600 bytes of description: once split, its tail "s_bytes = 1" was a key. */
	int k = snprintf(text, sizeof(text), "transport = golden\ndescription = ");

	memset(text + k, 'x', 600 - 11);
	snprintf(text + k + 589, sizeof(text) - (size_t)k - 589, "s_bytes = 1\n");
	assert_int_equal(parse(text, &b), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_error_detail(), "t/board.def:2: line longer than 511 bytes"));
	assert_null(nlut_board_get(&b, "s_bytes"));
}

static void test_numbers(void **state)
{
	struct nlut_board b;

	(void)state;
	assert_int_equal(parse("transport = golden\nboard_id = 0xffffffff\nclock_mhz = 250.5\n", &b), 0);
	assert_int_equal(b.board_id, 0xffffffffu);
	assert_true(b.clock_mhz == 250.5);
	assert_int_equal(parse("transport = golden\nboard_id = 0x1ffffffff\n", &b),
			 NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_error_detail(), "does not fit in 32 bits"));
	static const char *const clocks[] = { "fast", "0", "-100", "1e9", "nan", "100MHz", "inf" };

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "transport = golden\nclock_mhz = %s\n", clocks[i]);
		if (parse(text, &b) != NLUT_ERROR_INVALID_PARAM)
			fail_msg("clock_mhz = %s accepted", clocks[i]);
		assert_non_null(strstr(nlut_error_detail(), "clock_mhz"));
	}
	/* An empty value is no value. */
	assert_int_equal(parse("transport =\n", &b), NLUT_ERROR_INVALID_PARAM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_without_def),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
