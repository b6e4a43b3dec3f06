/* zonemd.c -- zonemd.* findings: ZONEMD verification, SIMPLE scheme (RFC 8976 3 and 4). */
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/internal/vctx.h"
#include "verifier/name.h"

#define SCHEME_SIMPLE 1
#define ZONEMD_FIXED  6  /* serial (4), scheme (1), hash algorithm (1), then the digest */
#define RR_FIXED      10 /* type, class, TTL, RDLENGTH after the owner */
#define HEX_PREFIX    8  /* digest bytes shown in a reason */
#define HEX_STRLEN    (2 * HEX_PREFIX + 4)

/* Every zonemd.* finding is about the apex ZONEMD RRset. */
#define emit_apex(ctx, id, ...) \
	zg_emit((ctx), (id), (ctx)->zone->apex, KNOT_RRTYPE_ZONEMD, NULL, __VA_ARGS__)

/* The ZONEMD hash algorithms this tool verifies (RFC 8976 IANA registry). */
typedef struct {
	uint8_t alg;
	const char *name;
	const EVP_MD *(*md)(void);
	size_t len;
} hash_t;

static const hash_t HASHES[] = {
	{ 1, "SHA-384", EVP_sha384, 48 },
	{ 2, "SHA-512", EVP_sha512, 64 },
};

#define NHASHES (sizeof(HASHES) / sizeof(HASHES[0]))

/* Running digests: one context per hash that a supported ZONEMD RR uses, NULL otherwise. */
typedef struct {
	EVP_MD_CTX *md[NHASHES];
	uint8_t out[NHASHES][EVP_MAX_MD_SIZE];
} digest_t;

/* Index into HASHES of a SIMPLE-scheme ZONEMD RR with a supported hash, or -1. */
static int supported_hash(const zg_rr_t *rr)
{
	if (rr->rdlen < ZONEMD_FIXED || rr->rdata[4] != SCHEME_SIMPLE) {
		return -1;
	}
	for (size_t h = 0; h < NHASHES; h++) {
		if (rr->rdata[5] == HASHES[h].alg) {
			return (int)h;
		}
	}
	return -1;
}

/* Up to HEX_PREFIX bytes as lowercase hex, "..." when there are more. */
static const char *hex_prefix(const uint8_t *data, size_t len, char out[HEX_STRLEN])
{
	static const char DIGITS[] = "0123456789abcdef";
	size_t n = len < HEX_PREFIX ? len : HEX_PREFIX;
	size_t pos = 0;
	for (size_t i = 0; i < n; i++) {
		out[pos++] = DIGITS[data[i] >> 4];
		out[pos++] = DIGITS[data[i] & 0x0f];
	}
	if (len > n) {
		memcpy(out + pos, "...", 3);
		pos += 3;
	}
	out[pos] = '\0';
	return out;
}

/* One RR as owner | type | class | TTL | RDLENGTH | RDATA into every running digest. */
static bool digest_rr(digest_t *d, const uint8_t *owner, size_t olen, uint16_t type,
                      const zg_rr_t *rr)
{
	uint8_t head[ZG_DNAME_MAXLEN + RR_FIXED];
	assert(olen <= ZG_DNAME_MAXLEN);
	memcpy(head, owner, olen);
	knot_wire_write_u16(head + olen, type);
	knot_wire_write_u16(head + olen + 2, KNOT_CLASS_IN);
	knot_wire_write_u32(head + olen + 4, rr->ttl); /* the RR's own TTL */
	knot_wire_write_u16(head + olen + 8, rr->rdlen);
	for (size_t h = 0; h < NHASHES; h++) {
		if (d->md[h] == NULL) {
			continue;
		}
		if (EVP_DigestUpdate(d->md[h], head, olen + RR_FIXED) != 1 ||
		    EVP_DigestUpdate(d->md[h], rr->rdata, rr->rdlen) != 1) {
			return false;
		}
	}
	return true;
}

/* Canonical RDATA order (RFC 4034 6.3): octet strings, a prefix sorts first. */
static inline int rdata_cmp(const zg_rr_t *a, const zg_rr_t *b)
{
	int c = memcmp(a->rdata, b->rdata, a->rdlen < b->rdlen ? a->rdlen : b->rdlen);
	return c != 0 ? c : (a->rdlen > b->rdlen) - (a->rdlen < b->rdlen);
}

/*
 * The RRSIG RRset of a name. The model files RRSIGs under the RRset of the covered type, each
 * group in canonical RDATA order; RRSIG RDATA starts with the covered type and the name's RRsets
 * are sorted by type, so walking the groups in RRset order already yields the whole RRSIG RRset
 * in canonical RDATA order, with no sort and no allocation.
 */
