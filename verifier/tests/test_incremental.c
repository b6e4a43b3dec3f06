/* test_incremental.c -- diffs and incremental verification: apply(diff(a, b), a) is b; and for
 * random diffs (removed RRs, bogus signatures, a removed DNSKEY, broken chains, new names, TTL
 * changes) a run that reuses the base's memo reports exactly what a full run reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libknot/descriptor.h>
#include "verifier/arena.h"
#include "verifier/incremental.h"
#include "verifier/internal/memo.h"
#include "verifier/internal/zone_build.h"
#include "verifier/internal/zone_model.h"
#include "verifier/name.h"
#include "verifier/verify.h"
#include "verifier/tests/report_text.h"

#define FIXTURE_TIME 1798761600 /* fixtures/README.md: the evaluation time of every fixture */
#define ROUNDS 12

/* Every finding (through the sink, one thread: in order) and the report's summary. */
static char *run(const zg_zone_t *z, const zg_zone_t *base, const zg_memo_t *in,
                 zg_memo_t *out)
{
	text_sink_t t = { .base = { .finding = on_finding } };
	zg_verify_opts_t o = { .now = FIXTURE_TIME, .sink = &t.base, .threads = 1,
	                       .memo_in = in, .memo_base = base, .memo_out = out };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(z, &o, &rep), ZG_EOK);
	dump_report(&t, rep);
	zg_report_free(rep);
	return t.buf;
}

/* ---- random diffs ---- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Altered RDATA (rdata given) may no longer fit its type: such a change is simply not made. */
static void diff_rr(zg_diff_t *d, bool rm, const zg_zone_t *z, const zg_rrset_t *s,
                    const zg_rr_t *rr, bool sig, uint32_t ttl, const uint8_t *rdata)
{
	zg_err_t r = zg_diff_add(d, rm, z->names[zg_rrset_name(z, s)].owner,
	                         sig ? KNOT_RRTYPE_RRSIG : s->type, ttl,
	                         rdata ? rdata : rr->rdata, rr->rdlen, 0);
	if (!(r == ZG_EMALF && rdata != NULL)) {
		assert_int_equal(r, ZG_EOK);
	}
}

static const zg_rrset_t *pick_set(const zg_zone_t *z, uint64_t *seed, bool want_sig)
{
	for (int tries = 0; tries < 1000; tries++) {
		const zg_rrset_t *s = &z->rrsets[rnd(seed) % z->nrrsets];
		if ((want_sig ? s->sig_count : s->rr_count) > 0) {
			return s;
		}
	}
	fail_msg("no RRset to pick");
	return NULL;
}

