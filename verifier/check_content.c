/* check_content.c -- zone.content-changed: signing must not change the zone's data. */
#include <stdio.h>
#include <string.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/internal/vctx.h"
#include "verifier/name.h"

/* Types a signer adds or rewrites; everything else must come through unchanged. */
static bool dnssec_type(uint16_t type)
{
	switch (type) {
	case KNOT_RRTYPE_DNSKEY: case KNOT_RRTYPE_RRSIG: case KNOT_RRTYPE_NSEC:
	case KNOT_RRTYPE_NSEC3: case KNOT_RRTYPE_NSEC3PARAM: case KNOT_RRTYPE_CDS:
	case KNOT_RRTYPE_CDNSKEY: case KNOT_RRTYPE_ZONEMD:
		return true;
	default:
		return false;
	}
}

/* BIND's inline signing and dnssec-policy keep their signing state in private-type records at
 * the apex (sig-signing-type, default TYPE65534) and transfer them with the signed zone. */
#define BIND_SIGNING_TYPE 65534

static bool signer_added(const zg_zone_t *z, uint32_t name, const zg_rrset_t *s)
{
	return dnssec_type(s->type) || (s->type == BIND_SIGNING_TYPE && name == z->apex);
}

/* Cursor over the data RRsets of a zone in canonical (name, type) order. */
typedef struct {
	const zg_zone_t *z;
	uint32_t set;
	uint32_t name; /* the name that holds rrsets[set] */
} cursor_t;

static const zg_rrset_t *cur_get(cursor_t *c)
{
	const zg_zone_t *z = c->z;
	for (; c->set < z->nrrsets; c->set++) {
		c->name = zg_rrset_name_from(z, c->name, c->set);
		const zg_rrset_t *s = &z->rrsets[c->set];
		if (s->rr_count > 0 && !signer_added(z, c->name, s)) {
			return s;
		}
	}
	return NULL;
}

/* Compare RRset contents; the SOA serial is excluded (the signer bumps it). */
static bool same_rrset(const zg_zone_t *za, const zg_rrset_t *a, const zg_zone_t *zb,
                       const zg_rrset_t *b)
{
	if (a->rr_count != b->rr_count) { /* the TTLs are compared RR by RR */
		return false;
	}
	for (uint32_t i = 0; i < a->rr_count; i++) {
		const zg_rr_t *x = &za->rrs[a->rr_first + i], *y = &zb->rrs[b->rr_first + i];
		if (x->rdlen != y->rdlen || x->ttl != y->ttl) {
			return false;
		}
		size_t skip_from = x->rdlen, skip_to = x->rdlen;
		if (a->type == KNOT_RRTYPE_SOA) {
			size_t m = zg_dname_len(x->rdata, x->rdlen);
			size_t r = m ? zg_dname_len(x->rdata + m, x->rdlen - m) : 0;
			skip_from = m + r;
			skip_to = skip_from + 4;
		}
		if (memcmp(x->rdata, y->rdata, skip_from < x->rdlen ? skip_from : x->rdlen) != 0 ||
		    (skip_to < x->rdlen &&
		     memcmp(x->rdata + skip_to, y->rdata + skip_to, x->rdlen - skip_to) != 0)) {
			return false;
		}
	}
	return true;
}

static void report_diff(zg_vctx_t *ctx, const zg_zone_t *z, const zg_rrset_t *s, const char *what)
{
	char tb[32];
	if (knot_rrtype_to_string(s->type, tb, sizeof(tb)) < 0) {
		snprintf(tb, sizeof(tb), "TYPE%u", s->type);
	}
	zg_emit_owner(ctx, ZG_F_ZONE_CONTENT_CHANGED, z->names[zg_rrset_name(z, s)].owner, s->type,
	              "%s RRset %s", tb, what);
}

void zg_check_content(zg_vctx_t *ctx)
{
	const zg_zone_t *u = ctx->opts->unsigned_zone;
	if (u == NULL) {
		return;
	}
	cursor_t a = { .z = ctx->zone }, b = { .z = u };
	for (;;) {
		const zg_rrset_t *sa = cur_get(&a), *sb = cur_get(&b);
		if (sa == NULL && sb == NULL) {
			break;
		}
		int c = sa == NULL ? 1 : sb == NULL ? -1 :
		        zg_dname_cmp(ctx->zone->names[a.name].owner, u->names[b.name].owner);
		if (c == 0 && sa->type != sb->type) {
			c = sa->type < sb->type ? -1 : 1;
		}
		if (c < 0) {
			report_diff(ctx, ctx->zone, sa, "is not in the unsigned input");
			a.set++;
		} else if (c > 0) {
			report_diff(ctx, u, sb, "of the unsigned input is missing from the signed zone");
			b.set++;
		} else {
			if (!same_rrset(ctx->zone, sa, u, sb)) {
				report_diff(ctx, ctx->zone, sa, "differs from the unsigned input");
			}
			a.set++;
			b.set++;
		}
	}
}
