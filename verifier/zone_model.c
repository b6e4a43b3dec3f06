/* zone_model.c -- canonical record order; mark apex, cuts, occlusion; look up names and RRsets. */
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/internal/zone_build.h"
#include "verifier/internal/zone_model.h"
#include "verifier/name.h"

/* Canonical RDATA order: left-justified octet strings, a prefix sorts first (RFC 4034 6.3). */
static int rdata_cmp(const uint8_t *a, uint16_t la, const uint8_t *b, uint16_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);
	if (c != 0) {
		return c;
	}
	return (la > lb) - (la < lb);
}

/* Canonical order of owners through their sort keys (zg_dname_sort_key). */
static int owner_cmp(const zg_raw_rr_t *a, const zg_raw_rr_t *b)
{
	if (a->key == b->key) {
		return 0;
	}
	return rdata_cmp(a->key, a->keylen, b->key, b->keylen);
}

int zg_raw_order(const zg_raw_rr_t *a, const zg_raw_rr_t *b)
{
	int c = owner_cmp(a, b);
	if (c != 0) {
		return c;
	}
	if (a->gtype != b->gtype) {
		return a->gtype < b->gtype ? -1 : 1;
	}
	bool sa = a->type == KNOT_RRTYPE_RRSIG, sb = b->type == KNOT_RRTYPE_RRSIG;
	if (sa != sb) {
		return sa ? 1 : -1;
	}
	return rdata_cmp(a->rdata, a->rdlen, b->rdata, b->rdlen);
}

/* Is the RRset at a name with these flags authoritative? (CHECKS.md definition) */
static bool authoritative(uint32_t name_flags, uint16_t type)
{
	if (name_flags & (ZG_NAME_OUTSIDE | ZG_NAME_OCCLUDED)) {
		return false;
	}
	if (name_flags & ZG_NAME_CUT) {
		return type == KNOT_RRTYPE_DS || type == KNOT_RRTYPE_NSEC;
	}
	return true;
}

/* Walk names in canonical order: descendants follow their ancestor, so one "current cut"
 * suffices to mark everything below a delegation or a DNAME as occluded. Each owner's length
 * is taken once; the origin's and the cut's are kept. */
static void mark_names(zg_zone_t *z)
{
	const uint8_t *cut = NULL;
	size_t cutlen = 0, olen = zg_dname_len(z->origin, ZG_DNAME_MAXLEN);
	z->apex = ZG_NONE;
	for (uint32_t i = 0; i < z->nnames; i++) {
		zg_name_t *nm = &z->names[i];
		size_t len = zg_dname_len(nm->owner, ZG_DNAME_MAXLEN);
		if (olen == 0 || !zg_dname_under_len(nm->owner, len, z->origin, olen)) {
			nm->flags |= ZG_NAME_OUTSIDE;
			continue;
		}
		if (cut != NULL && zg_dname_under_len(nm->owner, len, cut, cutlen)) {
			nm->flags |= ZG_NAME_OCCLUDED;
			continue;
		}
		cut = NULL;
		if (len == olen) { /* under the origin and as long: the origin */
			nm->flags |= ZG_NAME_APEX;
			z->apex = i;
		} else if (zg_zone_rrset(z, i, KNOT_RRTYPE_NS) != NULL) {
			nm->flags |= ZG_NAME_CUT;
			cut = nm->owner;
			cutlen = len;
		}
		if (zg_zone_rrset(z, i, KNOT_RRTYPE_DNAME) != NULL && cut == NULL) {
			cut = nm->owner; /* names below a DNAME are occluded too (RFC 6672 2.3) */
			cutlen = len;
		}
	}
	for (uint32_t n = 0; n < z->nnames; n++) {
		const zg_name_t *nm = &z->names[n];
		for (uint32_t i = nm->rrset_first; i < nm->rrset_first + nm->rrset_count; i++) {
			zg_rrset_t *s = &z->rrsets[i];
			if (s->rr_count > 0 && authoritative(nm->flags, s->type)) {
				s->flags |= ZG_RRSET_AUTH;
			}
		}
	}
}

/* RFC 1034 4.2.1, RFC 6672 2.3: some proper ancestor in the zone is a cut or holds a DNAME.
 * The same rule as mark_names()'s walk, asked of one name by looking its ancestors up. */
static bool occluded(const zg_zone_t *z, const uint8_t *owner)
{
	const uint8_t *a = owner;
	while (a[0] != 0) {
		a += 1 + a[0];
		if (!zg_dname_under(a, z->origin)) {
			return false;
		}
		uint32_t j = zg_zone_find_name(z, a);
		bool apex = a[0] == z->origin[0] && zg_dname_cmp(a, z->origin) == 0;
		if (j != ZG_NONE && ((!apex && zg_zone_rrset(z, j, KNOT_RRTYPE_NS) != NULL) ||
		                     zg_zone_rrset(z, j, KNOT_RRTYPE_DNAME) != NULL)) {
			return true;
		}
	}
	return false;
}

