/* zone_load.c -- zone file -> zone model: libzscanner over the mapped file, one owner at a time. */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libknot/descriptor.h>
#include <libknot/dname.h>
#include <libzscanner/scanner.h>
#include "verifier/internal/zone_load.h"
#include "verifier/internal/zone_model.h"
#include "verifier/name.h"
#include "verifier/rdata.h"

#define RDCACHE_SLOTS 4096u /* power of two */
#define RDCACHE_MAXLEN 32u
#define THREADS_MAX 64u

static void set_msg(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_msg(char *buf, size_t len, const char *fmt, ...)
{
	if (buf == NULL || len == 0) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static void fail(zs_scanner_t *s, zg_load_ctx_t *ctx, zg_err_t err, const char *reason)
{
	if (ctx->err == ZG_EOK) {
		ctx->err = err;
		set_msg(ctx->errmsg, ctx->errlen, "%s:%llu: %s", s->file.name ? s->file.name : "?",
		        (unsigned long long)s->line_counter, reason);
	}
	s->state = ZS_STATE_STOP;
}

static void on_error(zs_scanner_t *s)
{
	zg_load_ctx_t *ctx = s->process.data;
	fail(s, ctx, ZG_EPARSE, zs_strerror(s->error.code));
}

/* Canonical RDATA into the arena; a short one seen recently is shared, not copied again. */
static const uint8_t *store_rdata(zg_load_ctx_t *ctx, const uint8_t *rd, uint16_t len)
{
	zg_arena_t *a = ctx->zone->arena;
	if (len > RDCACHE_MAXLEN || ctx->cache == NULL) {
		return zg_arena_dup_bytes(a, rd, len);
	}
	uint32_t h = 2166136261u; /* FNV-1a */
	for (uint16_t i = 0; i < len; i++) {
		h = (h ^ rd[i]) * 16777619u;
	}
	zg_rdslot_t *slot = &ctx->cache[h & (RDCACHE_SLOTS - 1)];
	if (slot->p != NULL && slot->len == len && memcmp(slot->p, rd, len) == 0) {
		return slot->p;
	}
	const uint8_t *p = zg_arena_dup_bytes(a, rd, len);
	if (p != NULL) {
		*slot = (zg_rdslot_t){ .p = p, .len = len };
	}
	return p;
}

#define PARSED_STEP 1024u
static _Atomic uint64_t parsed; /* zg_zone_records_parsed() */

uint64_t zg_zone_records_parsed(void)
{
	return atomic_load_explicit(&parsed, memory_order_relaxed);
}

static void on_record(zs_scanner_t *s)
{
	zg_load_ctx_t *ctx = s->process.data;
	if (s->r_class != KNOT_CLASS_IN) {
		fail(s, ctx, ZG_EPARSE, "only class IN is supported");
		return;
	}
	uint8_t owner[ZG_DNAME_MAXLEN + 1];
	memcpy(owner, s->r_owner, s->r_owner_length);
	zg_dname_lower(owner);
	uint16_t len = (uint16_t)s->r_data_length;
	if (zg_rdata_canonicalize(s->r_type, s->r_data, len) != ZG_EOK) {
		fail(s, ctx, ZG_EPARSE, "malformed rdata"); /* canonical in place: r_data is scratch */
		return;
	}
	uint16_t gtype = s->r_type;
	if (s->r_type == KNOT_RRTYPE_RRSIG) {
		if (len < 18) {
			fail(s, ctx, ZG_EPARSE, "RRSIG rdata too short");
			return;
		}
		gtype = (uint16_t)(s->r_data[0] << 8 | s->r_data[1]);
	}
	const uint8_t *rdata = store_rdata(ctx, s->r_data, len);
	zg_err_t ret = rdata == NULL ? ZG_ENOMEM :
	               zg_build_add(&ctx->build, owner, s->r_owner_length, s->r_type, gtype,
	                            s->r_ttl, rdata, len, (uint32_t)s->line_counter);
	if (ret != ZG_EOK) {
		fail(s, ctx, ret, ret == ZG_ENOMEM ? "out of memory" : zg_strerror(ret));
		return;
	}
	if (++ctx->n % PARSED_STEP == 0) {
		atomic_fetch_add_explicit(&parsed, PARSED_STEP, memory_order_relaxed);
	}
	if (s == ctx->main) {
		zg_release_line(&ctx->rel, s->line_counter);
	} else {
		ctx->included = true;
	}
}

zg_err_t zg_load_ctx_init(zg_load_ctx_t *ctx, zg_zone_t *zone, char *errmsg, size_t errlen)
{
	*ctx = (zg_load_ctx_t){ .zone = zone, .errmsg = errmsg, .errlen = errlen };
	zg_build_init(&ctx->build, zone);
	ctx->cache = calloc(RDCACHE_SLOTS, sizeof(zg_rdslot_t));
	return ctx->cache != NULL ? ZG_EOK : ZG_ENOMEM;
}

void zg_load_ctx_deinit(zg_load_ctx_t *ctx)
{
	zg_build_deinit(&ctx->build);
	free(ctx->cache);
	ctx->cache = NULL;
}

static void state_get(const zs_scanner_t *s, zg_scan_state_t *st)
{
	memcpy(st->origin, s->zone_origin, s->zone_origin_length);
	st->origin_len = s->zone_origin_length;
	st->ttl = s->default_ttl;
	st->line = s->line_counter;
}

static void state_set(zs_scanner_t *s, const zg_scan_state_t *st)
{
	memcpy(s->zone_origin, st->origin, st->origin_len);
	s->zone_origin_length = st->origin_len;
	s->default_ttl = st->ttl;
	s->line_counter = st->line;
}

/* The scanner set up: origin, input range, callbacks; 0 or an error (message set). */
static zg_err_t scan_init(zs_scanner_t *s, zg_load_ctx_t *ctx, const char *path,
                          const char *origin, const char *start, size_t len)
{
	if (zs_init(s, origin, KNOT_CLASS_IN, 3600) != 0) {
		set_msg(ctx->errmsg, ctx->errlen, "%s: invalid origin '%s'", path, origin);
		return ZG_EORIGIN;
	}
	if (zg_input_scan(s, path, start, len) != 0 ||
	    zs_set_processing(s, on_record, on_error, ctx) != 0) {
		set_msg(ctx->errmsg, ctx->errlen, "%s: %s", path, zs_strerror(s->error.code));
		return ZG_EIO;
	}
	return ZG_EOK;
}

zg_err_t zg_load_range(zg_load_ctx_t *ctx, const char *path, const char *origin,
                       const zg_scan_state_t *from, const char *start, size_t len,
                       zg_scan_state_t *to)
{
	zs_scanner_t *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return ZG_ENOMEM;
	}
	zg_err_t ret = scan_init(s, ctx, path, origin, start, len);
	if (ret == ZG_EOK) {
		if (from != NULL) {
			state_set(s, from);
		}
		ctx->main = s;
		zg_release_init(&ctx->rel, start, start + len, s->line_counter);
		if (zs_parse_all(s) != 0 && ctx->err == ZG_EOK) {
			fail(s, ctx, ZG_EPARSE, zs_strerror(s->error.code));
		}
		zg_release_all(&ctx->rel);
		ctx->main = NULL;
	}
	if (ret == ZG_EOK && ctx->err == ZG_EOK && s->error.counter > 0) {
		fail(s, ctx, ZG_EPARSE, zs_strerror(s->error.code));
	}
	if (to != NULL) {
		state_get(s, to);
	}
	zs_deinit(s);
	free(s);
	return ret != ZG_EOK ? ret : ctx->err;
}

static zg_err_t check_file(const char *path, char *errmsg, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		set_msg(errmsg, errlen, "%s: %s", path, strerror(errno));
		return ZG_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		set_msg(errmsg, errlen, "%s: not a regular file", path);
		return ZG_EIO;
	}
	if (st.st_size == 0) {
		set_msg(errmsg, errlen, "%s:0: empty file, no records", path);
		return ZG_EPARSE;
	}
	return ZG_EOK;
}

