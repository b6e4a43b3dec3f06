/* check_rollover.c -- rollover.* against the previous version (--prev): new signing keys must
 * have been published before they sign (pre-publication, RFC 6781 4.1.1), a key that still
 * signed must not vanish, and the parent's DS must keep pointing at a published key. Without
 * the gate's timing state the previous version stands for "published long enough". */
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/internal/vctx.h"
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

void zg_rollover_prepare(zg_vctx_t *ctx)
{
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

static bool published_now(const zg_vctx_t *ctx, const zg_rr_t *prev_key)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		if (same_rdata(prev_key, ctx->keys[i].rdata, ctx->keys[i].rdlen)) {
			return true;
		}
	}
	return false;
}

/* Mark the previous DNSKEYs that signed data other than the DNSKEY RRset. */
static void prev_signers(const zg_zone_t *p, const zg_rrset_t *pk, bool *signed_data)
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
		for (uint32_t j = 0; s->type != KNOT_RRTYPE_DNSKEY && j < s->sig_count; j++) {
			zg_rrsig_t sig;
			if (zg_rrsig_parse(p->sigs[s->sig_first + j].rdata, p->sigs[s->sig_first + j].rdlen,
			                   &sig) != ZG_EOK) {
				continue;
			}
			for (uint32_t k = 0; k < pk->rr_count; k++) {
				const zg_rr_t *rr = &p->rrs[pk->rr_first + k];
				signed_data[k] |= tags[k] == sig.keytag && rr->rdlen >= 4 &&
				                  rr->rdata[3] == sig.algorithm;
			}
		}
	}
	free(tags);
}

void zg_check_rollover(zg_vctx_t *ctx)
{
	const zg_rrset_t *pk = prev_dnskey(ctx);
	if (!ctx->prev_signed || pk == NULL || ctx->skip_sigs) {
		return;
	}
	const zg_zone_t *p = ctx->opts->prev;
	bool *signed_data = calloc(pk->rr_count, sizeof(bool));
	if (signed_data == NULL) {
		ctx->fatal = ZG_ENOMEM;
		return;
	}
	prev_signers(p, pk, signed_data);
	for (uint32_t k = 0; k < pk->rr_count; k++) {
		const zg_rr_t *rr = &p->rrs[pk->rr_first + k];
		uint16_t tag = 0;
		if (!signed_data[k] || published_now(ctx, rr) || zg_keytag(rr->rdata, rr->rdlen, &tag)) {
			continue;
		}
		zg_emit(ctx, ZG_F_ROLLOVER_REMOVED_TOO_EARLY, ctx->zone->apex, KNOT_RRTYPE_DNSKEY, NULL,
		        "key %u (algorithm %u) signed data in the previous version and is gone now: "
		        "its cached signatures outlive it (retire it first, remove it a TTL later)",
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
