/* zone_load.c -- zone file -> raw records with libzscanner, then zg_zone_build(). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libknot/descriptor.h>
#include <libknot/dname.h>
#include <libzscanner/scanner.h>
#include "verifier/internal/zone_model.h"
#include "verifier/name.h"
#include "verifier/rdata.h"

#define RAW_INITIAL 4096

typedef struct {
	zg_zone_t *zone;
	zg_raw_rr_t *raw;
	size_t n, cap;
	const uint8_t *last_owner;
	const uint8_t *last_key;
	uint16_t last_keylen;
	zg_err_t err;
	char *errmsg;
	size_t errlen;
} load_ctx_t;

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

static void fail(zs_scanner_t *s, load_ctx_t *ctx, zg_err_t err, const char *reason)
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
	load_ctx_t *ctx = s->process.data;
	fail(s, ctx, ZG_EPARSE, zs_strerror(s->error.code));
}

static bool raw_grow(load_ctx_t *ctx)
{
	return zg_array_reserve(&ctx->raw, &ctx->cap, ctx->n, sizeof(zg_raw_rr_t), RAW_INITIAL) ==
	       ZG_EOK;
}

/* Owners repeat record after record: keep one copy per run of equal owners. */
static const uint8_t *intern_owner(load_ctx_t *ctx, const uint8_t *owner, size_t len)
{
	if (ctx->last_owner != NULL && zg_dname_len(ctx->last_owner, ZG_DNAME_MAXLEN) == len &&
	    memcmp(ctx->last_owner, owner, len) == 0) {
		return ctx->last_owner;
	}
	uint8_t *copy = zg_arena_dup(ctx->zone->arena, owner, len);
	uint8_t key[ZG_DNAME_KEYLEN];
	if (copy == NULL) {
		return NULL;
	}
	zg_dname_lower(copy);
	size_t klen = zg_dname_sort_key(copy, key);
	ctx->last_key = zg_arena_dup(ctx->zone->arena, key, klen);
	ctx->last_keylen = (uint16_t)klen;
	ctx->last_owner = copy;
	return ctx->last_key != NULL ? copy : NULL;
}

