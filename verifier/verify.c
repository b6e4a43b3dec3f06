/* verify.c -- zg_verify(): builds the context, loads the keys, runs the check modules in order. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/internal/vctx.h"
#include "verifier/name.h"

static void emit_v(zg_vctx_t *ctx, zg_finding_id_t id, zg_severity_t sev, const char *owner,
                   uint16_t type, const zg_key_t *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));
static void emit_v(zg_vctx_t *ctx, zg_finding_id_t id, zg_severity_t sev, const char *owner,
                   uint16_t type, const zg_key_t *key, const char *fmt, va_list ap)
{
	char reason[512];
	vsnprintf(reason, sizeof(reason), fmt, ap);
	zg_finding_t f = {
		.id = id,
		.severity = zg_policy_severity(&ctx->policy, id, sev),
		.owner = owner,
		.rrtype = type,
		.keytag = key ? key->tag : 0,
		.algorithm = key ? key->algorithm : 0,
		.has_key = key != NULL,
		.reason = reason,
	};
	zg_report_add(ctx->report, &f);
}

static const char *name_str(const zg_vctx_t *ctx, uint32_t name, char *buf, size_t size)
{
	if (name == ZG_OWNER_NONE) {
		return zg_dname_str(ctx->zone->origin, buf, size);
	}
	return zg_dname_str(ctx->zone->names[name].owner, buf, size);
}

void zg_emit(zg_vctx_t *ctx, zg_finding_id_t id, uint32_t name, uint16_t type,
             const zg_key_t *key, const char *fmt, ...)
{
	char owner[ZG_DNAME_STRLEN];
	va_list ap;
	va_start(ap, fmt);
	emit_v(ctx, id, zg_finding_default_severity(id), name_str(ctx, name, owner, sizeof(owner)),
	       type, key, fmt, ap);
	va_end(ap);
}

void zg_emit_sev(zg_vctx_t *ctx, zg_finding_id_t id, zg_severity_t sev, uint32_t name,
                 uint16_t type, const zg_key_t *key, const char *fmt, ...)
{
	char owner[ZG_DNAME_STRLEN];
	va_list ap;
	va_start(ap, fmt);
	emit_v(ctx, id, sev, name_str(ctx, name, owner, sizeof(owner)), type, key, fmt, ap);
	va_end(ap);
}

void zg_emit_owner(zg_vctx_t *ctx, zg_finding_id_t id, const uint8_t *owner, uint16_t type,
                   const char *fmt, ...)
{
	char buf[ZG_DNAME_STRLEN];
	va_list ap;
	va_start(ap, fmt);
	emit_v(ctx, id, zg_finding_default_severity(id), zg_dname_str(owner, buf, sizeof(buf)),
	       type, NULL, fmt, ap);
	va_end(ap);
}

static void key_from_rr(zg_key_t *k, const zg_rr_t *rr)
{
	*k = (zg_key_t){ .rdata = rr->rdata, .rdlen = rr->rdlen, .line = rr->line };
	if (rr->rdlen < ZG_DNSKEY_MIN_RDLEN) {
		return;
	}
	k->flags = knot_wire_read_u16(rr->rdata);
	k->protocol = rr->rdata[2];
	k->algorithm = rr->rdata[3];
	k->zone_key = (k->flags & 0x0100) && k->protocol == 3;
	(void)zg_keytag(rr->rdata, rr->rdlen, &k->tag);
	if (zg_crypto_alg_supported(k->algorithm)) {
		(void)zg_pubkey_new(k->algorithm, rr->rdata + 4, rr->rdlen - 4u, &k->pk);
	}
}

/* Every DNSKEY of `set` (NULL: none) into a new array. */
static zg_err_t load_keys(const zg_zone_t *z, const zg_rrset_t *set, zg_key_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (set == NULL) {
		return ZG_EOK;
	}
	zg_key_t *keys = calloc(set->rr_count, sizeof(*keys));
	if (keys == NULL) {
		return ZG_ENOMEM;
	}
	for (uint32_t i = 0; i < set->rr_count; i++) {
		key_from_rr(&keys[i], &z->rrs[set->rr_first + i]);
	}
	*out = keys;
	*n = set->rr_count;
	return ZG_EOK;
}

/* Candidate keys: every DNSKEY in the candidate file, at any owner, then opts->extra_keys. */
static zg_err_t load_candidates(zg_vctx_t *ctx)
{
	const zg_zone_t *c = ctx->opts->candidates;
	size_t total = ctx->opts->nextra_keys;
	for (uint32_t i = 0; c != NULL && i < c->nrrsets; i++) {
		total += c->rrsets[i].type == KNOT_RRTYPE_DNSKEY ? c->rrsets[i].rr_count : 0;
	}
	ctx->cands = total ? calloc(total, sizeof(zg_key_t)) : NULL;
	if (total && ctx->cands == NULL) {
		return ZG_ENOMEM;
	}
	for (uint32_t i = 0; c != NULL && i < c->nrrsets; i++) {
		const zg_rrset_t *s = &c->rrsets[i];
		for (uint32_t k = 0; s->type == KNOT_RRTYPE_DNSKEY && k < s->rr_count; k++) {
			key_from_rr(&ctx->cands[ctx->ncands++], &c->rrs[s->rr_first + k]);
		}
	}
	for (size_t i = 0; i < ctx->opts->nextra_keys; i++) {
		const zg_candidate_key_t *x = &ctx->opts->extra_keys[i];
		zg_rr_t rr = { .rdata = x->rdata, .rdlen = x->rdlen };
		zg_key_t *k = &ctx->cands[ctx->ncands++];
		key_from_rr(k, &rr);
		k->source = x->source;
	}
	return ZG_EOK;
}

