/* check_zone.c -- zone.* findings: apex, out-of-zone data, TTLs, occlusion, serial, delta. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include "verifier/internal/memo.h"
#include "verifier/internal/ns_targets.h"
#include "verifier/internal/vctx.h"
#include "verifier/name.h"

static const char *type_str(uint16_t type, char *buf, size_t size)
{
	if (knot_rrtype_to_string(type, buf, size) < 0) {
		snprintf(buf, size, "TYPE%u", type);
	}
	return buf;
}

static void check_apex(zg_vctx_t *ctx)
{
	const zg_zone_t *z = ctx->zone;
	if (z->apex == ZG_NONE || zg_zone_rrset(z, z->apex, KNOT_RRTYPE_SOA) == NULL) {
		zg_emit(ctx, ZG_F_ZONE_ORIGIN, ZG_OWNER_NONE, KNOT_RRTYPE_SOA, NULL,
		        "no SOA at the origin");
		return;
	}
	if (z->soa_count != 1) {
		zg_emit(ctx, ZG_F_ZONE_ORIGIN, z->apex, KNOT_RRTYPE_SOA, NULL,
		        "%u SOA records in the zone, expected exactly one at the apex", z->soa_count);
	}
	if (zg_zone_rrset(z, z->apex, KNOT_RRTYPE_NS) == NULL) {
		zg_emit(ctx, ZG_F_ZONE_ORIGIN, z->apex, KNOT_RRTYPE_NS, NULL, "no NS RRset at the apex");
	}
}

static bool allowed_at_cut(uint16_t type)
{
	return type == KNOT_RRTYPE_NS || type == KNOT_RRTYPE_DS || type == KNOT_RRTYPE_NSEC;
}

/* Data at a cut other than NS, DS, NSEC, and below one other than glue, is not served. */
static void check_occluded(zg_vctx_t *ctx, uint32_t i, const zg_targets_t *targets)
{
	const zg_zone_t *z = ctx->zone;
	const zg_name_t *nm = &z->names[i];
	char tb[32];
	for (uint32_t k = 0; k < nm->rrset_count; k++) {
		const zg_rrset_t *s = &z->rrsets[nm->rrset_first + k];
		bool addr = s->type == KNOT_RRTYPE_A || s->type == KNOT_RRTYPE_AAAA;
		if (s->rr_count == 0 || (nm->flags & ZG_NAME_CUT && allowed_at_cut(s->type)) ||
		    (nm->flags & ZG_NAME_OCCLUDED && addr && zg_targets_has(targets, nm->owner))) {
			continue;
		}
		zg_emit(ctx, ZG_F_ZONE_OCCLUDED, i, s->type, NULL,
		        "%s %s zone cut is not authoritative and is ignored",
		        type_str(s->type, tb, sizeof(tb)),
		        nm->flags & ZG_NAME_CUT ? "at a" : "below a");
	}
}

/* RFC 1034 3.6.2, RFC 2181 10.1: a CNAME is the only data at its name, beside the RRSIG and
 * NSEC that RFC 4035 2.5 allows, and a single RR. At or below a cut it is zone.occluded. */
static void check_cname(zg_vctx_t *ctx, uint32_t i, const zg_rrset_t *c)
{
	const zg_zone_t *z = ctx->zone;
	const zg_name_t *n = &z->names[i];
	char tb[32];
	if (c->rr_count > 1) {
		zg_emit(ctx, ZG_F_ZONE_CNAME, i, KNOT_RRTYPE_CNAME, NULL,
		        "%u CNAME RRs at one name (RFC 2181 10.1: one at most)", c->rr_count);
	}
	for (uint32_t k = 0; k < n->rrset_count; k++) {
		const zg_rrset_t *s = &z->rrsets[n->rrset_first + k];
		if (s->rr_count > 0 && s->type != KNOT_RRTYPE_CNAME && s->type != KNOT_RRTYPE_NSEC) {
			zg_emit(ctx, ZG_F_ZONE_CNAME, i, s->type, NULL,
			        "%s beside a CNAME (RFC 1034 3.6.2; RFC 4035 2.5 allows only RRSIG "
			        "and NSEC there)", type_str(s->type, tb, sizeof(tb)));
		}
	}
}

/* The NS targets: those of the base version updated by the diff when this version was made
 * from it and the memo holds them, else read from every NS RR. */
static zg_err_t ns_targets(zg_vctx_t *ctx, zg_targets_t *t)
{
	const zg_zone_t *z = ctx->zone, *base = ctx->opts->memo_base;
	const zg_memo_t *in = ctx->memo_in;
	if (in != NULL && in->has_targets && zg_zone_made_from(z, base)) {
		zg_err_t ret = zg_targets_derive(&in->targets, base, z, t);
		if (ret != ZG_EINVAL) {
			return ret;
		}
	}
	return zg_targets_build(z, t);
}

/* One pass over the names: out-of-zone names, TTL mismatches, CNAMEs, occluded data (each
 * id's findings in name order, as in a pass of its own). */