/* Find the origin: the owner of the first SOA, parsing from "." until then. */
typedef struct {
	uint8_t owner[ZG_DNAME_MAXLEN + 1];
	zs_scanner_t *main;
	zg_release_t rel;
	int err;            /* the first error before a SOA (ZS_OK: none), at line err_line */
	uint64_t err_line;
} probe_t;

static void on_probe_error(zs_scanner_t *s)
{
	probe_t *p = s->process.data;
	p->err = s->error.code;
	p->err_line = s->line_counter;
	s->state = ZS_STATE_STOP;
}

static void on_probe(zs_scanner_t *s)
{
	probe_t *p = s->process.data;
	if (s->r_type == KNOT_RRTYPE_SOA) {
		memcpy(p->owner, s->r_owner, s->r_owner_length);
		s->state = ZS_STATE_STOP;
	} else if (s == p->main) {
		zg_release_line(&p->rel, s->line_counter);
	}
}

/* The owner of the file's first SOA. Without one: ZG_EPARSE (errmsg "path:line: reason") when
 * the file did not parse up to where the SOA should have been (a CRLF file, say), else
 * ZG_EORIGIN. */
static zg_err_t probe_origin(const zg_input_t *in, const char *path, char *origin, size_t size,
                             char *errmsg, size_t errlen)
{
	zs_scanner_t *s = calloc(1, sizeof(*s));
	probe_t *p = calloc(1, sizeof(*p));
	zg_err_t ret = ZG_EORIGIN;
	if (s != NULL && p != NULL && in->data != NULL) {
		p->owner[0] = 0xff;
		p->main = s;
		zg_release_init(&p->rel, in->data, in->data + in->len, 1);
		if (zs_init(s, ".", KNOT_CLASS_IN, 3600) == 0 &&
		    zg_input_scan(s, path, in->data, in->len) == 0 &&
		    zs_set_processing(s, on_probe, on_probe_error, p) == 0) {
			(void)zs_parse_all(s);
			zg_release_all(&p->rel);
			if (p->owner[0] != 0xff) {
				zg_dname_lower(p->owner);
				zg_dname_str(p->owner, origin, size);
				ret = ZG_EOK;
			} else if (p->err != ZS_OK) {
				set_msg(errmsg, errlen, "%s:%llu: %s (no SOA before it to take the origin "
				        "from)", path, (unsigned long long)p->err_line, zs_strerror(p->err));
				ret = ZG_EPARSE;
			}
		}
		zs_deinit(s);
	}
	free(s);
	free(p);
	return ret;
}

