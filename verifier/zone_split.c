/* zone_split.c -- load a large zone file on several threads: parts that begin at a line with an
 * explicit owner, parsed side by side, joined in file order.
 *
 * Part 0 (the head, with the usual $ORIGIN and $TTL) is parsed first; every other part starts in
 * the state the head ends in. A part is kept only if everything before it is proven to be what
 * one scanner would have seen: the parts before it parsed without an error (so none ended inside
 * parentheses), included no file and ended in the state they started in. From the first part
 * that fails this, one scanner with the true state and line parses the rest of the file, so the
 * records, their lines and any error message are those of the sequential load. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "verifier/internal/zone_load.h"

#define PARTS_PER_THREAD 4u
#define PARTS_MAX 32u
#define HEAD_TRIES 8u
#define PART_ARENA_CHUNK (256u << 10)
#define THREADS_MAX 64u

static size_t split_min = 4u << 20; /* smaller files: one scanner */
static size_t head_len = 64u << 10; /* the head: at least this much */

static size_t last_parts, last_kept; /* of the last split load, for tests */

void zg_load_split_limits(size_t min, size_t head)
{
	split_min = min;
	head_len = head;
}

void zg_load_split_stats(size_t *parts, size_t *kept)
{
	*parts = last_parts;
	*kept = last_kept;
}

typedef struct {
	const char *start;
	size_t len;
	zg_zone_t *zone;      /* its records (own arena), joined into the zone at the end */
	zg_build_t build;     /* ended: zone's model, or raw records to sort */
	size_t n;
	bool included;
	zg_scan_state_t end;  /* line: the scanner's line count at the end */
	zg_err_t ret;
} part_t;

typedef struct {
	const char *path, *origin;
	zg_scan_state_t head; /* where every part after the head starts */
	part_t *parts;
	size_t nparts;
	atomic_size_t next;
} split_t;

/* After a line that ended outside parentheses, a line starting like this is a record with an
 * explicit owner (or an error): no blank owner to inherit, no directive. */
static bool owner_start(char c)
{
	return c != ' ' && c != '\t' && c != ';' && c != '$' && c != '\n' && c != '\r' && c != '(' &&
	       c != ')';
}

/* The first such line start after `at`, or NULL. */
static const char *next_split(const char *at, const char *end)
{
	while (at < end) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		if (nl == NULL || nl + 1 >= end) {
			return NULL;
		}
		if (owner_start(nl[1])) {
			return nl + 1;
		}
		at = nl + 1;
	}
	return NULL;
}

/* The head, then about threads * PARTS_PER_THREAD parts of equal size. */
static size_t plan(split_t *sp, const zg_input_t *in, unsigned threads)
{
	const char *d = in->data, *end = in->data + in->len;
	size_t want = (size_t)threads * PARTS_PER_THREAD;
	want = want > PARTS_MAX ? PARTS_MAX : want; /* the join merges them head by head */
	const char *at = next_split(d + (head_len < in->len ? head_len : in->len), end);
	sp->parts = at ? calloc(want + 1, sizeof(part_t)) : NULL;
	if (sp->parts == NULL) {
		return 0;
	}
	sp->parts[0] = (part_t){ .start = d, .len = (size_t)(at - d) };
	size_t n = 1, rest = (size_t)(end - at);
	for (size_t k = 1; k <= want; k++) {
		const char *next = k < want ? next_split(at + rest / want, end) : NULL;
		if (k < want && next == NULL) {
			continue;
		}
		next = next ? next : end;
		sp->parts[n++] = (part_t){ .start = at, .len = (size_t)(next - at) };
		at = next;
		if (at == end) {
			break;
		}
	}
	return n;
}

static zg_zone_t *part_zone(void)
{
	zg_zone_t *z = calloc(1, sizeof(*z));
	if (z != NULL && (z->arena = zg_arena_new(PART_ARENA_CHUNK)) == NULL) {
		free(z);
		return NULL;
	}
	return z;
}

/* Parse one part into its own zone; from NULL: the head, from the file's start. */
static void parse_part(const split_t *sp, part_t *p, const zg_scan_state_t *from, char *errmsg,
                       size_t errlen)
{
	zg_load_ctx_t ctx;
	p->zone = part_zone();
	p->ret = p->zone ? zg_load_ctx_init(&ctx, p->zone, errmsg, errlen) : ZG_ENOMEM;
	if (p->zone == NULL) {
		return;
	}
	if (p->ret == ZG_EOK) {
		p->ret = zg_load_range(&ctx, sp->path, sp->origin, from, p->start, p->len, &p->end);
	}
	if (p->ret == ZG_EOK) {
		p->ret = zg_build_end(&ctx.build);
	}
	p->build = ctx.build; /* the builder (its raw records) lives on until the join */
	zg_build_init(&ctx.build, NULL);
	p->n = ctx.n;
	p->included = ctx.included;
	zg_load_ctx_deinit(&ctx);
}

static void part_free(part_t *p)
{
	zg_build_deinit(&p->build);
	zg_zone_free(p->zone);
	p->zone = NULL;
}

