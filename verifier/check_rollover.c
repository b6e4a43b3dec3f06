/* check_rollover.c -- rollover.*: a new signing key must have been published long enough before
 * it signs alone (pre-publication, RFC 6781 4.1.1; RFC 7583 3.3.1: DNSKEY TTL + propagation
 * delay), a key whose signatures may still be cached must not vanish (max TTL + propagation delay
 * after it stopped signing), and the parent's DS must keep pointing at a published key. With a key
 * history (opts->history, the XFR gate's state) the timing is real; without one the previous
 * version (--prev) stands for "published long enough". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/internal/vctx.h"
#include "verifier/key_history.h"
#include "verifier/name.h"
#include "verifier/rrsig.h"

static const zg_rrset_t *prev_dnskey(const zg_vctx_t *ctx)
{
	const zg_zone_t *p = ctx->opts->prev;
	return p ? zg_zone_rrset(p, p->apex, KNOT_RRTYPE_DNSKEY) : NULL;
}

static bool same_rdata(const zg_rr_t *rr, const uint8_t *rdata, uint16_t len)
{
	return rr->rdlen == len && memcmp(rr->rdata, rdata, len) == 0;
}

static bool with_history(const zg_vctx_t *ctx)
{
	return ctx->opts->history != NULL && ctx->opts->nhistory > 0;
}

/* The DNSKEY TTL caches may hold a key set for: the larger of the candidate's and --prev's. */
static uint32_t dnskey_ttl(const zg_vctx_t *ctx)
{
	const zg_rrset_t *k = zg_zone_rrset(ctx->zone, ctx->zone->apex, KNOT_RRTYPE_DNSKEY);
	const zg_rrset_t *pk = prev_dnskey(ctx);
	uint32_t ttl = k ? zg_rrset_ttl(ctx->zone, k) : 0;
	uint32_t pttl = pk ? zg_rrset_ttl(ctx->opts->prev, pk) : 0;
	return pttl > ttl ? pttl : ttl;
}

/* The largest TTL of any record (RRSIGs included) of z. */
static uint32_t max_ttl(const zg_zone_t *z)
{
	uint32_t m = 0;
	for (uint32_t i = 0; i < z->nrrs; i++) {
		m = z->rrs[i].ttl > m ? z->rrs[i].ttl : m;
	}
	for (uint32_t i = 0; i < z->nsigs; i++) {
		m = z->sigs[i].ttl > m ? z->sigs[i].ttl : m;
	}
	return m;
}

static const zg_key_history_t *history_of(const zg_vctx_t *ctx, const zg_key_t *k)
{
	uint8_t d[ZG_KEY_DIGEST_LEN];
	if (zg_key_digest(k->rdata, k->rdlen, d) != ZG_EOK) {
		return NULL;
	}
	const zg_verify_opts_t *o = ctx->opts;
	return zg_key_history_find(o->history, o->nhistory, k->algorithm, k->tag, d);
}

/* Published long enough to sign alone: in the served DNSKEY set for at least ipub seconds, or
 * since before the history began. */
static bool established(const zg_vctx_t *ctx, const zg_key_history_t *h, uint64_t ipub)
{
	uint64_t now = ctx->opts->now;
	if (h == NULL || h->removed != 0) {
		return false;
	}
	return h->preexisting || (h->first_published != 0 && h->first_published <= now &&
	                          now - h->first_published >= ipub);
}

void zg_rollover_prepare(zg_vctx_t *ctx)
{
	if (with_history(ctx)) {
		uint64_t ipub = (uint64_t)dnskey_ttl(ctx) + ctx->policy.propagation_delay;
		ctx->prev_signed = true;
		for (size_t i = 0; i < ctx->nkeys; i++) {
			const zg_key_history_t *h = history_of(ctx, &ctx->keys[i]);
			ctx->keys[i].in_prev = established(ctx, h, ipub);
		}
		return;
	}
	const zg_rrset_t *pk = prev_dnskey(ctx);
	if (pk == NULL) {
		return; /* first signed version: nothing to roll from */
	}
	ctx->prev_signed = true;
	const zg_zone_t *p = ctx->opts->prev;
	for (size_t i = 0; i < ctx->nkeys; i++) {
		for (uint32_t k = 0; k < pk->rr_count && !ctx->keys[i].in_prev; k++) {
			ctx->keys[i].in_prev = same_rdata(&p->rrs[pk->rr_first + k], ctx->keys[i].rdata,
			                                  ctx->keys[i].rdlen);
		}
	}
}