static void free_keys(zg_key_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		zg_pubkey_free(keys[i].pk);
	}
	free(keys);
}

static void fill_meta(zg_vctx_t *ctx)
{
	zg_report_meta_t *m = zg_report_meta_mut(ctx->report);
	zg_zone_origin_str(ctx->zone, m->zone, sizeof(m->zone));
	m->has_serial = zg_zone_serial(ctx->zone, &m->serial);
	m->evaluated_at = ctx->opts->now;
	m->ds_given = ctx->opts->ds != NULL;
	m->cross_checked = ctx->opts->cross != NULL;
	snprintf(m->path, sizeof(m->path), "%s", ctx->zone->path ? ctx->zone->path : "");
	zg_counts_t *c = zg_report_counts_mut(ctx->report);
	c->names = ctx->zone->nnames;
	c->rrs = ctx->zone->nrrs;
	for (uint32_t i = 0; i < ctx->zone->nrrsets; i++) {
		const zg_rrset_t *s = &ctx->zone->rrsets[i];
		c->rrsets += s->rr_count > 0;
		c->rrsets_authoritative += (s->flags & ZG_RRSET_AUTH) != 0;
		c->rrsigs += s->sig_count;
	}
	for (uint32_t i = 0; i < ctx->zone->nnames; i++) {
		if (ctx->zone->names[i].flags & ZG_NAME_CUT) {
			c->delegations++;
			c->secure_delegations += zg_zone_rrset(ctx->zone, i, KNOT_RRTYPE_DS) != NULL;
		}
	}
}

static zg_err_t run(zg_vctx_t *ctx)
{
	const zg_rrset_t *dnskey = zg_zone_rrset(ctx->zone, ctx->zone->apex, KNOT_RRTYPE_DNSKEY);
	zg_err_t ret = load_keys(ctx->zone, dnskey, &ctx->keys, &ctx->nkeys);
	if (ret == ZG_EOK) {
		ret = load_candidates(ctx);
	}
	if (ret == ZG_EOK) {
		ret = zg_memo_begin(ctx);
	}
	if (ret != ZG_EOK) {
		return ret;
	}
	fill_meta(ctx);
	zg_rollover_prepare(ctx);
	zg_check_zone(ctx);
	zg_check_keys(ctx);
	zg_denial_task_t *denial = zg_denial_start(ctx);
	zg_check_rrsigs(ctx);
	zg_check_ds(ctx);
	zg_check_rollover(ctx);
	zg_denial_finish(ctx, denial);
	zg_check_zonemd(ctx);
	if (ctx->fatal == ZG_EOK) {
		ctx->fatal = zg_report_set_keys(ctx->report, ctx->keys, ctx->nkeys);
	}
	return ctx->fatal;
}

static void locked_finding(zg_sink_t *s, const zg_finding_t *f)
{
	zg_locked_sink_t *l = (zg_locked_sink_t *)s;
	if (l->user->finding == NULL) {
		return; /* a sink for progress only */
	}
	pthread_mutex_lock(&l->lock);
	l->user->finding(l->user, f);
	pthread_mutex_unlock(&l->lock);
}

zg_err_t zg_verify(const zg_zone_t *zone, const zg_verify_opts_t *opts, zg_report_t **report)
{
	if (zone == NULL || opts == NULL || report == NULL ||
	    (opts->extra_keys == NULL && opts->nextra_keys > 0)) {
		return ZG_EINVAL;
	}
	zg_vctx_t ctx = {
		.zone = zone,
		.opts = opts,
		.policy = opts->policy ? *opts->policy : zg_policy_default(),
		.now = (uint32_t)opts->now,
	};
	zg_locked_sink_t locked = { .sink = { .finding = locked_finding }, .user = opts->sink };
	bool sink = opts->sink != NULL && opts->sink->finding != NULL;
	ctx.locked = opts->sink != NULL ? &locked : NULL;
	pthread_mutex_init(&locked.lock, NULL);
	zg_dynbuf_init(&ctx.buf, ZG_MAX_SIGNED_DATA);
	ctx.report = zg_report_new(&ctx.policy, sink ? &locked.sink : NULL);
	zg_err_t ret = ctx.report ? run(&ctx) : ZG_ENOMEM;
	pthread_mutex_destroy(&locked.lock);
	zg_memo_end(&ctx);
	free_keys(ctx.keys, ctx.nkeys);
	free_keys(ctx.cands, ctx.ncands);
	zg_dynbuf_deinit(&ctx.buf);
	if (ret != ZG_EOK) {
		zg_report_free(ctx.report);
		return ret;
	}
	*report = ctx.report;
	return ZG_EOK;
}
