/* check_nsec.c -- nsec.*: every authoritative name has an NSEC, the chain is one cycle in
 * canonical order from the apex back to it (RFC 4034 4, 6.1), bitmaps are exact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include "verifier/internal/vctx.h"
#include "verifier/name.h"
#include "verifier/nsec3.h"

static void add_type(uint16_t *out, size_t *n, uint16_t t)
{
	size_t i = *n;
	while (i > 0 && out[i - 1] > t) { /* keep ascending: insertion */
		out[i] = out[i - 1];
		i--;
	}
	if (i > 0 && out[i - 1] == t) {
		memmove(out + i, out + i + 1, (*n - i) * sizeof(*out));
		return;
	}
	out[i] = t;
	(*n)++;
}

size_t zg_denial_types(const zg_zone_t *z, uint32_t name, bool nsec3, uint16_t *out)
{
	const zg_name_t *nm = &z->names[name];
	size_t n = 0;
	bool signed_data = false;
	for (uint32_t k = 0; k < nm->rrset_count && n + 2 < ZG_MAX_NAME_TYPES; k++) {
		const zg_rrset_t *s = &z->rrsets[nm->rrset_first + k];
		bool at_cut_ok = s->type == KNOT_RRTYPE_NS || (s->flags & ZG_RRSET_AUTH);
		if (s->rr_count == 0 || s->type == KNOT_RRTYPE_NSEC3 ||
		    ((nm->flags & ZG_NAME_CUT) && !at_cut_ok)) {
			continue;
		}
		signed_data |= (s->flags & ZG_RRSET_AUTH) && s->type != KNOT_RRTYPE_NSEC;
		add_type(out, &n, s->type);
	}
	if (!nsec3) {
		add_type(out, &n, KNOT_RRTYPE_NSEC);
		add_type(out, &n, KNOT_RRTYPE_RRSIG); /* the NSEC itself is signed */
	} else if (signed_data) {
		add_type(out, &n, KNOT_RRTYPE_RRSIG);
	}
	return n;
}

/* Append type names of a[] not in b[] to buf. */
static void diff_types(const uint16_t *a, size_t na, const uint16_t *b, size_t nb, char *buf,
                       size_t size)
{
	size_t j = 0, used = strlen(buf);
	for (size_t i = 0; i < na; i++) {
		while (j < nb && b[j] < a[i]) {
			j++;
		}
		if (j < nb && b[j] == a[i]) {
			continue;
		}
		char tb[32];
		if (knot_rrtype_to_string(a[i], tb, sizeof(tb)) < 0) {
			snprintf(tb, sizeof(tb), "TYPE%u", a[i]);
		}
		int w = snprintf(buf + used, size - used, " %s", tb);
		if (w < 0 || (size_t)w >= size - used) {
			return;
		}
		used += (size_t)w;
	}
}

/* "NSEC", or "NSEC3 of NAME" with " (empty non-terminal)" for an ENT: made only for a finding */
static const char *bitmap_what(const zg_bitmap_of_t *of, char *buf, size_t size)
{
	if (of->owner == NULL) {
		return of->what;
	}
	char nb[ZG_DNAME_STRLEN];
	snprintf(buf, size, "%s of %s%s", of->what, zg_dname_str(of->owner, nb, sizeof(nb)),
	         of->ent ? " (empty non-terminal)" : "");
	return buf;
}

void zg_check_bitmap(zg_vctx_t *ctx, zg_finding_id_t id, uint32_t at, const uint8_t *bm,
                     size_t len, const uint16_t *want, size_t nwant, const zg_bitmap_of_t *of)
{
	uint16_t *have = ctx->bm_types;
	size_t nhave = 0;
	char what[ZG_DNAME_STRLEN + 64];
	if (zg_bitmap_decode(bm, len, have, ZG_BITMAP_MAX_TYPES, &nhave) != ZG_EOK) {
		zg_emit(ctx, id, at, 0, NULL, "%s: malformed type bitmap windows",
		        bitmap_what(of, what, sizeof(what)));
		return;
	}
	if (nhave == nwant && memcmp(have, want, nwant * sizeof(*want)) == 0) {
		return;
	}
	char missing[256] = "", extra[256] = "";
	diff_types(want, nwant, have, nhave, missing, sizeof(missing));
	diff_types(have, nhave, want, nwant, extra, sizeof(extra));
	zg_emit(ctx, id, at, 0, NULL, "%s: bitmap lacks [%s ] and lists absent [%s ]",
	        bitmap_what(of, what, sizeof(what)), missing, extra);
}

