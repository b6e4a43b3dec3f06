/* check_rrsig.c -- rrsig.* findings: fields, validity window, crypto over every RRSIG
 * (RFC 4034 3, RFC 4035 2.2 and 5.3), dnskey.revoked-signer, crypto.disagreement. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <libknot/descriptor.h>
#include "verifier/internal/vctx.h"
#include "verifier/name.h"

#define FLAG_REVOKE 0x0080

/* A set of DNSSEC algorithm numbers (0-255) as bits: an RRset's check takes and compares one
 * in a few words instead of clearing and scanning 256 flags. */
typedef struct {
	uint64_t w[4];
} alg_set_t;

static void alg_add(alg_set_t *s, uint8_t alg)
{
	s->w[alg >> 6] |= UINT64_C(1) << (alg & 63);
}

typedef enum { SIG_SKIPPED, SIG_VALID, SIG_BOGUS } sig_state_t;

typedef struct {
	const zg_rrset_t *set;
	uint32_t name, ttl;  /* the set's name index and TTL */
	const zg_rr_t *rr;   /* the RRSIG RR */
	zg_rrsig_t sig;
	zg_diag_t *diag;
	const zg_key_t *by; /* the key that verified it (SIG_VALID) */
	unsigned *labels;   /* the RRSIG labels field its owner needs (RFC 4034 3.1.3), taken
	                     * once per RRset when first needed (UINT_MAX: not yet) */
} sig_job_t;

/* A verdict of the base version's run (incremental.h), looked up before the checks it makes
 * redundant. */
typedef struct {
	bool hit, valid;
	size_t key;
} memo_hit_t;

static const char *tstr(uint16_t type, char *buf, size_t size)
{
	if (knot_rrtype_to_string(type, buf, size) < 0) {
		snprintf(buf, size, "TYPE%u", type);
	}
	return buf;
}

/* Signer and labels: when wrong, the signature cannot be checked at all (RFC 4035 5.3.1). */
static bool check_fields(zg_vctx_t *ctx, const sig_job_t *j)
{
	const zg_zone_t *z = ctx->zone;
	char tb[32];
	if (!zg_dname_equal(j->sig.signer, z->origin) && zg_dname_cmp(j->sig.signer, z->origin)) {
		char sb[ZG_DNAME_STRLEN];
		zg_emit(ctx, ZG_F_RRSIG_SIGNER, j->name, j->set->type, NULL,
		        "RRSIG %s (tag %u, line %u) names signer %s, not the apex",
		        tstr(j->set->type, tb, sizeof(tb)), j->sig.keytag, j->rr->line,
		        zg_dname_str(j->sig.signer, sb, sizeof(sb)));
		return false;
	}
	if (*j->labels == UINT_MAX) {
		const uint8_t *owner = z->names[j->name].owner;
		*j->labels = zg_dname_labels(owner) - (zg_dname_is_wildcard(owner) ? 1u : 0u);
	}
	unsigned want = *j->labels;
	if (j->sig.labels != want) {
		zg_emit(ctx, ZG_F_RRSIG_LABELS, j->name, j->set->type, NULL,
		        "RRSIG %s (tag %u, line %u) has labels %u, owner needs %u",
		        tstr(j->set->type, tb, sizeof(tb)), j->sig.keytag, j->rr->line, j->sig.labels,
		        want);
		return false;
	}
	return true;
}

static void check_ttls(zg_vctx_t *ctx, const sig_job_t *j)
{
	char tb[32];
	if (j->sig.original_ttl != j->ttl) {
		zg_emit(ctx, ZG_F_RRSIG_ORIGINAL_TTL, j->name, j->set->type, NULL,
		        "RRSIG %s (tag %u, line %u) original TTL %u, RRset TTL %u",
		        tstr(j->set->type, tb, sizeof(tb)), j->sig.keytag, j->rr->line,
		        j->sig.original_ttl, j->ttl);
	}
	if (j->rr->ttl != j->ttl) {
		zg_emit(ctx, ZG_F_RRSIG_TTL, j->name, j->set->type, NULL,
		        "RRSIG %s (tag %u, line %u) has TTL %u, RRset TTL %u",
		        tstr(j->set->type, tb, sizeof(tb)), j->sig.keytag, j->rr->line, j->rr->ttl,
		        j->ttl);
	}
}

