/* test_seed.h - the seed of a randomised test: NLUT_TEST_SEED or the clock,
 * always printed so a failure can be replayed. */
#ifndef NLUT_TEST_SEED_H
#define NLUT_TEST_SEED_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t test_seed(const char *test)
{
	const char *e = getenv("NLUT_TEST_SEED");
	uint64_t s = e ? strtoull(e, NULL, 0) : (uint64_t)time(NULL);

	printf("[ SEED     ] %s: NLUT_TEST_SEED=%llu\n", test, (unsigned long long)s);
	fflush(stdout);
	return s;
}

#endif /* NLUT_TEST_SEED_H */
