/* check_ds.c -- ds.*: the parent's DS set against the published keys (RFC 4034 5, RFC 4035 2.2). */
#include <stdbool.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/internal/vctx.h"
#include "verifier/name.h"

#define MAX_ALGS 256

/* Some DS of the set other than SHA-1 matches every key that the SHA-1 DS sha1 matches: then
 * that DS is not the one the key depends on (RFC 4509 3: validators prefer SHA-256). */
static bool sha1_redundant(const zg_vctx_t *ctx, const zg_zone_t *dz, const zg_rrset_t *ds,
                           const zg_rr_t *sha1)
{
	for (size_t k = 0; k < ctx->nkeys; k++) {
		const zg_key_t *key = &ctx->keys[k];
		if (!key->zone_key || !zg_ds_matches(ctx->zone->origin, sha1, key)) {
			continue;
		}
		bool other = false;
		for (uint32_t i = 0; i < ds->rr_count && !other; i++) {
			const zg_rr_t *rr = &dz->rrs[ds->rr_first + i];
			other = zg_ds_matches(ctx->zone->origin, rr, key) && rr->rdata[3] != 1;
		}
		if (!other) {
			return false;
		}
	}
	return true;
}

/* A DS of a digest type zonegate does not compute (GOST R 34.11-94, unassigned ones) that names
 * a published zone key's tag and algorithm: it cannot be checked, which does not make it stale.
 * Validators treat a DS of a digest type they do not implement as absent (RFC 6840 5.2). */
static bool unknown_digest_of_a_key(const zg_vctx_t *ctx, const zg_rr_t *rr)
{
	if (rr->rdlen < 4 || rr->rdata[3] == 1 || rr->rdata[3] == 2 || rr->rdata[3] == 4) {
		return false;
	}
	for (size_t k = 0; k < ctx->nkeys; k++) {
		const zg_key_t *key = &ctx->keys[k];
		if (key->zone_key && key->tag == knot_wire_read_u16(rr->rdata) &&
		    key->algorithm == rr->rdata[2]) {
			return true;
		}
	}
	return false;
}

/* Mark DS-matched keys; report DS records that match nothing. Returns the number matching. */
static unsigned match_ds(zg_vctx_t *ctx, const zg_zone_t *dz, const zg_rrset_t *ds,
                         bool algs[MAX_ALGS])
{
	unsigned matched = 0;
	for (uint32_t i = 0; i < ds->rr_count; i++) {
		const zg_rr_t *rr = &dz->rrs[ds->rr_first + i];
		bool hit = false;
		for (size_t k = 0; k < ctx->nkeys; k++) {
			zg_key_t *key = &ctx->keys[k];
			if (key->zone_key && zg_ds_matches(ctx->zone->origin, rr, key)) {
				key->ds_matched = true;
				hit = true;
			}
		}
		if (rr->rdlen >= 4 && (rr->rdata[3] == 2 || rr->rdata[3] == 4 || rr->rdata[3] == 1)) {
			algs[rr->rdata[2]] = true;
		}
		if (!hit && !unknown_digest_of_a_key(ctx, rr)) {
			zg_emit(ctx, ZG_F_DS_UNMATCHED, ctx->zone->apex, KNOT_RRTYPE_DS, NULL,
			        "DS %u %u %u (line %u) matches no DNSKEY",
			        rr->rdlen >= 4 ? knot_wire_read_u16(rr->rdata) : 0,
			        rr->rdlen >= 4 ? rr->rdata[2] : 0, rr->rdlen >= 4 ? rr->rdata[3] : 0,
			        rr->line);
		} else if (hit) {
			matched++;
			if (rr->rdata[3] == 1 && !sha1_redundant(ctx, dz, ds, rr)) {
				zg_emit(ctx, ZG_F_DS_DIGEST_SHA1, ctx->zone->apex, KNOT_RRTYPE_DS, NULL,
				        "DS %u at line %u uses digest type 1 (SHA-1), deprecated by RFC 8624",
				        knot_wire_read_u16(rr->rdata), rr->line);
			}
		}
	}
	return matched;
}

/* RFC 4035 2.2: for each algorithm of the DS set, a matched key of it signs the DNSKEY set. */
static void check_chain(zg_vctx_t *ctx, const bool algs[MAX_ALGS])
{
	for (unsigned alg = 0; alg < MAX_ALGS; alg++) {
		if (!algs[alg]) {
			continue;
		}
		bool ok = false;
		for (size_t k = 0; k < ctx->nkeys && !ok; k++) {
			const zg_key_t *key = &ctx->keys[k];
			ok = key->algorithm == alg && key->ds_matched && key->signs_dnskey;
		}
		if (!ok) {
			zg_emit(ctx, ZG_F_DS_NO_VALID_SIG, ctx->zone->apex, KNOT_RRTYPE_DNSKEY, NULL,
			        "no key matched by a DS of algorithm %u makes a valid RRSIG over the "
			        "DNSKEY RRset: the chain of trust breaks here", alg);
		}
	}
}

void zg_check_ds(zg_vctx_t *ctx)
{
	const zg_zone_t *dz = ctx->opts->ds;
	if (dz == NULL) {
		zg_emit(ctx, ZG_F_DS_ABSENT, ctx->zone->apex, KNOT_RRTYPE_DS, NULL,
		        "no parent DS given (--ds): the apex DNSKEY set is taken as given");
		return;
	}
	uint32_t at = zg_zone_find_name(dz, ctx->zone->origin);
	const zg_rrset_t *ds = zg_zone_rrset(dz, at, KNOT_RRTYPE_DS);
	if (ds == NULL) {
		zg_emit(ctx, ZG_F_DS_NO_MATCH, ctx->zone->apex, KNOT_RRTYPE_DS, NULL,
		        "the DS file has no DS RRset for the zone apex");
		return;
	}
	bool algs[MAX_ALGS] = { false };
	if (match_ds(ctx, dz, ds, algs) == 0) {
		if (ctx->prev_signed && zg_rollover_ds_orphaned(ctx, dz, ds)) {
			zg_emit(ctx, ZG_F_ROLLOVER_DS_ORPHANED, ctx->zone->apex, KNOT_RRTYPE_DS, NULL,
			        "the parent DS matched a key of the previous version, which is no longer "
			        "published: the KSK was removed before the DS was replaced");
			return;
		}
		zg_emit(ctx, ZG_F_DS_NO_MATCH, ctx->zone->apex, KNOT_RRTYPE_DS, NULL,
		        "none of the %u parent DS records matches a published zone key", ds->rr_count);
		return;
	}
	if (!ctx->skip_sigs) {
		check_chain(ctx, algs);
	}
}