/* The NSEC at `prev` must name `next_owner` (lowercased compare, RFC 6840 5.1 keeps case). */
static void check_link(zg_vctx_t *ctx, uint32_t prev, const uint8_t *next_owner)
{
	const zg_zone_t *z = ctx->zone;
	const zg_rrset_t *s = zg_zone_rrset(z, prev, KNOT_RRTYPE_NSEC);
	const zg_rr_t *rr = &z->rrs[s->rr_first];
	uint8_t next[ZG_DNAME_MAXLEN + 1];
	size_t nlen = zg_dname_len(rr->rdata, rr->rdlen);
	if (nlen == 0) {
		zg_emit(ctx, ZG_F_NSEC_CHAIN, prev, KNOT_RRTYPE_NSEC, NULL, "malformed next name");
		return;
	}
	memcpy(next, rr->rdata, nlen);
	zg_dname_lower(next);
	if (zg_dname_cmp(next, next_owner) != 0) {
		char a[ZG_DNAME_STRLEN], b[ZG_DNAME_STRLEN];
		zg_emit(ctx, ZG_F_NSEC_CHAIN, prev, KNOT_RRTYPE_NSEC, NULL,
		        "NSEC next name is %s, the next name in canonical order is %s",
		        zg_dname_str(next, a, sizeof(a)), zg_dname_str(next_owner, b, sizeof(b)));
	}
}

static void check_one_nsec(zg_vctx_t *ctx, uint32_t i, const zg_rrset_t *s)
{
	const zg_zone_t *z = ctx->zone;
	if (s->rr_count > 1) {
		zg_emit(ctx, ZG_F_NSEC_CHAIN, i, KNOT_RRTYPE_NSEC, NULL, "%u NSEC records at one name",
		        s->rr_count);
	}
	const zg_rr_t *rr = &z->rrs[s->rr_first];
	size_t nlen = zg_dname_len(rr->rdata, rr->rdlen);
	uint16_t want[ZG_MAX_NAME_TYPES];
	size_t nwant = zg_denial_types(z, i, false, want);
	if (nlen > 0) {
		zg_check_bitmap(ctx, ZG_F_NSEC_BITMAP, i, rr->rdata + nlen, rr->rdlen - nlen, want,
		                nwant, &(zg_bitmap_of_t){ .what = "NSEC" });
	}
}

static void check_nsec_chain(zg_vctx_t *ctx)
{
	const zg_zone_t *z = ctx->zone;
	uint32_t prev = ZG_NONE;
	for (uint32_t i = 0; i < z->nnames; i++) {
		const zg_name_t *nm = &z->names[i];
		const zg_rrset_t *s = zg_zone_rrset(z, i, KNOT_RRTYPE_NSEC);
		if ((nm->flags & ZG_NAME_OUTSIDE) || !zg_zone_has_data(z, i, 0)) {
			continue;
		}
		if (nm->flags & ZG_NAME_OCCLUDED) {
			if (s != NULL) {
				zg_emit(ctx, ZG_F_NSEC_CHAIN, i, KNOT_RRTYPE_NSEC, NULL,
				        "NSEC at glue or occluded name: not part of the chain");
			}
			continue;
		}
		if (s == NULL) {
			zg_emit(ctx, ZG_F_NSEC_MISSING, i, 0, NULL, "authoritative name has no NSEC");
			continue;
		}
		check_one_nsec(ctx, i, s);
		zg_report_counts_mut(ctx->report)->nsec++;
		if (prev != ZG_NONE) {
			check_link(ctx, prev, nm->owner);
		}
		prev = i;
	}
	if (prev != ZG_NONE) {
		check_link(ctx, prev, z->origin); /* the last NSEC points back at the apex */
	}
}

void zg_check_nsec(zg_vctx_t *ctx)
{
	const zg_zone_t *z = ctx->zone;
	if (ctx->skip_sigs || z->apex == ZG_NONE) {
		return; /* unsigned zone or no apex: dnskey.missing / zone.origin say it */
	}
	bool nsec = zg_zone_has_type(z, KNOT_RRTYPE_NSEC);
	bool nsec3 = zg_zone_has_type(z, KNOT_RRTYPE_NSEC3) ||
	             zg_zone_has_type(z, KNOT_RRTYPE_NSEC3PARAM);
	ctx->bm_types = malloc(ZG_BITMAP_MAX_TYPES * sizeof(uint16_t));
	if (ctx->bm_types == NULL) {
		ctx->fatal = ZG_ENOMEM;
		return;
	}
	if (nsec && nsec3) {
		zg_emit(ctx, ZG_F_NSEC_MIXED, z->apex, 0, NULL,
		        "the zone has both NSEC and NSEC3 records: validators cannot use either");
		free(ctx->bm_types);
		ctx->bm_types = NULL;
		return;
	}
	if (nsec3) {
		zg_check_nsec3(ctx);
	} else {
		check_nsec_chain(ctx);
	}
	free(ctx->bm_types);
	ctx->bm_types = NULL;
}
