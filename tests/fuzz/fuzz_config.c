/* fuzz_config.c - libFuzzer target for the trainer's config parser: any text
 * must parse or fail cleanly, and a config that parses must survive its own
 * dump (the train.config `nlut train` stores in a model): parsing the dump
 * gives the same settings, bit for bit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/train.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The dump leaves out where to write and how many threads (not part of the
 * model), and the split seed when the split is not random. */
static void copy_undumped(struct nlut_train_config *r, const struct nlut_train_config *c)
{
	r->threads = c->threads;
	memcpy(r->output, c->output, sizeof(r->output));
	if (!c->test_random)
		r->split_seed = c->split_seed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nlut_train_config c, r;
	char *d1;

	nlut_train_config_init(&c);
	if (nlut_train_config_parse(&c, (const char *)data, size, "fuzz.cfg"))
		return 0;
	(void)nlut_train_config_check(&c);
	if (!(d1 = nlut_train_config_dump(&c)))
		abort();
	nlut_train_config_init(&r);
	if (nlut_train_config_parse(&r, d1, strlen(d1), "dump"))
		abort(); /* the dump of a valid config must load */
	copy_undumped(&r, &c);
	if (memcmp(&c, &r, sizeof(c)))
		abort(); /* and give the same config */
	free(d1);
	return 0;
}