static void on_record(zs_scanner_t *s)
{
	load_ctx_t *ctx = s->process.data;
	if (s->r_class != KNOT_CLASS_IN) {
		fail(s, ctx, ZG_EPARSE, "only class IN is supported");
		return;
	}
	uint8_t owner[ZG_DNAME_MAXLEN + 1];
	memcpy(owner, s->r_owner, s->r_owner_length);
	zg_dname_lower(owner);
	uint8_t *rdata = zg_arena_dup(ctx->zone->arena, s->r_data, s->r_data_length);
	const uint8_t *own = intern_owner(ctx, owner, s->r_owner_length);
	if (rdata == NULL || own == NULL || !raw_grow(ctx)) {
		fail(s, ctx, ZG_ENOMEM, "out of memory");
		return;
	}
	uint16_t len = (uint16_t)s->r_data_length;
	if (zg_rdata_canonicalize(s->r_type, rdata, len) != ZG_EOK) {
		fail(s, ctx, ZG_EPARSE, "malformed rdata");
		return;
	}
	uint16_t gtype = s->r_type;
	if (s->r_type == KNOT_RRTYPE_RRSIG) {
		if (len < 18) {
			fail(s, ctx, ZG_EPARSE, "RRSIG rdata too short");
			return;
		}
		gtype = (uint16_t)(rdata[0] << 8 | rdata[1]);
	}
	ctx->raw[ctx->n++] = (zg_raw_rr_t){ .owner = own, .key = ctx->last_key,
		.keylen = ctx->last_keylen, .rdata = rdata, .ttl = s->r_ttl,
		.line = (uint32_t)s->line_counter, .type = s->r_type, .gtype = gtype, .rdlen = len };
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
static void on_probe(zs_scanner_t *s)
{
	if (s->r_type == KNOT_RRTYPE_SOA) {
		uint8_t *out = s->process.data;
		memcpy(out, s->r_owner, s->r_owner_length);
		s->state = ZS_STATE_STOP;
	}
}

static zg_err_t probe_origin(const char *path, char *origin, size_t size)
{
	zs_scanner_t *s = calloc(1, sizeof(*s));
	uint8_t owner[ZG_DNAME_MAXLEN + 1] = { 0xff };
	if (s == NULL) {
		return ZG_ENOMEM;
	}
	zg_err_t ret = ZG_EORIGIN;
	if (zs_init(s, ".", KNOT_CLASS_IN, 3600) == 0 && zs_set_input_file(s, path) == 0 &&
	    zs_set_processing(s, on_probe, NULL, owner) == 0) {
		(void)zs_parse_all(s);
		if (owner[0] != 0xff) {
			zg_dname_lower(owner);
			zg_dname_str(owner, origin, size);
			ret = ZG_EOK;
		}
	}
	zs_deinit(s);
	free(s);
	return ret;
}

static zg_err_t scan(const char *path, const char *origin, load_ctx_t *ctx)
{
	zs_scanner_t *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return ZG_ENOMEM;
	}
	zg_err_t ret = ZG_EOK;
	if (zs_init(s, origin, KNOT_CLASS_IN, 3600) != 0) {
		set_msg(ctx->errmsg, ctx->errlen, "%s: invalid origin '%s'", path, origin);
		ret = ZG_EORIGIN;
	} else if (zs_set_input_file(s, path) != 0 ||
	           zs_set_processing(s, on_record, on_error, ctx) != 0) {
		set_msg(ctx->errmsg, ctx->errlen, "%s: %s", path, zs_strerror(s->error.code));
		ret = ZG_EIO;
	} else if (zs_parse_all(s) != 0 && ctx->err == ZG_EOK) {
		fail(s, ctx, ZG_EPARSE, zs_strerror(s->error.code));
	}
	if (ret == ZG_EOK && ctx->err == ZG_EOK && s->error.counter > 0) {
		fail(s, ctx, ZG_EPARSE, zs_strerror(s->error.code));
	}
	zs_deinit(s);
	free(s);
	return ret != ZG_EOK ? ret : ctx->err;
}

static zg_err_t load_into(zg_zone_t *z, const char *path, const char *origin, char *errmsg,
                          size_t errlen)
{
	char probed[ZG_DNAME_STRLEN];
	if (origin == NULL) {
		if (probe_origin(path, probed, sizeof(probed)) != ZG_EOK) {
			set_msg(errmsg, errlen, "%s: no SOA record found to take the origin from "
			        "(use --origin)", path);
			return ZG_EORIGIN;
		}
		origin = probed;
	}
	load_ctx_t ctx = { .zone = z, .errmsg = errmsg, .errlen = errlen };
	zg_err_t ret = scan(path, origin, &ctx);
	if (ret == ZG_EOK && ctx.n == 0) {
		set_msg(errmsg, errlen, "%s: no records", path);
		ret = ZG_EPARSE;
	}
	if (ret == ZG_EOK) {
		uint8_t *o = knot_dname_from_str(z->origin, origin, sizeof(z->origin));
		ret = o != NULL ? zg_zone_build(z, ctx.raw, ctx.n) : ZG_EORIGIN;
		if (o != NULL) {
			zg_dname_lower(z->origin);
		}
	}
	free(ctx.raw);
	return ret;
}

zg_err_t zg_zone_load(const char *path, const char *origin, zg_zone_t **zone, char *errmsg,
                      size_t errlen)
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
	ret = load_into(z, path, origin, errmsg, errlen);
	if (ret != ZG_EOK) {
		zg_zone_free(z);
		return ret;
	}
	*zone = z;
	return ZG_EOK;
}

void zg_zone_free(zg_zone_t *zone)
{
	if (zone == NULL) {
		return;
	}
	zg_arena_free(zone->arena);
	free(zone);
}