/* Validity window in RFC 1982 arithmetic (RFC 4034 3.1.5). Returns true if in force now. */
static bool check_window(zg_vctx_t *ctx, const sig_job_t *j)
{
	char tb[32]; /* the type's name, made only for a finding: this runs for every RRSIG */
	uint32_t now = ctx->now;
	const zg_rrsig_t *s = &j->sig;
	if (zg_serial_cmp(s->expiration, now) < 0) {
		zg_emit(ctx, ZG_F_RRSIG_EXPIRED, j->name, j->set->type, NULL,
		        "RRSIG %s (tag %u, line %u) expired %d s before the evaluation time",
		        tstr(j->set->type, tb, sizeof(tb)), s->keytag, j->rr->line,
		        -zg_serial_cmp(s->expiration, now));
		return false;
	}
	if (zg_serial_cmp(s->inception, now + ctx->policy.clock_skew) > 0) {
		zg_emit(ctx, ZG_F_RRSIG_NOT_YET_VALID, j->name, j->set->type, NULL,
		        "RRSIG %s (tag %u, line %u) is valid only from %d s after the evaluation time",
		        tstr(j->set->type, tb, sizeof(tb)), s->keytag, j->rr->line,
		        zg_serial_cmp(s->inception, now));
		return false;
	}
	uint32_t margin = ctx->policy.expires_soon;
	margin = margin < j->ttl ? j->ttl : margin;
	if (zg_serial_cmp(s->expiration, now + margin) < 0) {
		zg_emit(ctx, ZG_F_RRSIG_EXPIRES_SOON, j->name, j->set->type, NULL,
		        "RRSIG %s (tag %u, line %u) expires in %d s (margin %u s)",
		        tstr(j->set->type, tb, sizeof(tb)), s->keytag, j->rr->line,
		        zg_serial_cmp(s->expiration, now), margin);
	}
	return true;
}

/* Second opinion from the cross-check backend; a different verdict is a finding. */
static void cross_check(zg_vctx_t *ctx, const sig_job_t *j, const zg_key_t *k, bool valid)
{
	const zg_crypto_backend_t *b = ctx->opts->cross;
	bool other = false;
	zg_err_t ret = b->verify(k->rdata, k->rdlen, ctx->buf.data, ctx->buf.len, j->sig.signature,
	                         j->sig.siglen, &other);
	if (ret == ZG_EALGO) {
		return; /* the other library cannot judge this algorithm */
	}
	if ((ret == ZG_EOK && other) != valid) {
		char tb[32];
		zg_emit(ctx, ZG_F_CRYPTO_DISAGREEMENT, j->name, j->set->type, k,
		        "RRSIG %s (line %u): OpenSSL says %s, %s says %s (%s)",
		        tstr(j->set->type, tb, sizeof(tb)), j->rr->line, valid ? "valid" : "bogus",
		        b->name, other ? "valid" : "bogus", zg_strerror(ret));
	}
}

/* Verify with every published key of (algorithm, tag); valid if any of them verifies. */
static sig_state_t verify_keys(zg_vctx_t *ctx, const sig_job_t *j, zg_key_t **by)
{
	sig_state_t st = SIG_SKIPPED;
	for (size_t i = 0; i < ctx->nkeys; i++) {
		zg_key_t *k = &ctx->keys[i];
		if (!k->zone_key || k->tag != j->sig.keytag || k->algorithm != j->sig.algorithm ||
		    k->pk == NULL) {
			continue;
		}
		bool valid = false;
		zg_err_t ret = zg_pubkey_verify(k->pk, ctx->buf.data, ctx->buf.len, j->sig.signature,
		                                j->sig.siglen, &valid);
		if (ret != ZG_EOK && ret != ZG_EMALF) {
			ctx->fatal = ret;
			return SIG_SKIPPED;
		}
		if (ctx->opts->cross != NULL) {
			cross_check(ctx, j, k, valid);
		}
		if (valid) {
			*by = k;
			return SIG_VALID;
		}
		*by = k;
		st = SIG_BOGUS;
	}
	return st;
}