static void mutate(zg_diff_t *d, const zg_zone_t *z, uint64_t *seed, unsigned kind, unsigned n)
{
	const zg_rrset_t *s = pick_set(z, seed, kind == 1);
	const zg_rr_t *rr = &z->rrs[s->rr_first + rnd(seed) % (s->rr_count ? s->rr_count : 1)];
	uint8_t buf[65535];
	switch (kind) {
	case 0: /* remove one RR */
		diff_rr(d, true, z, s, rr, false, rr->ttl, NULL);
		break;
	case 1: { /* a bogus signature beside or instead of a good one */
		const zg_rr_t *sig = &z->sigs[s->sig_first + rnd(seed) % s->sig_count];
		memcpy(buf, sig->rdata, sig->rdlen);
		buf[sig->rdlen - 1] ^= 0x5a;
		if (rnd(seed) & 1) {
			diff_rr(d, true, z, s, sig, true, sig->ttl, NULL);
		}
		diff_rr(d, false, z, s, sig, true, sig->ttl, buf);
		break;
	}
	case 2: { /* remove a DNSKEY */
		const zg_rrset_t *k = zg_zone_rrset(z, z->apex, KNOT_RRTYPE_DNSKEY);
		if (k != NULL) {
			diff_rr(d, true, z, k, &z->rrs[k->rr_first + rnd(seed) % k->rr_count], false,
			        z->rrs[k->rr_first].ttl, NULL);
		}
		break;
	}
	case 3: { /* a new unsigned name, off the denial chain */
		uint8_t owner[ZG_DNAME_MAXLEN + 1] = { 6, 'z', 'g', 'n', 'e', 'w',
		                                       (uint8_t)('a' + n % 26) };
		size_t ol = zg_dname_len(z->origin, ZG_DNAME_MAXLEN);
		memcpy(owner + 7, z->origin, ol);
		uint8_t a[4] = { 192, 0, 2, (uint8_t)n };
		assert_int_equal(zg_diff_add(d, false, owner, KNOT_RRTYPE_A, 300, a, 4, 0), ZG_EOK);
		break;
	}
	case 4: /* a TTL change */
		diff_rr(d, true, z, s, rr, false, rr->ttl, NULL);
		diff_rr(d, false, z, s, rr, false, rr->ttl + 1, NULL);
		break;
	case 6: { /* NS at a name below the apex: a new cut, the names below it occluded */
		const zg_rrset_t *t = pick_set(z, seed, false);
		if (zg_rrset_name(z, t) == z->apex) {
			break;
		}
		uint8_t ns[] = { 2, 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
		assert_int_equal(zg_diff_add(d, false, z->names[zg_rrset_name(z, t)].owner,
		                             KNOT_RRTYPE_NS, 300, ns, sizeof(ns), 0), ZG_EOK);
		break;
	}
	case 8: { /* NS at the parent of a name, often an empty non-terminal: a new name, a cut
	           * with names below it */
		const zg_rrset_t *t = pick_set(z, seed, false);
		const uint8_t *own = z->names[zg_rrset_name(z, t)].owner;
		if (zg_dname_labels(own) < zg_dname_labels(z->origin) + 2) {
			break;
		}
		uint8_t ns[] = { 2, 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
		assert_int_equal(zg_diff_add(d, false, own + 1 + own[0], KNOT_RRTYPE_NS, 300, ns,
		                             sizeof(ns), 0), ZG_EOK);
		break;
	}
	case 7: /* a cut goes: every NS RR of a delegation removed */
		for (uint32_t i = 0; i < z->nnames; i++) {
			const zg_rrset_t *ns = (z->names[i].flags & ZG_NAME_CUT) ?
			                       zg_zone_rrset(z, i, KNOT_RRTYPE_NS) : NULL;
			if (ns != NULL && rnd(seed) % 4 == 0) {
				for (uint32_t k = 0; k < ns->rr_count; k++) {
					diff_rr(d, true, z, ns, &z->rrs[ns->rr_first + k], false,
					        z->rrs[ns->rr_first + k].ttl, NULL);
				}
				break;
			}
		}
		break;
	default: { /* one more RR in a signed RRset: its signatures no longer verify */
		if (s->type == KNOT_RRTYPE_SOA || s->type == KNOT_RRTYPE_CNAME ||
		    s->type == KNOT_RRTYPE_NSEC3PARAM || rr->rdlen == 0) {
			break; /* singletons stay singletons */
		}
		memcpy(buf, rr->rdata, rr->rdlen);
		buf[rr->rdlen - 1] ^= 0x01;
		diff_rr(d, false, z, s, rr, false, rr->ttl, buf);
		break;
	}
	}
}

/* The zone that apply made is the one a build from its records makes: same names, RRsets,
 * records, flags, apex and SOA count. */
static void assert_model_fresh(const zg_zone_t *z)
{
	zg_zone_t *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	assert_non_null(r->arena = zg_arena_new(0));
	memcpy(r->origin, z->origin, sizeof(r->origin));
	zg_raw_rr_t *raw = NULL;
	size_t n = 0, cap = 0;
	assert_int_equal(zg_model_to_raw(z, 0, r->arena, &raw, &n, &cap), ZG_EOK);
	assert_int_equal(zg_zone_build(r, raw, n), ZG_EOK);
	zg_pages_resize(raw, 0);
	assert_int_equal(z->nnames, r->nnames);
	assert_int_equal(z->nrrsets, r->nrrsets);
	assert_int_equal(z->nrrs, r->nrrs);
	assert_int_equal(z->nsigs, r->nsigs);
	assert_int_equal(z->apex, r->apex);
	assert_int_equal(z->soa_count, r->soa_count);
	for (uint32_t i = 0; i < z->nnames; i++) {
		const zg_name_t *a = &z->names[i], *b = &r->names[i];
		assert_true(zg_dname_equal(a->owner, b->owner));
		assert_int_equal(a->flags, b->flags);
		assert_int_equal(a->rrset_first, b->rrset_first);
		assert_int_equal(a->rrset_count, b->rrset_count);
	}
	for (uint32_t i = 0; i < z->nrrsets; i++) {
		const zg_rrset_t *a = &z->rrsets[i], *b = &r->rrsets[i];
		assert_memory_equal(a, b, sizeof(*a));
	}
	for (uint32_t i = 0; i < z->nrrs + z->nsigs; i++) {
		const zg_rr_t *a = i < z->nrrs ? &z->rrs[i] : &z->sigs[i - z->nrrs];
		const zg_rr_t *b = i < z->nrrs ? &r->rrs[i] : &r->sigs[i - z->nrrs];
		assert_int_equal(a->rdlen, b->rdlen);
		assert_int_equal(a->ttl, b->ttl);
		assert_memory_equal(a->rdata, b->rdata, a->rdlen);
	}
	zg_zone_free(r);
}

/* The memo's map of a version made by a diff, taken from the runs apply_diff() copied, reuses
 * exactly what the map made by walking both versions' names reuses (memo.c). */
static unsigned walks_compared;

/* Every target a names (count > 0) b names as often: the set a diff updated is the one read
 * from every NS RR. */
static void assert_targets_same(const zg_targets_t *a, const zg_targets_t *b)
{
	for (size_t i = 0; a->slot != NULL && i <= a->mask; i++) {
		const zg_target_t *x = &a->slot[i];
		if (x->name == NULL || x->count == 0) {
			continue;
		}
		assert_true(zg_targets_has(b, x->name));
		uint32_t n = 0;
		for (size_t k = 0; k <= b->mask; k++) {
			n += b->slot[k].name != NULL && zg_dname_equal(b->slot[k].name, x->name) ?
			     b->slot[k].count : 0;
		}
		assert_int_equal(n, x->count);
	}
}

static void assert_walk_same(zg_zone_t *next, const zg_zone_t *base, const zg_memo_t *memo,
                             const zg_memo_t *by_runs, const char *report)
{
	if (next->base_id == 0) {
		return; /* a cut came or went: there are no runs */
	}
	walks_compared++;
	uint64_t id = next->base_id;
	next->base_id = 0;
	zg_memo_t *walked = zg_memo_new();
	char *text = run(next, base, memo, walked);
	next->base_id = id;
	assert_string_equal(text, report);
	zg_memo_stats_t a = zg_memo_stats(by_runs), b = zg_memo_stats(walked);
	assert_int_equal(a.sigs_reused, b.sigs_reused);
	assert_int_equal(a.sigs_verified, b.sigs_verified);
	assert_int_equal(a.hashes_reused, b.hashes_reused);
	assert_int_equal(a.hashes_computed, b.hashes_computed);
	assert_int_equal(a.denial_reused, b.denial_reused);
	assert_targets_same(&by_runs->targets, &walked->targets);
	assert_targets_same(&walked->targets, &by_runs->targets);
	free(text);
	zg_memo_free(walked);
}

/* A chain of versions, each made by a random diff from the previous: incremental == full. */
static void random_chain(const char *fixture, uint64_t seed, uint64_t *denial_total)
{
	zg_zone_t *base = load(fixture);
	zg_memo_t *memo = zg_memo_new();
	free(run(base, NULL, NULL, memo));
	uint64_t reused = 0, denial_reused = 0;
	for (unsigned round = 0; round < ROUNDS; round++) {
		zg_diff_t *d = zg_diff_new();
		unsigned muts = 1 + rnd(&seed) % 4;
		for (unsigned m = 0; m < muts; m++) {
			unsigned kind = rnd(&seed) % 19; /* a DNSKEY removal is rare: kind 2 only */
			mutate(d, base, &seed, kind < 6 ? kind : kind < 11 ? 0 : kind < 16 ? 1 : kind - 10,
			       round * 4 + m);
		}
		char msg[ZG_ERRMSG_LEN] = "";
		zg_zone_t *next = NULL;
		zg_err_t r = zg_zone_apply_diff(base, d, &next, msg, sizeof(msg));
		if (r == ZG_EINVAL) { /* the same RR removed twice in one diff: no version made */
			assert_non_null(strstr(msg, "which the base version does not hold"));
			zg_diff_free(d);
			continue;
		}
		assert_int_equal(r, ZG_EOK);
		assert_model_fresh(next);
		zg_memo_t *memo2 = zg_memo_new();
		char *full = run(next, NULL, NULL, NULL);
		char *inc = run(next, base, memo, memo2);
		if (strcmp(full, inc) != 0) {
			fail_msg("%s round %u: incremental differs from full\n--- full\n%s--- incremental\n%s",
			         fixture, round, full, inc);
		}
		assert_walk_same(next, base, memo, memo2, inc);
			reused += zg_memo_stats(memo2).sigs_reused;
		denial_reused += zg_memo_stats(memo2).denial_reused;
		free(full);
		free(inc);
		zg_diff_free(d); /* the next version keeps what it shares */
		zg_zone_free(base);
		zg_memo_free(memo);
		base = next;
		memo = memo2;
	}
	assert_true(reused > 0); /* the memo was used, not just allocated */
	assert_true(walks_compared > 0); /* and the map from the runs along with it */
	*denial_total += denial_reused;
	zg_memo_free(memo);
	zg_zone_free(base);
}

/* Some rounds change only what the NSEC/NSEC3 checks do not read (a signature): those replay
 * the base's denial results, and still report what a full run reports. */
static void random_diffs_nsec(void **state)
{
	(void)state;
	uint64_t replayed = 0;
	random_chain("good/alg13-bind-nsec.zone", 0x9e3779b97f4a7c15ull, &replayed);
	random_chain("good/ents-bind-nsec.zone", 0x2545f4914f6cdd1dull, &replayed);
	assert_true(replayed > 0);
}

static void random_diffs_nsec3(void **state)
{
	(void)state;
	uint64_t replayed = 0;
	random_chain("good/ents-ldns-nsec3.zone", 0x853c49e6748fea9bull, &replayed);
	random_chain("good/optout-bind-nsec3.zone", 0xda942042e4dd58b5ull, &replayed);
	random_chain("good/alg8-alg13-bind-nsec3.zone", 0x7f4a7c159e3779b9ull, &replayed);
	random_chain("good/alg8-ldns-nsec3-zonemd.zone", 0x1234567887654321ull, &replayed);
	random_chain("bad/nsec3.bitmap--missing-type.zone", 0x2545f4914f6cdd1eull, &replayed);
	random_chain("bad/nsec.chain.zone", 0x5eed5eed5eed5eedull, &replayed);
	assert_true(replayed > 0);
}

/* diff(prev, zone) applied to prev gives zone, record for record. */
static void diff_then_apply_roundtrip(void **state)
{
	(void)state;
	const char *pairs[][2] = { { "good/alg13-bind-nsec.prev", "good/alg13-bind-nsec.zone" },
	                           { "good/rollover-zsk-prepublish.prev",
	                             "good/rollover-zsk-prepublish.zone" } };
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		zg_zone_t *a = load(pairs[i][0]), *b = load(pairs[i][1]), *c = NULL;
		zg_diff_t *d = NULL;
		assert_int_equal(zg_zone_diff(a, b, &d), ZG_EOK);
		size_t rm = 0, add = 0;
		zg_diff_counts(d, &rm, &add);
		assert_true(rm > 0 && add > 0);
		assert_int_equal(zg_zone_apply_diff(a, d, &c, NULL, 0), ZG_EOK);
		zg_zone_free(a); /* c shares a's records: they must outlive a */
		zg_diff_free(d);
		assert_int_equal(zg_zone_adopt_lines(c, b), ZG_EOK);
		assert_int_equal(zg_zone_rr_count(c), zg_zone_rr_count(b));
		zg_diff_t *none = NULL;
		assert_int_equal(zg_zone_diff(c, b, &none), ZG_EOK);
		zg_diff_counts(none, &rm, &add);
		assert_int_equal(rm + add, 0);
		zg_diff_free(none);
		zg_zone_free(b);
		zg_zone_free(c);
	}
}

/* A small change re-verifies only its own RRset; a DNSKEY change re-verifies everything. */
static void memo_reuses_only_what_is_unchanged(void **state)
{
	(void)state;
	zg_zone_t *z = load("good/alg13-bind-nsec.zone");
	zg_memo_t *m0 = zg_memo_new(), *m1 = zg_memo_new(), *m2 = zg_memo_new();
	free(run(z, NULL, NULL, m0));
	uint64_t total = zg_memo_stats(m0).sigs_verified;
	assert_true(total > 10);
	const zg_rrset_t *a = NULL; /* an A RRset below the apex */
	for (uint32_t i = 0; i < z->nrrsets && a == NULL; i++) {
		const zg_rrset_t *s = &z->rrsets[i];
		a = s->type == KNOT_RRTYPE_A && zg_rrset_name(z, s) != z->apex && s->sig_count ? s : NULL;
	}
	assert_non_null(a);
	zg_diff_t *d = zg_diff_new();
	uint8_t other[4] = { 198, 51, 100, 7 };
	assert_int_equal(zg_diff_add(d, false, z->names[zg_rrset_name(z, a)].owner, KNOT_RRTYPE_A,
	                             zg_rrset_ttl(z, a), other, 4, 0), ZG_EOK);
	zg_zone_t *z1 = NULL, *z2 = NULL;
	assert_int_equal(zg_zone_apply_diff(z, d, &z1, NULL, 0), ZG_EOK);
	free(run(z1, z, m0, m1));
	zg_memo_stats_t st = zg_memo_stats(m1);
	assert_false(st.keyset_changed);
	assert_true(st.denial_reused); /* one more A RR: same names, same types */
	assert_int_equal(st.sigs_verified, a->sig_count);
	assert_int_equal(st.sigs_reused, total - a->sig_count);
	zg_diff_free(d);

	const zg_rrset_t *k = zg_zone_rrset(z1, z1->apex, KNOT_RRTYPE_DNSKEY);
	d = zg_diff_new();
	const zg_rr_t *key = &z1->rrs[k->rr_first];
	assert_int_equal(zg_diff_add(d, true, z1->names[zg_rrset_name(z1, k)].owner, KNOT_RRTYPE_DNSKEY,
	                             key->ttl, key->rdata, key->rdlen, 0), ZG_EOK);
	assert_int_equal(zg_zone_apply_diff(z1, d, &z2, NULL, 0), ZG_EOK);
	free(run(z2, z1, m1, m2));
	assert_true(zg_memo_stats(m2).keyset_changed);
	assert_int_equal(zg_memo_stats(m2).sigs_reused, 0);
	assert_false(zg_memo_stats(m2).denial_reused);
	zg_diff_free(d);
	zg_memo_free(m0);
	zg_memo_free(m1);
	zg_memo_free(m2);
	zg_zone_free(z);
	zg_zone_free(z1);
	zg_zone_free(z2);
}

static void add_ns(zg_diff_t *d, const zg_zone_t *z, const char *label, bool ds)
{
	uint8_t owner[ZG_DNAME_MAXLEN + 1];
	size_t ll = strlen(label), ol = zg_dname_len(z->origin, ZG_DNAME_MAXLEN);
	owner[0] = (uint8_t)ll;
	memcpy(owner + 1, label, ll);
	memcpy(owner + 1 + ll, z->origin, ol);
	uint8_t ns[] = { 2, 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
	assert_int_equal(zg_diff_add(d, false, owner, KNOT_RRTYPE_NS, 3600, ns, sizeof(ns), 0),
	                 ZG_EOK);
	if (ds) { /* a secure delegation needs an NSEC3 of its own: this one has none */
		uint8_t rd[36] = { 0x12, 0x34, 13, 2 };
		assert_int_equal(zg_diff_add(d, false, owner, KNOT_RRTYPE_DS, 3600, rd, sizeof(rd), 0),
		                 ZG_EOK);
	}
}

/* Insecure delegations that come and go in an opt-out zone (no NSEC3 of their own, under an
 * opt-out span), and glue below a delegation, only move the opt-out count: the NSEC3 checks' results are replayed, and the
 * report is still a full run's; one secure delegation more, and they run again. */
static void optout_delegations_replay(void **state)
{
	(void)state;
	zg_zone_t *z = load("good/optout-bind-nsec3.zone");
	zg_memo_t *m0 = zg_memo_new();
	free(run(z, NULL, NULL, m0));
	const zg_rrset_t *gone = NULL; /* an insecure delegation of the fixture */
	for (uint32_t i = 0; i < z->nnames && gone == NULL; i++) {
		bool cut = z->names[i].flags & ZG_NAME_CUT;
		gone = cut && zg_zone_rrset(z, i, KNOT_RRTYPE_DS) == NULL &&
		       zg_zone_rrset(z, i, KNOT_RRTYPE_NSEC3) == NULL ?
		       zg_zone_rrset(z, i, KNOT_RRTYPE_NS) : NULL;
	}
	assert_non_null(gone);
	zg_diff_t *d = zg_diff_new();
	add_ns(d, z, "zg-new-1", false);
	add_ns(d, z, "zg-new-2", false);
	uint8_t glue[ZG_DNAME_MAXLEN + 1] = { 4, 'g', 'l', 'u', 'e' }; /* below a cut: occluded */
	uint8_t a[4] = { 192, 0, 2, 99 };
	const zg_rrset_t *other = NULL; /* glue under another insecure delegation */
	for (uint32_t i = zg_rrset_name(z, gone) + 1; i < z->nnames && other == NULL; i++) {
		other = (z->names[i].flags & ZG_NAME_CUT) && zg_zone_rrset(z, i, KNOT_RRTYPE_DS) == NULL
		        ? zg_zone_rrset(z, i, KNOT_RRTYPE_NS) : NULL;
	}
	assert_non_null(other);
	const uint8_t *cut = z->names[zg_rrset_name(z, other)].owner;
	memcpy(glue + 5, cut, zg_dname_len(cut, ZG_DNAME_MAXLEN));
	assert_int_equal(zg_diff_add(d, false, glue, KNOT_RRTYPE_A, 3600, a, 4, 0), ZG_EOK);
	for (uint32_t k = 0; k < gone->rr_count; k++) {
		diff_rr(d, true, z, gone, &z->rrs[gone->rr_first + k], false,
		        z->rrs[gone->rr_first + k].ttl, NULL);
	}
	zg_zone_t *z1 = NULL, *z2 = NULL;
	assert_int_equal(zg_zone_apply_diff(z, d, &z1, NULL, 0), ZG_EOK);
	zg_memo_t *m1 = zg_memo_new();
	char *full = run(z1, NULL, NULL, NULL), *inc = run(z1, z, m0, m1);
	assert_string_equal(full, inc);
	assert_true(zg_memo_stats(m1).denial_reused);
	free(full);
	free(inc);
	zg_diff_free(d);

	d = zg_diff_new(); /* and once more from that version: its memo carries the hashes */
	add_ns(d, z1, "zg-new-3", false);
	add_ns(d, z1, "zg-new-4", true);
	assert_int_equal(zg_zone_apply_diff(z1, d, &z2, NULL, 0), ZG_EOK);
	zg_memo_t *m2 = zg_memo_new();
	full = run(z2, NULL, NULL, NULL);
	inc = run(z2, z1, m1, m2);
	assert_string_equal(full, inc);
	assert_false(zg_memo_stats(m2).denial_reused); /* the secure one has no NSEC3 */
	assert_non_null(strstr(full, "nsec3.missing"));
	assert_int_equal(zg_memo_stats(m2).hashes_computed, 2); /* only the two new names */
	free(full);
	free(inc);
	zg_diff_free(d);
	zg_memo_free(m0);
	zg_memo_free(m1);
	zg_memo_free(m2);
	zg_zone_free(z);
	zg_zone_free(z1);
	zg_zone_free(z2);
}

/* zone.delta counts the delegations a version made by a diff removed from its prev from the
 * names the diff regrouped (check_zone.c): the same report as the walk over both versions. */
static void delta_from_regrouped_names(void **state)
{
	(void)state;
	zg_zone_t *z = load("good/optout-bind-nsec3.zone");
	zg_diff_t *d = zg_diff_new();
	size_t gone = 0;
	for (uint32_t i = 0; i + 1 < z->nnames; i++) {
		const zg_rrset_t *ns = zg_zone_rrset(z, i, KNOT_RRTYPE_NS);
		bool leaf = !zg_dname_under(z->names[i + 1].owner, z->names[i].owner);
		if ((z->names[i].flags & ZG_NAME_CUT) && leaf && z->names[i].rrset_count == 1) {
			for (uint32_t k = 0; k < ns->rr_count; k++) {
				diff_rr(d, true, z, ns, &z->rrs[ns->rr_first + k], false,
				        z->rrs[ns->rr_first + k].ttl, NULL);
			}
			gone++;
		}
	}
	assert_true(gone > 0);
	zg_zone_t *z1 = NULL;
	assert_int_equal(zg_zone_apply_diff(z, d, &z1, NULL, 0), ZG_EOK);
	assert_true(z1->base_id == z->id); /* leaves only: no cut over other names went */
	char *texts[2];
	for (unsigned pass = 0; pass < 2; pass++) {
		text_sink_t t = { .base = { .finding = on_finding } };
		zg_verify_opts_t o = { .now = FIXTURE_TIME, .sink = &t.base, .threads = 1, .prev = z };
		zg_report_t *rep = NULL;
		z1->base_id = pass == 0 ? z->id : 0; /* the second pass walks both versions */
		assert_int_equal(zg_verify(z1, &o, &rep), ZG_EOK);
		dump_report(&t, rep);
		zg_report_free(rep);
		texts[pass] = t.buf;
	}
	assert_non_null(strstr(texts[0], "zone.delta"));
	assert_string_equal(texts[0], texts[1]);
	free(texts[0]);
	free(texts[1]);
	zg_diff_free(d);
	zg_zone_free(z1);
	zg_zone_free(z);
}

static void removing_an_absent_rr_is_an_error(void **state)
{
	(void)state;
	zg_zone_t *z = load("good/alg13-bind-nsec.zone"), *out = NULL;
	zg_diff_t *d = zg_diff_new();
	uint8_t owner[] = { 7, 'n', 'o', 't', 'h', 'e', 'r', 'e', 0 };
	uint8_t a[4] = { 192, 0, 2, 1 };
	assert_int_equal(zg_diff_add(d, true, owner, KNOT_RRTYPE_A, 300, a, 4, 0), ZG_EOK);
	char msg[ZG_ERRMSG_LEN] = "";
	assert_int_equal(zg_zone_apply_diff(z, d, &out, msg, sizeof(msg)), ZG_EINVAL);
	assert_null(out);
	assert_string_equal(msg, "the diff removes nothere. A, which the base version does not hold");
	uint8_t bad_owner[] = { 70, 'x', 0 };
	assert_int_equal(zg_diff_add(d, false, bad_owner, KNOT_RRTYPE_A, 300, a, 4, 0), ZG_EMALF);
	zg_diff_free(d);
	zg_zone_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diff_then_apply_roundtrip),
		cmocka_unit_test(memo_reuses_only_what_is_unchanged),
		cmocka_unit_test(removing_an_absent_rr_is_an_error),
		cmocka_unit_test(delta_from_regrouped_names),
		cmocka_unit_test(optout_delegations_replay),
		cmocka_unit_test(random_diffs_nsec),
		cmocka_unit_test(random_diffs_nsec3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