void zg_rollover_unpublished(zg_vctx_t *ctx, uint32_t name, const zg_rrset_t *s,
                             const zg_key_t *key)
{
	char tb[32];
	if (knot_rrtype_to_string(s->type, tb, sizeof(tb)) < 0) {
		snprintf(tb, sizeof(tb), "TYPE%u", s->type);
	}
	if (!with_history(ctx)) {
		zg_emit(ctx, ZG_F_ROLLOVER_UNPUBLISHED_SIGNER, name, s->type, key,
		        "%s RRset is signed only by key %u, which the previous version did not publish: "
		        "resolvers still caching the old DNSKEY set cannot validate it", tb, key->tag);
		return;
	}
	const zg_key_history_t *h = history_of(ctx, key);
	uint32_t ttl = dnskey_ttl(ctx), delay = ctx->policy.propagation_delay;
	if (h == NULL || h->removed != 0 || h->first_published == 0 ||
	    h->first_published > ctx->opts->now) {
		zg_emit(ctx, ZG_F_ROLLOVER_UNPUBLISHED_SIGNER, name, s->type, key,
		        "%s RRset is signed only by key %u, which no served version publishes: "
		        "resolvers caching the served DNSKEY set cannot validate it (publish it "
		        "DNSKEY TTL %u s + propagation delay %u s before it signs)", tb, key->tag, ttl,
		        delay);
		return;
	}
	zg_emit(ctx, ZG_F_ROLLOVER_UNPUBLISHED_SIGNER, name, s->type, key,
	        "%s RRset is signed only by key %u, first published %llu s ago: resolvers may still "
	        "cache a DNSKEY set without it for DNSKEY TTL %u s + propagation delay %u s", tb,
	        key->tag, (unsigned long long)(ctx->opts->now - h->first_published), ttl, delay);
}

static bool published_now(const zg_vctx_t *ctx, const zg_rr_t *prev_key)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		if (same_rdata(prev_key, ctx->keys[i].rdata, ctx->keys[i].rdlen)) {
			return true;
		}
	}
	return false;
}

/* A key of this algorithm and tag that the candidate publishes and whose signatures caches hold
 * too: without a history any (--prev stands for "long enough"); with one, a key that has signed
 * for at least `span` seconds (or since before the history began). */
static bool stands_in(const zg_vctx_t *ctx, uint8_t alg, uint16_t tag, uint64_t span)
{
	uint64_t now = ctx->opts->now;
	for (size_t i = 0; i < ctx->nkeys; i++) {
		const zg_key_t *k = &ctx->keys[i];
		if (!k->zone_key || k->algorithm != alg || k->tag != tag) {
			continue;
		}
		if (!with_history(ctx)) {
			return true;
		}
		const zg_key_history_t *h = history_of(ctx, k);
		if (h != NULL && (h->preexisting || (h->first_signing != 0 &&
		                                     h->first_signing <= now &&
		                                     now - h->first_signing >= span))) {
			return true;
		}
	}
	return false;
}

/* Mark the previous DNSKEYs whose cached signatures would be left without a key: they sign an
 * RRset other than the DNSKEY RRset that no key standing in (above) signs too. A cached copy
 * of an RRset that a remaining key also signs still validates, so removing the other key is
 * the last step of a double-signature ZSK roll and of an algorithm roll (RFC 6781 4.1.1.2,
 * 4.1.4), and of a KSK roll whose CDS/CDNSKEY both KSKs sign (RFC 7344 4.1). */
