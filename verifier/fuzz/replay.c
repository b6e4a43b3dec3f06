/* replay.c -- run a fuzz target over its seed corpus without libFuzzer (every CI run). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return -1;
	}
	uint8_t *buf = malloc(1u << 20);
	size_t n = buf ? fread(buf, 1, 1u << 20, f) : 0;
	fclose(f);
	if (buf == NULL) {
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (d == NULL) {
			count += replay_file(argv[i]) == 0;
			continue;
		}
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char path[4096];
			struct stat st;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && replay_file(path) == 0) {
				count++;
			}
		}
		closedir(d);
	}
	printf("1..1\n%s 1 - replayed %u seeds\n", count > 0 ? "ok" : "not ok", count);
	return count > 0 ? 0 : 1;
}
