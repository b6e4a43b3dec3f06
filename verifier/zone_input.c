/* zone_input.c -- map the zone file, hand ranges of it to libzscanner, release parsed pages. */
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "verifier/internal/zone_input.h"

#define RELEASE_LINES 4096      /* check the scanner's progress every this many lines */
#define RELEASE_STEP (1u << 20) /* and give back at least this much at a time */

zg_err_t zg_input_open(zg_input_t *in, const char *path)
{
	*in = (zg_input_t){ 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return ZG_EIO;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return ZG_EIO;
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		return ZG_EIO;
	}
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	in->data = m;
	in->len = (size_t)st.st_size;
	return ZG_EOK;
}

void zg_input_close(zg_input_t *in)
{
	if (in->data != NULL) {
		munmap((void *)in->data, in->len);
	}
	*in = (zg_input_t){ 0 };
}

static const char *page_down(const char *p, size_t page)
{
	return (const char *)((uintptr_t)p & ~(uintptr_t)(page - 1));
}

void zg_release_init(zg_release_t *r, const char *start, const char *end, uint64_t line)
{
	long page = sysconf(_SC_PAGESIZE);
	r->page = page > 0 ? (size_t)page : 4096;
	r->end = end;
	r->pos = start;
	r->line = line;
	r->released = page_down(start, r->page);
}

static void release_to(zg_release_t *r, const char *upto)
{
	upto = page_down(upto, r->page);
	if (upto > r->released) {
		(void)madvise((void *)r->released, (size_t)(upto - r->released), MADV_DONTNEED);
		r->released = upto;
	}
}

void zg_release_line(zg_release_t *r, uint64_t line)
{
	if (line < r->line + RELEASE_LINES) {
		return;
	}
	while (r->line < line) {
		const char *nl = memchr(r->pos, '\n', (size_t)(r->end - r->pos));
		if (nl == NULL) {
			break;
		}
		r->pos = nl + 1;
		r->line++;
	}
	if (r->pos >= r->released + RELEASE_STEP) {
		release_to(r, r->pos);
	}
}

void zg_release_all(zg_release_t *r)
{
	release_to(r, r->end);
}

int zg_input_scan(zs_scanner_t *s, const char *path, const char *start, size_t len)
{
	if (zs_set_input_string(s, start, len) != 0) {
		return -1;
	}
	char *full = realpath(path, NULL);
	if (full != NULL) {
		free(s->path);
		s->path = strdup(dirname(full));
		free(full);
	}
	s->file.name = strdup(path);
	if (s->path == NULL || s->file.name == NULL) {
		s->error.code = ZS_ENOMEM;
		return -1;
	}
	return 0;
}
