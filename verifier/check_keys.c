/* check_keys.c -- dnskey.*, cds.mismatch and ds.* (RFC 4034 2 and 5, RFC 4035 2.2, RFC 7344/8078). */
#include <string.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/internal/vctx.h"
#include "verifier/name.h"

#define FLAG_REVOKE 0x0080

static void check_algorithm(zg_vctx_t *ctx, const zg_key_t *k)
{
	uint32_t apex = ctx->zone->apex;
	if (!zg_crypto_alg_supported(k->algorithm)) {
		zg_emit(ctx, ZG_F_DNSKEY_ALGORITHM, apex, KNOT_RRTYPE_DNSKEY, k,
		        "algorithm %u is not supported (RFC 8624); signatures by it cannot be verified",
		        k->algorithm);
	} else if (k->pk == NULL) {
		zg_emit(ctx, ZG_F_DNSKEY_MALFORMED, apex, KNOT_RRTYPE_DNSKEY, k,
		        "public key of key %u (algorithm %u, line %u) is malformed or refused by OpenSSL",
		        k->tag, k->algorithm, k->line);
	} else if (k->algorithm == 5 || k->algorithm == 7) {
		zg_emit_sev(ctx, ZG_F_DNSKEY_ALGORITHM, ZG_SEV_WARNING, apex, KNOT_RRTYPE_DNSKEY, k,
		            "algorithm %u uses SHA-1, deprecated for signing (RFC 8624)", k->algorithm);
	} else if (k->algorithm <= 10 && zg_pubkey_bits(k->pk) < 2048) {
		zg_emit_sev(ctx, ZG_F_DNSKEY_ALGORITHM, ZG_SEV_WARNING, apex, KNOT_RRTYPE_DNSKEY, k,
		            "RSA key of %u bits, below 2048", zg_pubkey_bits(k->pk));
	}
}

static void check_collisions(zg_vctx_t *ctx)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		for (size_t j = i + 1; j < ctx->nkeys; j++) {
			const zg_key_t *a = &ctx->keys[i], *b = &ctx->keys[j];
			if (a->zone_key && b->zone_key && a->tag == b->tag &&
			    a->algorithm == b->algorithm) {
				zg_emit(ctx, ZG_F_DNSKEY_TAG_COLLISION, ctx->zone->apex,
				        KNOT_RRTYPE_DNSKEY, a,
				        "keys at lines %u and %u (flags %u and %u) share tag %u, "
				        "algorithm %u", a->line, b->line, a->flags, b->flags, a->tag,
				        a->algorithm);
			}
		}
	}
}

static bool cdnskey_matches(const zg_vctx_t *ctx, const zg_rr_t *rr)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		if (ctx->keys[i].rdlen == rr->rdlen &&
		    memcmp(ctx->keys[i].rdata, rr->rdata, rr->rdlen) == 0) {
			return true;
		}
	}
	return false;
}

/* Does a DS/CDS RDATA match this DNSKEY (tag, algorithm, digest)? */
bool zg_ds_matches(const uint8_t *owner, const zg_rr_t *ds, const zg_key_t *k)
{
	if (ds->rdlen < 5 || knot_wire_read_u16(ds->rdata) != k->tag ||
	    ds->rdata[2] != k->algorithm) {
		return false;
	}
	uint8_t digest[64];
	size_t dlen = 0;
	if (zg_ds_digest(ds->rdata[3], owner, zg_dname_len(owner, ZG_DNAME_MAXLEN), k->rdata,
	                 k->rdlen, digest, &dlen) != ZG_EOK) {
		return false;
	}
	return dlen == ds->rdlen - 4u && memcmp(digest, ds->rdata + 4, dlen) == 0;
}

static bool cds_matches_any(const zg_vctx_t *ctx, const zg_rr_t *rr)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		if (zg_ds_matches(ctx->zone->origin, rr, &ctx->keys[i])) {
			return true;
		}
	}
	return false;
}

