/* test_error.c - error codes, names, messages and the failure detail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <nlut/nlut.h>

static const int all_codes[] = {
	NLUT_SUCCESS, NLUT_ERROR_IO, NLUT_ERROR_INVALID_PARAM, NLUT_ERROR_NO_MEM,
	NLUT_ERROR_NOT_FOUND, NLUT_ERROR_BAD_MAGIC, NLUT_ERROR_VERSION, NLUT_ERROR_TRUNCATED,
	NLUT_ERROR_CHECKSUM, NLUT_ERROR_TOO_LARGE, NLUT_ERROR_MALFORMED, NLUT_ERROR_INCONSISTENT,
	NLUT_ERROR_UNSUPPORTED, NLUT_ERROR_DATA, NLUT_ERROR_TIMEOUT, NLUT_ERROR_NO_DEVICE,
	NLUT_ERROR_MODEL_MISMATCH, NLUT_ERROR_BUSY, NLUT_ERROR_PROTOCOL, NLUT_ERROR_INTERRUPTED,
	NLUT_ERROR_OTHER,
};

static void every_code_has_a_distinct_name_and_message(void **state)
{
	size_t n = sizeof(all_codes) / sizeof(all_codes[0]);

	for (size_t i = 0; i < n; i++) {
		assert_string_not_equal(nlut_error_name(all_codes[i]), "NLUT_ERROR_UNKNOWN");
		assert_string_not_equal(nlut_strerror(all_codes[i]), "unknown error");
		for (size_t k = 0; k < i; k++) {
			assert_string_not_equal(nlut_error_name(all_codes[i]),
						nlut_error_name(all_codes[k]));
			assert_string_not_equal(nlut_strerror(all_codes[i]),
						nlut_strerror(all_codes[k]));
		}
	}
	assert_string_equal(nlut_error_name(NLUT_ERROR_TRUNCATED), "NLUT_ERROR_TRUNCATED");
}

static void unknown_codes_are_named_unknown(void **state)
{
	assert_string_equal(nlut_error_name(-1234), "NLUT_ERROR_UNKNOWN");
	assert_string_equal(nlut_strerror(42), "unknown error");
}

static void failure_sets_detail_and_load_clears_it(void **state)
{
	nlut_model *m = (nlut_model *)1;

	assert_int_equal(nlut_model_load("/nonexistent/dir/x.nlut", &m), NLUT_ERROR_NOT_FOUND);
	assert_null(m);
	assert_non_null(strstr(nlut_error_detail(), "/nonexistent/dir/x.nlut"));
	assert_int_equal(nlut_model_load_mem("\x89NLT", 4, &m), NLUT_ERROR_TRUNCATED);
	assert_non_null(strstr(nlut_error_detail(), "4 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_code_has_a_distinct_name_and_message),
		cmocka_unit_test(unknown_codes_are_named_unknown),
		cmocka_unit_test(failure_sets_detail_and_load_clears_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