static void *worker(void *arg)
{
	split_t *sp = arg;
	size_t i;
	while ((i = atomic_fetch_add(&sp->next, 1)) < sp->nparts) {
		zg_scan_state_t from = sp->head;
		from.line = 1; /* lines count from the part's start; shifted once validated */
		parse_part(sp, &sp->parts[i], &from, NULL, 0);
	}
	return NULL;
}

static void run_parts(split_t *sp, unsigned threads)
{
	pthread_t tid[THREADS_MAX];
	unsigned started = 0;
	atomic_init(&sp->next, 1);
	for (; started + 1 < threads && started < THREADS_MAX; started++) {
		if (pthread_create(&tid[started], NULL, worker, sp) != 0) {
			break; /* fewer threads is still correct */
		}
	}
	worker(sp);
	for (unsigned t = 0; t < started; t++) {
		pthread_join(tid[t], NULL);
	}
}

static bool same_state(const zg_scan_state_t *a, const zg_scan_state_t *b)
{
	return a->origin_len == b->origin_len && a->ttl == b->ttl &&
	       memcmp(a->origin, b->origin, a->origin_len) == 0;
}

/* Keep parts while what precedes them is proven; the index of the first part not kept. */
static size_t validate(split_t *sp, uint64_t *line)
{
	*line = sp->parts[0].end.line - 1; /* the scanner's last line, less the final "\n" block */
	for (size_t k = 1; k < sp->nparts; k++) {
		part_t *p = &sp->parts[k];
		if (p->ret != ZG_EOK || p->included || !same_state(&p->end, &sp->head) ||
		    *line + p->end.line >= UINT32_MAX) {
			return k;
		}
		zg_build_shift_lines(&p->build, *line - 1);
		*line += p->end.line - 2;
	}
	return sp->nparts;
}

/* From part k on, one scanner to the end of the file, in the true state and line. */
static void parse_rest(split_t *sp, size_t k, uint64_t line, const char *end, char *errmsg,
                       size_t errlen)
{
	for (size_t i = k; i < sp->nparts; i++) {
		part_free(&sp->parts[i]);
	}
	part_t *p = &sp->parts[k];
	p->len = (size_t)(end - p->start);
	p->included = false;
	sp->nparts = k + 1;
	zg_scan_state_t from = sp->head;
	from.line = line;
	parse_part(sp, p, &from, errmsg, errlen);
}

static zg_err_t join(zg_zone_t *z, split_t *sp, size_t *records)
{
	zg_build_t *builds[PARTS_MAX + 1];
	*records = 0;
	for (size_t i = 0; i < sp->nparts; i++) {
		builds[i] = &sp->parts[i].build;
		*records += sp->parts[i].n;
	}
	return zg_build_join(z, builds, sp->nparts);
}

static void split_free(split_t *sp)
{
	for (size_t i = 0; sp->parts != NULL && i < sp->nparts; i++) {
		part_free(&sp->parts[i]);
	}
	free(sp->parts);
}

/* The head from the file's start; ending inside parentheses fails it: then end it at the next
 * line that looks like an owner, a few times (part 1 shrinks accordingly). */
static bool parse_head(split_t *sp, const char *end)
{
	part_t *head = &sp->parts[0], *next = &sp->parts[1];
	for (unsigned tries = 0; tries < HEAD_TRIES; tries++) {
		parse_part(sp, head, NULL, NULL, 0);
		if (head->ret == ZG_EOK) {
			return true;
		}
		part_free(head);
		const char *at = next_split(next->start, end);
		if (at == NULL || at >= next->start + next->len) {
			return false;
		}
		next->len -= (size_t)(at - next->start);
		next->start = at;
		head->len = (size_t)(at - head->start);
	}
	return false;
}

zg_err_t zg_load_split(zg_zone_t *z, const zg_input_t *in, const char *path, const char *origin,
                       unsigned threads, size_t *records, bool *split, char *errmsg,
                       size_t errlen)
{
	split_t sp = { .path = path, .origin = origin };
	threads = threads > THREADS_MAX ? THREADS_MAX : threads;
	*split = false;
	last_parts = last_kept = 0;
	if (threads < 2 || in->len < split_min || (sp.nparts = plan(&sp, in, threads)) < 3) {
		free(sp.parts);
		return ZG_EOK;
	}
	if (!parse_head(&sp, in->data + in->len)) {
		split_free(&sp); /* maybe a real error: the sequential load will tell */
		return ZG_EOK;
	}
	sp.head = sp.parts[0].end;
	*split = true;
	run_parts(&sp, threads);
	uint64_t line = 0;
	size_t k = validate(&sp, &line);
	last_parts = sp.nparts;
	last_kept = k;
	zg_err_t ret = ZG_EOK;
	if (k < sp.nparts) {
		parse_rest(&sp, k, line, in->data + in->len, errmsg, errlen);
		ret = sp.parts[k].ret;
	}
	if (ret == ZG_EOK) {
		ret = join(z, &sp, records);
	}
	split_free(&sp);
	return ret;
}