/* RFC 8078 4: "CDS 0 0 0 00" and "CDNSKEY 0 3 0 AA==" ask the parent to remove the DS. */
static bool is_delete(uint16_t type, const zg_rr_t *rr)
{
	static const uint8_t cds_del[] = { 0, 0, 0, 0, 0 };
	static const uint8_t cdnskey_del[] = { 0, 0, 3, 0, 0 };
	const uint8_t *want = type == KNOT_RRTYPE_CDS ? cds_del : cdnskey_del;
	return rr->rdlen == 5 && memcmp(rr->rdata, want, 5) == 0;
}

static void check_cds_set(zg_vctx_t *ctx, uint16_t type)
{
	const zg_zone_t *z = ctx->zone;
	const zg_rrset_t *s = zg_zone_rrset(z, z->apex, type);
	for (uint32_t i = 0; s != NULL && i < s->rr_count; i++) {
		const zg_rr_t *rr = &z->rrs[s->rr_first + i];
		bool ok = is_delete(type, rr) ||
		          (type == KNOT_RRTYPE_CDS ? cds_matches_any(ctx, rr) : cdnskey_matches(ctx, rr));
		if (!ok) {
			zg_emit(ctx, ZG_F_CDS_MISMATCH, z->apex, type, NULL,
			        "%s at line %u matches no published DNSKEY",
			        type == KNOT_RRTYPE_CDS ? "CDS" : "CDNSKEY", rr->line);
		}
	}
}

/* RFC 7344 4.1: when both are published they must describe the same keys. */
static void check_cds_agree(zg_vctx_t *ctx)
{
	const zg_zone_t *z = ctx->zone;
	const zg_rrset_t *cds = zg_zone_rrset(z, z->apex, KNOT_RRTYPE_CDS);
	const zg_rrset_t *cdk = zg_zone_rrset(z, z->apex, KNOT_RRTYPE_CDNSKEY);
	if (cds == NULL || cdk == NULL) {
		return;
	}
	for (uint32_t i = 0; i < cdk->rr_count; i++) {
		const zg_rr_t *k = &z->rrs[cdk->rr_first + i];
		if (is_delete(KNOT_RRTYPE_CDNSKEY, k) || k->rdlen < 4) {
			continue;
		}
		zg_key_t key = { .rdata = k->rdata, .rdlen = k->rdlen, .algorithm = k->rdata[3] };
		(void)zg_keytag(k->rdata, k->rdlen, &key.tag);
		bool found = false;
		for (uint32_t j = 0; j < cds->rr_count && !found; j++) {
			found = zg_ds_matches(z->origin, &z->rrs[cds->rr_first + j], &key);
		}
		if (!found) {
			zg_emit(ctx, ZG_F_CDS_MISMATCH, z->apex, KNOT_RRTYPE_CDNSKEY, NULL,
			        "CDNSKEY at line %u (tag %u) has no matching CDS", k->line, key.tag);
		}
	}
}

void zg_check_keys(zg_vctx_t *ctx)
{
	bool any = false;
	for (size_t i = 0; i < ctx->nkeys; i++) {
		const zg_key_t *k = &ctx->keys[i];
		if (k->zone_key) {
			any = true;
			check_algorithm(ctx, k);
		}
	}
	if (!any) {
		zg_emit(ctx, ZG_F_DNSKEY_MISSING, ctx->zone->apex, KNOT_RRTYPE_DNSKEY, NULL,
		        ctx->nkeys ? "no DNSKEY with the zone key flag and protocol 3"
		                   : "no DNSKEY RRset at the apex");
		ctx->skip_sigs = true;
		return;
	}
	check_collisions(ctx);
	check_cds_set(ctx, KNOT_RRTYPE_CDS);
	check_cds_set(ctx, KNOT_RRTYPE_CDNSKEY);
	check_cds_agree(ctx);
}