void zg_zone_mark_name(zg_zone_t *z, uint32_t i)
{
	zg_name_t *nm = &z->names[i];
	nm->flags = 0;
	if (!zg_dname_under(nm->owner, z->origin)) {
		nm->flags = ZG_NAME_OUTSIDE;
	} else if (occluded(z, nm->owner)) {
		nm->flags = ZG_NAME_OCCLUDED;
	} else if (zg_dname_cmp(nm->owner, z->origin) == 0) {
		nm->flags = ZG_NAME_APEX;
	} else if (zg_zone_rrset(z, i, KNOT_RRTYPE_NS) != NULL) {
		nm->flags = ZG_NAME_CUT;
	}
	for (uint32_t k = 0; k < nm->rrset_count; k++) {
		zg_rrset_t *s = &z->rrsets[nm->rrset_first + k];
		s->flags &= (uint16_t)~ZG_RRSET_AUTH;
		if (s->rr_count > 0 && authoritative(nm->flags, s->type)) {
			s->flags |= ZG_RRSET_AUTH;
		}
	}
}

void zg_zone_mark(zg_zone_t *z)
{
	mark_names(z);
	z->soa_count = 0;
	for (uint32_t k = 0; k < z->nrrsets; k++) {
		if (z->rrsets[k].type == KNOT_RRTYPE_SOA && z->rrsets[k].rr_count > 0) {
			z->soa_count += z->rrsets[k].rr_count;
		}
	}
}

zg_err_t zg_zone_build(zg_zone_t *z, zg_raw_rr_t *raw, size_t n)
{
	if (n >= ZG_NONE) {
		return ZG_ETOOBIG;
	}
	zg_build_sort(raw, n); /* O(n) when raw is in canonical order already */
	zg_err_t ret = zg_build_sorted(z, raw, n);
	if (ret == ZG_EOK) {
		zg_zone_mark(z);
	}
	return ret;
}

const zg_rrset_t *zg_zone_rrset(const zg_zone_t *z, uint32_t name, uint16_t type)
{
	if (name == ZG_NONE) {
		return NULL;
	}
	const zg_name_t *nm = &z->names[name];
	for (uint32_t i = 0; i < nm->rrset_count; i++) {
		const zg_rrset_t *s = &z->rrsets[nm->rrset_first + i];
		if (s->type == type) {
			return s->rr_count > 0 ? s : NULL;
		}
	}
	return NULL;
}

bool zg_zone_has_data(const zg_zone_t *z, uint32_t name, uint16_t ignore)
{
	const zg_name_t *nm = &z->names[name];
	for (uint32_t k = 0; k < nm->rrset_count; k++) {
		const zg_rrset_t *s = &z->rrsets[nm->rrset_first + k];
		if (s->rr_count > 0 && (ignore == 0 || s->type != ignore)) {
			return true;
		}
	}
	return false;
}

bool zg_zone_has_type(const zg_zone_t *z, uint16_t type)
{
	for (uint32_t i = 0; i < z->nrrsets; i++) {
		if (z->rrsets[i].type == type && z->rrsets[i].rr_count > 0) {
			return true;
		}
	}
	return false;
}

uint32_t zg_zone_find_name(const zg_zone_t *z, const uint8_t *owner)
{
	uint32_t lo = 0, hi = z->nnames;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = zg_dname_cmp(z->names[mid].owner, owner);
		if (c == 0) {
			return mid;
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return ZG_NONE;
}

uint32_t zg_rrset_name(const zg_zone_t *z, const zg_rrset_t *set)
{
	uint32_t idx = (uint32_t)(set - z->rrsets), lo = 0, hi = z->nnames;
	while (lo < hi) { /* the first name that starts after the RRset */
		uint32_t mid = lo + (hi - lo) / 2;
		if (z->names[mid].rrset_first <= idx) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo - 1; /* names without RRsets before it share its rrset_first */
}

const char *zg_zone_origin_str(const zg_zone_t *zone, char *buf, size_t size)
{
	return zone ? zg_dname_str(zone->origin, buf, size) : "?";
}

bool zg_zone_serial(const zg_zone_t *zone, uint32_t *serial)
{
	if (zone == NULL || serial == NULL) {
		return false;
	}
	const zg_rrset_t *soa = zg_zone_rrset(zone, zone->apex, KNOT_RRTYPE_SOA);
	if (soa == NULL) {
		return false;
	}
	const zg_rr_t *rr = &zone->rrs[soa->rr_first];
	size_t mname = zg_dname_len(rr->rdata, rr->rdlen);
	size_t rname = mname ? zg_dname_len(rr->rdata + mname, rr->rdlen - mname) : 0;
	if (rname == 0 || mname + rname + 20 > rr->rdlen) {
		return false;
	}
	*serial = knot_wire_read_u32(rr->rdata + mname + rname);
	return true;
}

size_t zg_zone_rr_count(const zg_zone_t *zone)
{
	return zone ? (size_t)zone->nrrs + zone->nsigs : 0;
}
