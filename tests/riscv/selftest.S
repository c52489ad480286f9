# selftest.S - checks the harness: with SELFTEST_FAIL it fails test 5, without it never writes tohost.
#include "nlut_test.h"

RVTEST_RV32U
RVTEST_CODE_BEGIN
#ifdef SELFTEST_FAIL
	TEST_CASE(5, a4, 2, li a4, 1)
#else
1:	j 1b
#endif
	TEST_PASSFAIL
RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
RVTEST_DATA_END