static bool digest_sigs(const zg_zone_t *z, const zg_name_t *nm, size_t olen, bool apex,
                        digest_t *d)
{
	const zg_rr_t *prev = NULL;
	for (uint32_t k = 0; k < nm->rrset_count; k++) {
		const zg_rrset_t *s = &z->rrsets[nm->rrset_first + k];
		if (apex && s->type == KNOT_RRTYPE_ZONEMD) {
			continue; /* RFC 8976 3.3.1.1: not the RRSIGs covering the apex ZONEMD */
		}
		for (uint32_t i = 0; i < s->sig_count; i++) {
			const zg_rr_t *sig = &z->sigs[s->sig_first + i];
			assert(prev == NULL || rdata_cmp(prev, sig) < 0);
			if (!digest_rr(d, nm->owner, olen, KNOT_RRTYPE_RRSIG, sig)) {
				return false;
			}
			prev = sig;
		}
	}
	(void)prev; /* read by the assert only */
	return true;
}

/* Every RRset of one name in type order, the RRSIG RRset in its place (type 46). */
static bool digest_name(const zg_zone_t *z, uint32_t idx, digest_t *d)
{
	const zg_name_t *nm = &z->names[idx];
	size_t olen = zg_dname_len(nm->owner, ZG_DNAME_MAXLEN);
	bool apex = idx == z->apex;
	bool sigs_done = false;
	for (uint32_t k = 0; k < nm->rrset_count; k++) {
		const zg_rrset_t *s = &z->rrsets[nm->rrset_first + k];
		if (!sigs_done && s->type > KNOT_RRTYPE_RRSIG) {
			if (!digest_sigs(z, nm, olen, apex, d)) {
				return false;
			}
			sigs_done = true;
		}
		if (apex && s->type == KNOT_RRTYPE_ZONEMD) {
			continue; /* RFC 8976 3.3.1.1: not the apex ZONEMD RRset */
		}
		for (uint32_t i = 0; i < s->rr_count; i++) {
			if (!digest_rr(d, nm->owner, olen, s->type, &z->rrs[s->rr_first + i])) {
				return false;
			}
		}
	}
	return sigs_done || digest_sigs(z, nm, olen, apex, d);
}

static void digest_free(digest_t *d)
{
	for (size_t h = 0; h < NHASHES; h++) {
		EVP_MD_CTX_free(d->md[h]);
		d->md[h] = NULL;
	}
}

/*
 * RFC 8976 3.3.1: the SIMPLE digest over the zone in canonical order, streamed RR by RR, for
 * each hash with needed[h] set. Names outside the zone are not zone data (RFC 8976 A.2);
 * everything else counts: glue, occluded data, non-apex ZONEMD. Duplicates are gone already.
 */
static zg_err_t digest_zone(const zg_zone_t *z, const bool needed[NHASHES], digest_t *d)
{
	for (size_t h = 0; h < NHASHES; h++) {
		if (!needed[h]) {
			continue;
		}
		d->md[h] = EVP_MD_CTX_new();
		if (d->md[h] == NULL || EVP_DigestInit_ex(d->md[h], HASHES[h].md(), NULL) != 1) {
			return ZG_ECRYPTO;
		}
	}
	for (uint32_t i = 0; i < z->nnames; i++) {
		if ((z->names[i].flags & ZG_NAME_OUTSIDE) == 0 && !digest_name(z, i, d)) {
			return ZG_ECRYPTO;
		}
	}
	for (size_t h = 0; h < NHASHES; h++) {
		unsigned int len = 0;
		if (d->md[h] != NULL &&
		    (EVP_DigestFinal_ex(d->md[h], d->out[h], &len) != 1 || len != HASHES[h].len)) {
			return ZG_ECRYPTO;
		}
	}
	return ZG_EOK;
}

/* RFC 8976 4: the serial field of each supported RR equals the apex SOA serial. */
static void check_serials(zg_vctx_t *ctx, const zg_rrset_t *set)
{
	uint32_t soa = 0;
	if (!zg_zone_serial(ctx->zone, &soa)) {
		return; /* no apex SOA: zone.origin reports it */
	}
	for (uint32_t i = 0; i < set->rr_count; i++) {
		const zg_rr_t *rr = &ctx->zone->rrs[set->rr_first + i];
		int h = supported_hash(rr);
		if (h < 0) {
			continue;
		}
		uint32_t serial = knot_wire_read_u32(rr->rdata);
		if (serial != soa) {
			emit_apex(ctx, ZG_F_ZONEMD_SERIAL,
			          "%s zonemd serial %u differs from soa serial %u", HASHES[h].name,
			          serial, soa);
		}
	}
}