static bool has_key(const zg_vctx_t *ctx, const zg_rrsig_t *s)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		const zg_key_t *k = &ctx->keys[i];
		if (k->zone_key && k->tag == s->keytag && k->algorithm == s->algorithm) {
			return true;
		}
	}
	return false;
}

/* A published zone key of this algorithm, whatever its tag. */
static bool has_algorithm(const zg_vctx_t *ctx, uint8_t alg)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		if (ctx->keys[i].zone_key && ctx->keys[i].algorithm == alg) {
			return true;
		}
	}
	return false;
}

static zg_err_t build_data(zg_vctx_t *ctx, const sig_job_t *j)
{
	const zg_zone_t *z = ctx->zone;
	zg_rdata_ref_t refs_small[64] = { { 0 } }; /* n == 0 passes it unread */
	zg_rdata_ref_t *refs = refs_small;
	uint32_t n = j->set->rr_count;
	if (n > 64 && (refs = malloc(n * sizeof(*refs))) == NULL) {
		return ZG_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		const zg_rr_t *rr = &z->rrs[j->set->rr_first + i];
		refs[i] = (zg_rdata_ref_t){ .rdata = rr->rdata, .rdlen = rr->rdlen };
	}
	zg_err_t ret = zg_rrsig_signed_data(&j->sig, z->names[j->name].owner, j->set->type,
	                                    refs, n, &ctx->buf);
	if (refs != refs_small) {
		free(refs);
	}
	return ret;
}

static void note_key(zg_key_t *k, const zg_rrsig_t *s, sig_state_t st)
{
	k->sigs++;
	k->valid += st == SIG_VALID;
	k->bogus += st == SIG_BOGUS;
	if (!k->has_exp || zg_serial_cmp(s->expiration, k->earliest_exp) < 0) {
		k->earliest_exp = s->expiration;
		k->has_exp = true;
	}
}

static void emit_bogus(zg_vctx_t *ctx, const sig_job_t *j, const zg_key_t *by)
{
	char tb[32];
	tstr(j->set->type, tb, sizeof(tb));
	if (j->sig.siglen == 0) {
		zg_emit(ctx, ZG_F_RRSIG_BOGUS, j->name, j->set->type, by,
		        "RRSIG %s (line %u) has an empty signature", tb, j->rr->line);
		return;
	}
	zg_emit(ctx, ZG_F_RRSIG_BOGUS, j->name, j->set->type, by,
	        "RRSIG %s (line %u) does not verify with the published key %u (algorithm %u)", tb,
	        j->rr->line, j->sig.keytag, j->sig.algorithm);
}

/* The verdict: from the memo when this signature, its RRset and the keys are unchanged since
 * the base version (the signed data is then only built for a bogus one), else by the crypto. */
static sig_state_t verdict(zg_vctx_t *ctx, sig_job_t *j, const memo_hit_t *m, zg_key_t **by,
                           bool *have_data)
{
	uint32_t idx = (uint32_t)(j->rr - ctx->zone->sigs);
	*have_data = false;
	if (m->hit) {
		ctx->memo_hits++;
		*by = &ctx->keys[m->key];
		return m->valid ? SIG_VALID : SIG_BOGUS;
	}
	zg_err_t ret = build_data(ctx, j);
	if (ret != ZG_EOK) {
		ctx->fatal = ret;
		return SIG_SKIPPED;
	}
	*have_data = true;
	sig_state_t st = verify_keys(ctx, j, by);
	if (st != SIG_SKIPPED) {
		ctx->memo_misses++;
		zg_memo_sig_put(ctx, idx, st == SIG_VALID, (size_t)(*by - ctx->keys));
	}
	return st;
}