static void check_names(zg_vctx_t *ctx)
{
	const zg_zone_t *z = ctx->zone;
	zg_targets_t targets;
	if (ns_targets(ctx, &targets) != ZG_EOK) {
		ctx->fatal = ZG_ENOMEM; /* without the targets glue would look occluded: stop */
		return;
	}
	char tb[32];
	for (uint32_t i = 0; i < z->nnames; i++) {
		const zg_name_t *nm = &z->names[i];
		const zg_rrset_t *cname = NULL;
		if (nm->flags & ZG_NAME_OUTSIDE) {
			zg_emit(ctx, ZG_F_ZONE_OUT_OF_ZONE, i, 0, NULL, "name is not under the origin");
		}
		for (uint32_t k = 0; k < nm->rrset_count; k++) {
			const zg_rrset_t *s = &z->rrsets[nm->rrset_first + k];
			if (s->flags & ZG_RRSET_TTL_MISMATCH) {
				zg_emit(ctx, ZG_F_ZONE_TTL_MISMATCH, i, s->type, NULL,
				        "RRs of the %s RRset have different TTLs (RFC 2181 5.2)",
				        type_str(s->type, tb, sizeof(tb)));
			}
			cname = s->type == KNOT_RRTYPE_CNAME && s->rr_count > 0 ? s : cname;
		}
		if (nm->flags & (ZG_NAME_CUT | ZG_NAME_OCCLUDED)) {
			check_occluded(ctx, i, &targets);
		} else if (cname != NULL) {
			check_cname(ctx, i, cname);
		}
	}
	if (ctx->memo_out != NULL) { /* for the next version's run */
		zg_targets_free(&ctx->memo_out->targets);
		ctx->memo_out->targets = targets;
		ctx->memo_out->has_targets = true;
	} else {
		zg_targets_free(&targets);
	}
}

static void check_serial(zg_vctx_t *ctx)
{
	uint32_t cur, old;
	if (ctx->opts->prev == NULL || !zg_zone_serial(ctx->zone, &cur) ||
	    !zg_zone_serial(ctx->opts->prev, &old)) {
		return;
	}
	if (zg_serial_cmp(cur, old) <= 0) {
		zg_emit(ctx, ZG_F_ZONE_SERIAL, ctx->zone->apex, KNOT_RRTYPE_SOA, NULL,
		        "serial %u is not greater than the previous serial %u (RFC 1982)", cur, old);
	}
}

/* Delegations removed and added between prev and cur: one merge walk over canonical names. */
static void delta_counts(const zg_zone_t *prev, const zg_zone_t *cur, uint64_t *nprev,
                         uint64_t *removed, uint64_t *added)
{
	uint32_t i = 0, k = 0;
	*nprev = *removed = *added = 0;
	while (i < prev->nnames || k < cur->nnames) {
		bool pc = i < prev->nnames && (prev->names[i].flags & ZG_NAME_CUT);
		bool cc = k < cur->nnames && (cur->names[k].flags & ZG_NAME_CUT);
		int c = i >= prev->nnames ? 1 : k >= cur->nnames ? -1 :
		        zg_dname_equal(prev->names[i].owner, cur->names[k].owner) ? 0 :
		        zg_dname_cmp(prev->names[i].owner, cur->names[k].owner);
		if (c <= 0) {
			*nprev += pc;
		}
		if (c == 0) {
			*removed += pc && !cc;
			*added += cc && !pc;
			i++, k++;
		} else if (c < 0) {
			*removed += pc;
			i++;
		} else {
			*added += cc;
			k++;
		}
	}
}

/* The same counts for cur made by zg_zone_apply_diff() from prev with no cut come or gone:
 * only the names it regrouped, added or removed can have changed. */
static void delta_regrouped(const zg_zone_t *prev, const zg_zone_t *cur, uint64_t *nprev,
                            uint64_t *removed, uint64_t *added)
{
	*nprev = *removed = *added = 0;
	for (uint32_t i = 0; i < prev->nnames; i++) {
		*nprev += (prev->names[i].flags & ZG_NAME_CUT) != 0;
	}
	for (uint32_t g = 0; g < cur->nregrouped; g++) {
		const zg_regrouped_t *x = &cur->regrouped[g];
		bool pc = x->base_name != ZG_NONE && (prev->names[x->base_name].flags & ZG_NAME_CUT);
		bool cc = x->name != ZG_NONE && (cur->names[x->name].flags & ZG_NAME_CUT);
		*removed += pc && !cc;
		*added += cc && !pc;
	}
}

static void check_delta(zg_vctx_t *ctx)
{
	const zg_zone_t *prev = ctx->opts->prev, *z = ctx->zone;
	if (prev == NULL) {
		return;
	}
	uint64_t nprev, removed, added;
	if (zg_zone_made_from(z, prev)) {
		delta_regrouped(prev, z, &nprev, &removed, &added);
	} else {
		delta_counts(prev, z, &nprev, &removed, &added);
	}
	double base = nprev ? (double)nprev : 1.0;
	if ((double)removed / base > ctx->policy.delta_max_removed) {
		zg_emit(ctx, ZG_F_ZONE_DELTA, ctx->zone->apex, 0, NULL,
		        "%llu of %llu delegations removed (%.1f%%, policy allows %.1f%%)",
		        (unsigned long long)removed, (unsigned long long)nprev,
		        100.0 * (double)removed / base, 100.0 * ctx->policy.delta_max_removed);
	}
	if (nprev > 0 && (double)added / base > ctx->policy.delta_max_added) {
		zg_emit(ctx, ZG_F_ZONE_DELTA, ctx->zone->apex, 0, NULL,
		        "%llu delegations added to %llu (%.1f%%, policy allows %.1f%%)",
		        (unsigned long long)added, (unsigned long long)nprev,
		        100.0 * (double)added / base, 100.0 * ctx->policy.delta_max_added);
	}
}

void zg_check_zone(zg_vctx_t *ctx)
{
	check_apex(ctx);
	check_names(ctx);
	check_serial(ctx);
	check_delta(ctx);
	zg_check_content(ctx);
}