static void prev_signers(const zg_vctx_t *ctx, const zg_zone_t *p, const zg_rrset_t *pk,
                         uint64_t span, bool *needed)
{
	uint16_t *tags = calloc(pk->rr_count, sizeof(*tags));
	if (tags == NULL) {
		return;
	}
	for (uint32_t k = 0; k < pk->rr_count; k++) {
		(void)zg_keytag(p->rrs[pk->rr_first + k].rdata, p->rrs[pk->rr_first + k].rdlen, &tags[k]);
	}
	for (uint32_t i = 0; i < p->nrrsets; i++) {
		const zg_rrset_t *s = &p->rrsets[i];
		bool covered = false;
		for (int pass = 0; pass < 2 && !covered && s->type != KNOT_RRTYPE_DNSKEY; pass++) {
			for (uint32_t j = 0; j < s->sig_count && !covered; j++) {
				zg_rrsig_t sig;
				if (zg_rrsig_parse(p->sigs[s->sig_first + j].rdata,
				                   p->sigs[s->sig_first + j].rdlen, &sig) != ZG_EOK) {
					continue;
				}
				if (pass == 0) {
					covered = stands_in(ctx, sig.algorithm, sig.keytag, span);
					continue;
				}
				for (uint32_t k = 0; k < pk->rr_count; k++) {
					const zg_rr_t *rr = &p->rrs[pk->rr_first + k];
					needed[k] |= tags[k] == sig.keytag && rr->rdlen >= 4 &&
					             rr->rdata[3] == sig.algorithm;
				}
			}
		}
	}
	free(tags);
}

/* The candidate publishes the key of (algorithm, tag, digest). */
static bool digest_published(const zg_vctx_t *ctx, uint8_t alg, uint16_t tag, const uint8_t *digest)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		uint8_t d[ZG_KEY_DIGEST_LEN];
		if (ctx->keys[i].algorithm == alg && ctx->keys[i].tag == tag &&
		    zg_key_digest(ctx->keys[i].rdata, ctx->keys[i].rdlen, d) == ZG_EOK &&
		    memcmp(d, digest, ZG_KEY_DIGEST_LEN) == 0) {
			return true;
		}
	}
	return false;
}

/* The index of h's key among the served version's keys, or n. */
static size_t seen_index(const zg_key_seen_t *pk, size_t n, const zg_key_history_t *h)
{
	for (size_t i = 0; i < n; i++) {
		if (pk[i].algorithm == h->algorithm && pk[i].keytag == h->keytag &&
		    memcmp(pk[i].digest, h->digest, ZG_KEY_DIGEST_LEN) == 0) {
			return i;
		}
	}
	return n;
}

/* A removed key h whose signatures may still be cached: still signing in the served version
 * (--prev or the history), or stopped less than max TTL + propagation delay ago. */
static void removed_one(zg_vctx_t *ctx, const zg_key_history_t *h, bool signing, uint32_t ttl)
{
	uint64_t now = ctx->opts->now, stop = signing ? now : h->last_signing;
	uint32_t delay = ctx->policy.propagation_delay;
	if (stop == 0 || (stop <= now && now - stop >= (uint64_t)ttl + delay)) {
		return;
	}
	zg_key_t key = { .tag = h->keytag, .algorithm = h->algorithm };
	if (signing) {
		zg_emit(ctx, ZG_F_ROLLOVER_REMOVED_TOO_EARLY, ctx->zone->apex, KNOT_RRTYPE_DNSKEY,
		        &key, "key %u (algorithm %u) signs data in the served version and is gone "
		        "now: its cached signatures outlive it (retire it first, remove it max TTL %u s "
		        "+ propagation delay %u s later)", h->keytag, h->algorithm, ttl, delay);
		return;
	}
	zg_emit(ctx, ZG_F_ROLLOVER_REMOVED_TOO_EARLY, ctx->zone->apex, KNOT_RRTYPE_DNSKEY, &key,
	        "key %u (algorithm %u) stopped signing %llu s ago and is gone now: its signatures "
	        "may be cached for max TTL %u s + propagation delay %u s", h->keytag, h->algorithm,
	        (unsigned long long)(stop <= now ? now - stop : 0), ttl, delay);
}