static sig_state_t check_crypto(zg_vctx_t *ctx, sig_job_t *j, const memo_hit_t *m,
                                bool in_force)
{
	zg_key_t *by = NULL;
	bool have_data = false;
	sig_state_t st = verdict(ctx, j, m, &by, &have_data);
	if (st == SIG_SKIPPED) {
		return st; /* only keys this build cannot use: dnskey.* already blocks */
	}
	zg_err_t ret = ZG_EOK;
	if (!have_data) {
		uint32_t idx = (uint32_t)(j->rr - ctx->zone->sigs);
		zg_memo_sig_put(ctx, idx, st == SIG_VALID, (size_t)(by - ctx->keys));
		ret = st == SIG_BOGUS ? build_data(ctx, j) : ZG_EOK; /* the diagnosis needs it */
	}
	if (ret != ZG_EOK) {
		ctx->fatal = ret;
		return SIG_SKIPPED;
	}
	j->by = by;
	zg_counts_t *c = zg_report_counts_mut(ctx->report);
	c->rrsigs_verified++;
	c->rrsigs_valid += st == SIG_VALID;
	c->rrsigs_bogus += st == SIG_BOGUS;
	note_key(by, &j->sig, st);
	ret = zg_diag_note(ctx, j->diag, &j->sig, st == SIG_BOGUS, j->set->type, ctx->buf.data,
	                   ctx->buf.len);
	if (ret != ZG_EOK) {
		ctx->fatal = ret;
	}
	if (st == SIG_BOGUS) {
		emit_bogus(ctx, j, by);
	} else if ((by->flags & FLAG_REVOKE) && j->set->type != KNOT_RRTYPE_DNSKEY) {
		char tb[32];
		zg_emit(ctx, ZG_F_DNSKEY_REVOKED_SIGNER, j->name, j->set->type, by,
		        "revoked key %u signs %s (RFC 5011 allows only the DNSKEY RRset)", by->tag,
		        tstr(j->set->type, tb, sizeof(tb)));
	} else if (in_force && j->name == ctx->zone->apex &&
	           j->set->type == KNOT_RRTYPE_DNSKEY) {
		by->signs_dnskey = true;
	}
	return st;
}

static sig_state_t check_one(zg_vctx_t *ctx, sig_job_t *j)
{
	if (zg_rrsig_parse(j->rr->rdata, j->rr->rdlen, &j->sig) != ZG_EOK) {
		zg_emit(ctx, ZG_F_RRSIG_BOGUS, j->name, j->set->type, NULL,
		        "RRSIG at line %u is malformed", j->rr->line);
		return SIG_BOGUS;
	}
	/* A verdict in the memo: the base version verified these very bytes over the same owner and
	 * data with the same keys, so its signer, labels and key checks passed and would again. */
	memo_hit_t m = { 0 };
	m.hit = zg_memo_sig_get(ctx, (uint32_t)(j->rr - ctx->zone->sigs), &m.valid, &m.key);
	if (!m.hit && !check_fields(ctx, j)) {
		return SIG_SKIPPED;
	}
	check_ttls(ctx, j);
	bool in_force = check_window(ctx, j);
	if (!m.hit && !has_key(ctx, &j->sig)) {
		if (!has_algorithm(ctx, j->sig.algorithm)) {
			/* An algorithm rollover publishes the new algorithm's RRSIGs before its DNSKEYs
			 * and keeps the old algorithm's RRSIGs after its DNSKEYs are gone (RFC 6781
			 * 4.1.4); validators skip them (RFC 4035 5.3.1). An RRset with no other RRSIG
			 * still fails rrsig.algorithm-missing (nsec3.unsigned for NSEC and NSEC3). */
			return SIG_SKIPPED;
		}
		char tb[32];
		zg_emit(ctx, ZG_F_RRSIG_NO_KEY, j->name, j->set->type, NULL,
		        "RRSIG %s (line %u) claims key %u, algorithm %u: no such published zone key",
		        tstr(j->set->type, tb, sizeof(tb)), j->rr->line, j->sig.keytag,
		        j->sig.algorithm);
		return SIG_SKIPPED;
	}
	return check_crypto(ctx, j, &m, in_force);
}