/* RFC 8976 2 and 4: at most one RR per scheme and hash algorithm. */
static void check_duplicates(zg_vctx_t *ctx, const unsigned count[NHASHES])
{
	for (size_t h = 0; h < NHASHES; h++) {
		if (count[h] > 1) {
			emit_apex(ctx, ZG_F_ZONEMD_MISMATCH,
			          "%u zonemd rrs with scheme 1, hash %u (%s): rfc 8976 allows one",
			          count[h], HASHES[h].alg, HASHES[h].name);
		}
	}
}

static bool digest_matches(const zg_rr_t *rr, int h, const digest_t *d)
{
	size_t len = rr->rdlen - (size_t)ZONEMD_FIXED;
	return len == HASHES[h].len && CRYPTO_memcmp(rr->rdata + ZONEMD_FIXED, d->out[h], len) == 0;
}

/* One finding about the first supported RR when no supported RR matches. */
static void report_mismatch(zg_vctx_t *ctx, const zg_rr_t *rr, int h, const digest_t *d,
                            unsigned others)
{
	char computed[HEX_STRLEN], published[HEX_STRLEN], more[64] = "";
	size_t len = rr->rdlen - (size_t)ZONEMD_FIXED;
	hex_prefix(d->out[h], HASHES[h].len, computed);
	hex_prefix(rr->rdata + ZONEMD_FIXED, len, published);
	if (others > 0) {
		snprintf(more, sizeof(more), "; %u other supported digest%s do%s not match either",
		         others, others > 1 ? "s" : "", others > 1 ? "" : "es");
	}
	if (len != HASHES[h].len) {
		emit_apex(ctx, ZG_F_ZONEMD_MISMATCH,
		          "%s digest has %zu bytes, not %zu (computed %s, published %s)%s",
		          HASHES[h].name, len, HASHES[h].len, computed, published, more);
		return;
	}
	emit_apex(ctx, ZG_F_ZONEMD_MISMATCH,
	          "%s digest does not match (computed %s, published %s)%s", HASHES[h].name,
	          computed, published, more);
}

/* RFC 8976 4: verification succeeds if one supported RR matches the computed digest. */
static void check_digests(zg_vctx_t *ctx, const zg_rrset_t *set, const digest_t *d)
{
	const zg_rr_t *first = NULL;
	int first_h = -1;
	unsigned supported = 0;
	for (uint32_t i = 0; i < set->rr_count; i++) {
		const zg_rr_t *rr = &ctx->zone->rrs[set->rr_first + i];
		int h = supported_hash(rr);
		if (h < 0) {
			continue;
		}
		if (digest_matches(rr, h, d)) {
			return;
		}
		if (supported++ == 0) {
			first = rr;
			first_h = h;
		}
	}
	if (first != NULL) {
		report_mismatch(ctx, first, first_h, d, supported - 1);
	}
}

void zg_check_zonemd(zg_vctx_t *ctx)
{
	assert(ctx != NULL && ctx->zone != NULL);
	const zg_zone_t *z = ctx->zone;
	const zg_rrset_t *set = zg_zone_rrset(z, z->apex, KNOT_RRTYPE_ZONEMD);
	if (set == NULL) {
		return; /* no ZONEMD at the apex: nothing to verify */
	}
	unsigned count[NHASHES] = { 0 };
	bool needed[NHASHES] = { false };
	bool any = false;
	for (uint32_t i = 0; i < set->rr_count; i++) {
		int h = supported_hash(&z->rrs[set->rr_first + i]);
		if (h >= 0) {
			count[h]++;
			needed[h] = any = true;
		}
	}
	if (!any) {
		emit_apex(ctx, ZG_F_ZONEMD_UNSUPPORTED,
		          "%u zonemd rr%s, none with scheme 1 and hash 1 (SHA-384) or 2 (SHA-512)",
		          set->rr_count, set->rr_count > 1 ? "s" : "");
		return;
	}
	check_serials(ctx, set);
	check_duplicates(ctx, count);
	digest_t d = { 0 };
	zg_err_t ret = digest_zone(z, needed, &d);
	if (ret == ZG_EOK) {
		check_digests(ctx, set, &d);
	} else if (ctx->fatal == ZG_EOK) {
		ctx->fatal = ret; /* could not compute the digest: the caller refuses to publish */
	}
	digest_free(&d);
}