/* rollover.removed-too-early with the key history; keys of --prev it lacks count as signing. */
static void removed_history(zg_vctx_t *ctx)
{
	const zg_zone_t *p = ctx->opts->prev;
	zg_key_seen_t *pk = NULL;
	size_t npk = 0;
	zg_err_t ret = p ? zg_key_seen(p, &pk, &npk) : ZG_EOK;
	if (ret != ZG_EOK) {
		ctx->fatal = ret;
		return;
	}
	uint32_t ttl = max_ttl(p ? p : ctx->zone);
	bool *needed = npk > 0 ? calloc(npk, sizeof(bool)) : NULL;
	if (npk > 0 && needed == NULL) {
		free(pk);
		ctx->fatal = ZG_ENOMEM;
		return;
	}
	if (needed != NULL) {
		prev_signers(ctx, p, prev_dnskey(ctx), (uint64_t)ttl + ctx->policy.propagation_delay,
		             needed);
	}
	const zg_key_history_t *hist = ctx->opts->history;
	for (size_t i = 0; i < ctx->opts->nhistory; i++) {
		const zg_key_history_t *h = &hist[i];
		if (h->removed == 0 && !digest_published(ctx, h->algorithm, h->keytag, h->digest)) {
			size_t at = seen_index(pk, npk, h);
			bool signing = h->signing || (at < npk && pk[at].signs_data);
			if (signing && at < npk && !needed[at]) {
				continue; /* what it signs in the served version, a remaining key signs too */
			}
			removed_one(ctx, h, signing, ttl);
		}
	}
	for (size_t i = 0; i < npk; i++) {
		const zg_key_seen_t *k = &pk[i];
		if (k->signs_data && needed[i] &&
		    zg_key_history_find(hist, ctx->opts->nhistory, k->algorithm, k->keytag,
		                        k->digest) == NULL &&
		    !digest_published(ctx, k->algorithm, k->keytag, k->digest)) {
			zg_key_history_t h = { .algorithm = k->algorithm, .keytag = k->keytag };
			removed_one(ctx, &h, true, ttl);
		}
	}
	free(needed);
	free(pk);
}

void zg_check_rollover(zg_vctx_t *ctx)
{
	const zg_rrset_t *pk = prev_dnskey(ctx);
	if (!ctx->prev_signed || ctx->skip_sigs) {
		return;
	}
	if (with_history(ctx)) {
		removed_history(ctx);
		return;
	}
	if (pk == NULL) {
		return;
	}
	const zg_zone_t *p = ctx->opts->prev;
	bool gone = false;
	for (uint32_t k = 0; k < pk->rr_count && !gone; k++) {
		gone = !published_now(ctx, &p->rrs[pk->rr_first + k]);
	}
	if (!gone) {
		return; /* every previous key still published: none removed too early (and no walk
		         * over the previous version's signatures) */
	}
	bool *signed_data = calloc(pk->rr_count, sizeof(bool));
	if (signed_data == NULL) {
		ctx->fatal = ZG_ENOMEM;
		return;
	}
	prev_signers(ctx, p, pk, 0, signed_data);
	for (uint32_t k = 0; k < pk->rr_count; k++) {
		const zg_rr_t *rr = &p->rrs[pk->rr_first + k];
		uint16_t tag = 0;
		if (!signed_data[k] || published_now(ctx, rr) || zg_keytag(rr->rdata, rr->rdlen, &tag)) {
			continue;
		}
		zg_emit(ctx, ZG_F_ROLLOVER_REMOVED_TOO_EARLY, ctx->zone->apex, KNOT_RRTYPE_DNSKEY, NULL,
		        "key %u (algorithm %u) signed data in the previous version that no remaining key "
		        "signs, and is gone now: its cached signatures outlive it (retire it first, "
		        "remove it a TTL later)",
		        tag, rr->rdlen >= 4 ? rr->rdata[3] : 0);
	}
	free(signed_data);
}

bool zg_rollover_ds_orphaned(const zg_vctx_t *ctx, const zg_zone_t *dz, const zg_rrset_t *ds)
{
	const zg_rrset_t *pk = prev_dnskey(ctx);
	const zg_zone_t *p = ctx->opts->prev;
	for (uint32_t k = 0; pk != NULL && k < pk->rr_count; k++) {
		const zg_rr_t *rr = &p->rrs[pk->rr_first + k];
		zg_key_t key = { .rdata = rr->rdata, .rdlen = rr->rdlen,
		                 .algorithm = rr->rdlen >= 4 ? rr->rdata[3] : 0 };
		if (zg_keytag(rr->rdata, rr->rdlen, &key.tag) != ZG_EOK) {
			continue;
		}
		for (uint32_t i = 0; i < ds->rr_count; i++) {
			if (zg_ds_matches(ctx->zone->origin, &dz->rrs[ds->rr_first + i], &key)) {
				return true;
			}
		}
	}
	return false;
}
