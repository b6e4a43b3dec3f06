/* load_watch.c -- progress on stderr while a zone loads (issue 6): at a terminal only, and only
 * once the load has taken cli_progress_after() seconds, a line with the records parsed so far
 * and their rate, redrawn every half second by a thread of its own until the load is done. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "gates/cli/cli.h"
#include "verifier/zone.h"

struct cli_load_watch {
	pthread_t tid;
	atomic_bool done;
	const char *path;
	uint64_t base;       /* zg_zone_records_parsed() when the load began */
	struct timespec start;
	bool shown;
};

static double elapsed(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

double cli_progress_after(void)
{
	const char *s = getenv("ZONEGATE_PROGRESS_AFTER"); /* seconds; for tests */
	char *end = NULL;
	double v = s != NULL ? strtod(s, &end) : 0;
	return s != NULL && end != s && *end == '\0' && v >= 0 ? v : 2.0;
}

static void *watch(void *arg)
{
	cli_load_watch_t *w = arg;
	double after = cli_progress_after(), last = -1;
	const struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	for (bool first = true; !atomic_load(&w->done); first = false) {
		if (!first) {
			nanosleep(&tick, NULL);
		}
		double el = elapsed(&w->start);
		if (el < after || (last >= 0 && el - last < 0.5) || atomic_load(&w->done)) {
			continue;
		}
		last = el;
		w->shown = true;
		uint64_t n = zg_zone_records_parsed() - w->base;
		fprintf(stderr, "\rzonegate: loading %s: %llu records parsed, %.0f/s, %.1f s   ",
		        w->path, (unsigned long long)n, el > 0 ? (double)n / el : 0.0, el);
	}
	return NULL;
}

cli_load_watch_t *cli_load_watch_start(const char *path)
{
	if (!isatty(STDERR_FILENO)) {
		return NULL;
	}
	cli_load_watch_t *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		return NULL; /* no progress line; the load goes on */
	}
	w->path = path;
	w->base = zg_zone_records_parsed();
	atomic_init(&w->done, false);
	clock_gettime(CLOCK_MONOTONIC, &w->start);
	if (pthread_create(&w->tid, NULL, watch, w) != 0) {
		free(w);
		return NULL;
	}
	return w;
}

void cli_load_watch_stop(cli_load_watch_t *w)
{
	if (w == NULL) {
		return;
	}
	atomic_store(&w->done, true);
	pthread_join(w->tid, NULL);
	if (w->shown) {
		fputc('\n', stderr);
	}
	free(w);
}
