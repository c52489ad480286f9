/* replay_main.c - run a fuzz target over every file of the given folders
 * (seed corpus and saved crashers) without libFuzzer, plus mutated copies. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;
	size_t runs = 0;

	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len) {
		LLVMFuzzerTestOneInput(buf, (size_t)len);
		/* Cheap mutations: every truncation point of the first 512 bytes
		 * and a byte overwrite at each of them. */
		for (long i = 0; i < len && i < 512; i++, runs += 2) {
			LLVMFuzzerTestOneInput(buf, (size_t)i);
			uint8_t old = buf[i];

			buf[i] = (uint8_t)(old + 0x41);
			LLVMFuzzerTestOneInput(buf, (size_t)len);
			buf[i] = old;
		}
		runs++;
	}
	free(buf);
	fclose(f);
	return runs;
}

int main(int argc, char **argv)
{
	size_t runs = 0;

	for (int a = 1; a < argc; a++) {
		DIR *d = opendir(argv[a]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			char path[4096];

			if (e->d_name[0] == '.' || !strcmp(e->d_name, "stamp"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[a], e->d_name);
			runs += run_file(path);
		}
		closedir(d);
	}
	printf("%zu inputs replayed\n", runs);
	return runs ? 0 : 1;
}