static void check_unexpected(zg_vctx_t *ctx, uint32_t name, const zg_rrset_t *s)
{
	if (s->sig_count == 0) {
		return; /* a TLD's million delegation NS RRsets: nothing to say, nothing to format */
	}
	char tb[32];
	tstr(s->type, tb, sizeof(tb));
	for (uint32_t i = 0; i < s->sig_count; i++) {
		const zg_rr_t *rr = &ctx->zone->sigs[s->sig_first + i];
		zg_emit(ctx, ZG_F_RRSIG_UNEXPECTED, name, s->type, NULL,
		        s->rr_count == 0 ? "RRSIG at line %u covers %s, absent at this name"
		                         : "RRSIG at line %u over non-authoritative %s data",
		        rr->line, tb);
	}
}

static void check_set(zg_vctx_t *ctx, uint32_t name, const zg_rrset_t *s, zg_diag_t *diag,
                      const alg_set_t *algs)
{
	if (!(s->flags & ZG_RRSET_AUTH)) {
		check_unexpected(ctx, name, s);
		return;
	}
	alg_set_t seen = { { 0 } };
	uint32_t valid = 0;
	unsigned labels = UINT_MAX;
	uint32_t ttl = zg_rrset_ttl(ctx->zone, s);
	const zg_key_t *new_key = NULL; /* a valid signer that the previous version did not publish */
	bool by_prev = false;
	for (uint32_t i = 0; i < s->sig_count && ctx->fatal == ZG_EOK; i++) {
		sig_job_t j = { .set = s, .name = name, .ttl = ttl,
		                .rr = &ctx->zone->sigs[s->sig_first + i], .diag = diag,
		                .labels = &labels };
		if (check_one(ctx, &j) == SIG_VALID) {
			valid++;
			by_prev |= j.by->in_prev;
			new_key = j.by->in_prev ? new_key : j.by;
		}
		alg_add(&seen, j.sig.algorithm);
	}
	char tb[32];
	if (ctx->prev_signed && valid > 0 && !by_prev && s->type != KNOT_RRTYPE_DNSKEY) {
		zg_rollover_unpublished(ctx, name, s, new_key);
	}
	if ((s->type == KNOT_RRTYPE_NSEC || s->type == KNOT_RRTYPE_NSEC3) && valid == 0) {
		zg_emit(ctx, ZG_F_NSEC3_UNSIGNED, name, s->type, NULL,
		        "%s RRset has no valid RRSIG (%u present): denial of existence fails here",
		        tstr(s->type, tb, sizeof(tb)), s->sig_count);
		if (s->sig_count == 0) {
			return;
		}
	}
	if (s->sig_count == 0) {
		zg_emit(ctx, ZG_F_RRSIG_MISSING, name, s->type, NULL,
		        "authoritative %s RRset has no RRSIG", tstr(s->type, tb, sizeof(tb)));
		return;
	}
	for (unsigned w = 0; w < 4; w++) {
		for (uint64_t miss = algs->w[w] & ~seen.w[w]; miss != 0; miss &= miss - 1) {
			unsigned a = w * 64u + (unsigned)__builtin_ctzll(miss);
			zg_emit(ctx, ZG_F_RRSIG_ALGORITHM_MISSING, name, s->type, NULL,
			        "%s RRset has no RRSIG of algorithm %u, which the DNSKEY set has "
			        "(RFC 4035 2.2)", tstr(s->type, tb, sizeof(tb)), a);
		}
	}
}

/* Algorithms a signer must cover: those of usable, unrevoked zone keys. */
static void key_algorithms(const zg_vctx_t *ctx, alg_set_t *algs)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		const zg_key_t *k = &ctx->keys[i];
		if (k->zone_key && k->pk != NULL && !(k->flags & FLAG_REVOKE)) {
			alg_add(algs, k->algorithm);
		}
	}
}

void zg_rrsig_range(zg_vctx_t *ctx, zg_diag_t *diag, uint32_t first, uint32_t last)
{
	const zg_zone_t *z = ctx->zone;
	if (first >= last) {
		return;
	}
	alg_set_t algs = { { 0 } };
	key_algorithms(ctx, &algs);
	uint32_t name = zg_rrset_name(z, &z->rrsets[first]);
	for (uint32_t i = first; i < last && ctx->fatal == ZG_EOK; i++) {
		name = zg_rrset_name_from(z, name, i);
		check_set(ctx, name, &z->rrsets[i], diag, &algs);
	}
}