/* One scanner over the whole file. */
static zg_err_t load_sequential(zg_zone_t *z, const zg_input_t *in, const char *path,
                                const char *origin, size_t *records, char *errmsg,
                                size_t errlen)
{
	zg_load_ctx_t ctx;
	zg_err_t ret = zg_load_ctx_init(&ctx, z, errmsg, errlen);
	if (ret == ZG_EOK) {
		ret = zg_load_range(&ctx, path, origin, NULL, in->data, in->len, NULL);
	}
	if (ret == ZG_EOK) {
		ret = zg_build_finish(&ctx.build);
	}
	*records = ctx.n;
	zg_load_ctx_deinit(&ctx);
	return ret;
}

static unsigned load_threads(unsigned threads)
{
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	return threads > THREADS_MAX ? THREADS_MAX : threads;
}

static zg_err_t load_records(zg_zone_t *z, const zg_input_t *in, const char *path,
                             const char *origin, unsigned threads, char *errmsg, size_t errlen)
{
	size_t n = 0;
	bool split = false;
	zg_err_t ret = ZG_EOK;
	if (threads > 1) {
		ret = zg_load_split(z, in, path, origin, threads, &n, &split, errmsg, errlen);
	}
	if (!split) {
		ret = load_sequential(z, in, path, origin, &n, errmsg, errlen);
	}
	if (ret == ZG_EOK && n == 0) {
		set_msg(errmsg, errlen, "%s: no records", path);
		ret = ZG_EPARSE;
	}
	return ret;
}

static zg_err_t load_into(zg_zone_t *z, const char *path, const char *origin, unsigned threads,
                          char *errmsg, size_t errlen)
{
	char probed[ZG_DNAME_STRLEN];
	zg_input_t in;
	zg_err_t opened = zg_input_open(&in, path);
	if (origin == NULL) {
		zg_err_t pr = probe_origin(&in, path, probed, sizeof(probed), errmsg, errlen);
		if (pr != ZG_EOK) {
			zg_input_close(&in);
			if (pr == ZG_EORIGIN) {
				set_msg(errmsg, errlen, "%s: no SOA record found to take the origin from "
				        "(use --origin)", path);
			}
			return pr;
		}
		origin = probed;
	}
	zg_err_t ret = opened;
	if (ret != ZG_EOK) {
		set_msg(errmsg, errlen, "%s: %s", path, zs_strerror(ZS_FILE_OPEN));
	} else {
		ret = load_records(z, &in, path, origin, load_threads(threads), errmsg, errlen);
	}
	zg_input_close(&in);
	if (ret == ZG_EOK) {
		uint8_t *o = knot_dname_from_str(z->origin, origin, sizeof(z->origin));
		if (o == NULL) {
			return ZG_EORIGIN;
		}
		zg_dname_lower(z->origin);
		zg_zone_mark(z);
	}
	return ret;
}

zg_err_t zg_zone_load_threads(const char *path, const char *origin, unsigned threads,
                              zg_zone_t **zone, char *errmsg, size_t errlen)
{
	if (path == NULL || zone == NULL) {
		return ZG_EINVAL;
	}
	zg_err_t ret = check_file(path, errmsg, errlen);
	if (ret != ZG_EOK) {
		return ret;
	}
	zg_zone_t *z = calloc(1, sizeof(*z));
	if (z == NULL || (z->arena = zg_arena_new(0)) == NULL ||
	    (z->path = zg_arena_dup(z->arena, path, strlen(path) + 1)) == NULL) {
		zg_zone_free(z);
		return ZG_ENOMEM;
	}
	ret = load_into(z, path, origin, threads, errmsg, errlen);
	if (ret != ZG_EOK) {
		zg_zone_free(z);
		return ret;
	}
	z->id = zg_zone_new_id();
	*zone = z;
	return ZG_EOK;
}

zg_err_t zg_zone_load(const char *path, const char *origin, zg_zone_t **zone, char *errmsg,
                      size_t errlen)
{
	return zg_zone_load_threads(path, origin, 0, zone, errmsg, errlen);
}

uint64_t zg_zone_new_id(void)
{
	static _Atomic uint64_t last;
	return atomic_fetch_add_explicit(&last, 1, memory_order_relaxed) + 1;
}

bool zg_zone_made_from(const zg_zone_t *z, const zg_zone_t *base)
{
	return base != NULL && z->base_id != 0 && z->base_id == base->id;
}

void zg_zone_free(zg_zone_t *zone)
{
	if (zone == NULL) {
		return;
	}
	free(zone->runs);
	free(zone->regrouped);
	zg_arena_free(zone->arena);
	for (uint32_t i = 0; i < zone->nshared; i++) {
		zg_arena_free(zone->shared[i]);
	}
	free(zone->shared);
	free(zone);
}
