/* memo.c -- what one zg_verify() run leaves for the next: signature verdicts and NSEC3 hashes,
 * and the map from a new version's names and signatures to the base version's. A verdict is
 * reused only for a signature whose bytes, RRset data, owner and DNSKEY set are all unchanged. */
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include <openssl/evp.h>
#include "verifier/internal/memo.h"
#include "verifier/internal/vctx.h"
#include "verifier/name.h"

enum { SIG_UNKNOWN = 0, SIG_VALID = 1, SIG_BOGUS = 2 };

zg_memo_t *zg_memo_new(void)
{
	return calloc(1, sizeof(zg_memo_t));
}

static void memo_clear(zg_memo_t *m)
{
	free(m->sig_state);
	free(m->sig_key);
	zg_memo_hashes_unref(m->hashes);
	zg_memo_denial_unref(m->denial);
	zg_targets_free(&m->targets);
	memset(m, 0, sizeof(*m));
}

void zg_memo_free(zg_memo_t *memo)
{
	if (memo != NULL) {
		memo_clear(memo);
		free(memo);
	}
}

zg_memo_stats_t zg_memo_stats(const zg_memo_t *memo)
{
	return memo ? memo->stats : (zg_memo_stats_t){ 0 };
}

static zg_err_t keyset_digest(const zg_vctx_t *ctx, uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
	for (size_t i = 0; ok && i < ctx->nkeys; i++) {
		uint8_t len[2] = { (uint8_t)(ctx->keys[i].rdlen >> 8), (uint8_t)ctx->keys[i].rdlen };
		ok = EVP_DigestUpdate(md, len, 2) == 1 &&
		     EVP_DigestUpdate(md, ctx->keys[i].rdata, ctx->keys[i].rdlen) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(md, out, NULL) == 1;
	EVP_MD_CTX_free(md);
	return ok ? ZG_EOK : ZG_ECRYPTO;
}

static zg_err_t memo_alloc(zg_memo_t *m, const zg_zone_t *z, const uint8_t keyset[32])
{
	memo_clear(m);
	m->zone = z;
	m->nsigs = z->nsigs;
	m->nnames = z->nnames;
	memcpy(m->keyset, keyset, 32);
	m->sig_state = calloc(z->nsigs ? z->nsigs : 1, 1);
	m->sig_key = calloc(z->nsigs ? z->nsigs : 1, sizeof(uint16_t));
	m->hashes = calloc(1, sizeof(*m->hashes));
	if (m->hashes != NULL) {
		m->hashes->refs = 1;
		m->hashes->hash = calloc(z->nnames ? z->nnames : 1, 20);
		m->hashes->hashed = calloc(z->nnames ? z->nnames : 1, 1);
	}
	bool ok = m->sig_state && m->sig_key && m->hashes && m->hashes->hash &&
	          m->hashes->hashed;
	return ok ? ZG_EOK : ZG_ENOMEM;
}

static int bytes_cmp(const zg_rr_t *a, const zg_rr_t *b)
{
	if (a->rdata == b->rdata && a->rdlen == b->rdlen) {
		return 0; /* a record the versions share */
	}
	int c = memcmp(a->rdata, b->rdata, a->rdlen < b->rdlen ? a->rdlen : b->rdlen);
	return c != 0 ? c : (a->rdlen > b->rdlen) - (a->rdlen < b->rdlen);
}

/* Same RDATA in the same (canonical) order: the signed data of the RRset is the same. */
static bool same_data(const zg_zone_t *a, const zg_rrset_t *sa, const zg_zone_t *b,
                      const zg_rrset_t *sb)
{
	if (sa->rr_count != sb->rr_count) {
		return false;
	}
	for (uint32_t i = 0; i < sa->rr_count; i++) {
		if (bytes_cmp(&a->rrs[sa->rr_first + i], &b->rrs[sb->rr_first + i]) != 0) {
			return false;
		}
	}
	return true;
}

/* Signatures of one unchanged RRset, both sorted by RDATA: equal bytes map. */
static void map_sigs(zg_vctx_t *ctx, const zg_zone_t *base, const zg_rrset_t *sb,
                     const zg_rrset_t *sz)
{
	const zg_zone_t *z = ctx->zone;
	uint32_t i = 0, j = 0;
	while (i < sb->sig_count && j < sz->sig_count) {
		int c = bytes_cmp(&base->sigs[sb->sig_first + i], &z->sigs[sz->sig_first + j]);
		if (c == 0) {
			ctx->sig_from[sz->sig_first + j] = sb->sig_first + i;
		}
		i += c <= 0;
		j += c >= 0;
	}
}

static void map_name(zg_vctx_t *ctx, const zg_zone_t *base, uint32_t ib, uint32_t iz,
                     bool sigs)
{
	const zg_zone_t *z = ctx->zone;
	const zg_name_t *nb = &base->names[ib], *nz = &z->names[iz];
	ctx->name_from[iz] = ib;
	uint32_t i = 0, j = 0;
	while (sigs && i < nb->rrset_count && j < nz->rrset_count) {
		const zg_rrset_t *sb = &base->rrsets[nb->rrset_first + i];
		const zg_rrset_t *sz = &z->rrsets[nz->rrset_first + j];
		if (sb->type == sz->type && same_data(base, sb, z, sz)) {
			map_sigs(ctx, base, sb, sz);
		}
		i += sb->type <= sz->type;
		j += sb->type >= sz->type;
	}
}

static bool denial_type(uint16_t type)
{
	return type == KNOT_RRTYPE_NSEC || type == KNOT_RRTYPE_NSEC3 ||
	       type == KNOT_RRTYPE_NSEC3PARAM;
}

/* Name ia of a and ib of b look the same to the NSEC/NSEC3 checks: flags, types held (and
 * whether each is authoritative), NSEC/NSEC3/NSEC3PARAM data. */
static bool denial_shape(const zg_zone_t *a, uint32_t ia, const zg_zone_t *b, uint32_t ib)
{
	const zg_name_t *na = &a->names[ia], *nb = &b->names[ib];
	if (na->flags != nb->flags || na->rrset_count != nb->rrset_count) {
		return false;
	}
	for (uint32_t k = 0; k < na->rrset_count; k++) {
		const zg_rrset_t *sa = &a->rrsets[na->rrset_first + k];
		const zg_rrset_t *sb = &b->rrsets[nb->rrset_first + k];
		if (sa->type != sb->type || sa->flags != sb->flags ||
		    (sa->rr_count > 0) != (sb->rr_count > 0) ||
		    (denial_type(sa->type) && !same_data(a, sa, b, sb))) {
			return false;
		}
	}
	return true;
}

/* A name with no counterpart in the other version that the NSEC/NSEC3 checks may let pass:
 * glue or other occluded data without an NSEC (never in a chain), or an insecure delegation
 * just below the apex without an NSEC3 (memo_denial.c decides, from its hash). */
typedef enum { LOOSE_NO, LOOSE_OCCLUDED, LOOSE_DELEGATION } loose_t;

static loose_t loose_name(const zg_zone_t *z, uint32_t i, unsigned apex_labels)
{
	const zg_name_t *nm = &z->names[i];
	bool nsec = zg_zone_rrset(z, i, KNOT_RRTYPE_NSEC) != NULL;
	bool nsec3 = zg_zone_rrset(z, i, KNOT_RRTYPE_NSEC3) != NULL;
	if (nm->flags == ZG_NAME_OCCLUDED && !nsec && !nsec3) {
		return LOOSE_OCCLUDED;
	}
	if (nm->flags == ZG_NAME_CUT && !nsec && !nsec3 &&
	    zg_zone_rrset(z, i, KNOT_RRTYPE_DS) == NULL &&
	    zg_dname_labels(nm->owner) == apex_labels + 1) {
		return LOOSE_DELEGATION;
	}
	return LOOSE_NO;
}

typedef struct {
	uint32_t *v;
	size_t n, cap;
} idx_list_t;

/* Note name i (of z) that the other version lacks; false: the denial checks must run. */
static bool note_loose(idx_list_t *l, const zg_zone_t *z, uint32_t i, unsigned apex_labels)
{
	loose_t k = loose_name(z, i, apex_labels);
	if (k != LOOSE_DELEGATION) {
		return k == LOOSE_OCCLUDED;
	}
	if (zg_array_reserve(&l->v, &l->cap, l->n, sizeof(*l->v), 64) != ZG_EOK) {
		return false;
	}
	l->v[l->n++] = i;
	return true;
}

/* The tail of both maps: whether the NSEC/NSEC3 results hold as they are. */
static void map_end(zg_vctx_t *ctx, const zg_zone_t *base, bool same, bool unmatched,
                    idx_list_t *plus, idx_list_t *minus)
{
	ctx->denial_shifted = unmatched; /* names came or went: the indices differ */
	ctx->denial_same = same && zg_memo_denial_delta(ctx, base, plus->v, plus->n, minus->v,
	                                                minus->n);
	free(plus->v);
	free(minus->v);
}

/* A version zg_zone_apply_diff() made from base: the names it copied map by their runs
 * (same owners, records and flags), only those it regrouped, added or removed are compared. */
static void map_runs(zg_vctx_t *ctx, const zg_zone_t *base, bool sigs)
{
	const zg_zone_t *z = ctx->zone;
	for (uint32_t r = 0; r < z->nruns; r++) {
		const zg_copy_run_t *run = &z->runs[r];
		for (uint32_t k = 0; k < run->count; k++) {
			ctx->name_from[run->name + k] = run->base_name + k;
		}
		for (uint32_t k = 0; sigs && k < run->nsigs; k++) {
			ctx->sig_from[run->sig + k] = run->base_sig + k;
		}
	}
	bool same = sigs, unmatched = false;
	unsigned apex_labels = zg_dname_labels(z->origin);
	idx_list_t plus = { 0 }, minus = { 0 };
	for (uint32_t g = 0; g < z->nregrouped; g++) {
		const zg_regrouped_t *x = &z->regrouped[g];
		if (x->name != ZG_NONE && x->base_name != ZG_NONE) {
			map_name(ctx, base, x->base_name, x->name, sigs);
			same = same && denial_shape(base, x->base_name, z, x->name);
		} else {
			unmatched = true;
			same = same && (x->name == ZG_NONE ? note_loose(&minus, base, x->base_name,
			                                                apex_labels)
			                                   : note_loose(&plus, z, x->name, apex_labels));
		}
	}
	map_end(ctx, base, same, unmatched, &plus, &minus);
}

/* Both versions' names in canonical order, joined. */
static zg_err_t build_map(zg_vctx_t *ctx, const zg_zone_t *base, bool sigs)
{
	const zg_zone_t *z = ctx->zone;
	ctx->name_from = malloc((z->nnames ? z->nnames : 1) * sizeof(uint32_t));
	ctx->sig_from = malloc((z->nsigs ? z->nsigs : 1) * sizeof(uint32_t));
	if (ctx->name_from == NULL || ctx->sig_from == NULL) {
		return ZG_ENOMEM;
	}
	memset(ctx->name_from, 0xff, (size_t)z->nnames * sizeof(uint32_t));
	memset(ctx->sig_from, 0xff, (size_t)z->nsigs * sizeof(uint32_t));
	if (zg_zone_made_from(z, base)) {
		map_runs(ctx, base, sigs);
		return ZG_EOK;
	}
	uint32_t i = 0, j = 0;
	bool same = sigs, unmatched = false;
	unsigned apex_labels = zg_dname_labels(z->origin);
	idx_list_t plus = { 0 }, minus = { 0 };
	while (i < base->nnames || j < z->nnames) {
		int c = i == base->nnames ? 1 : j == z->nnames ? -1 :
		        zg_dname_equal(base->names[i].owner, z->names[j].owner) ? 0 :
		        zg_dname_cmp(base->names[i].owner, z->names[j].owner);
		if (c == 0) {
			map_name(ctx, base, i, j, sigs);
			same = same && denial_shape(base, i, z, j);
		} else {
			unmatched = true;
			same = same && (c < 0 ? note_loose(&minus, base, i, apex_labels)
			                      : note_loose(&plus, z, j, apex_labels));
		}
		i += c <= 0;
		j += c >= 0;
	}
	map_end(ctx, base, same, unmatched, &plus, &minus);
	return ZG_EOK;
}

zg_err_t zg_memo_begin(zg_vctx_t *ctx)
{
	const zg_verify_opts_t *o = ctx->opts;
	const zg_memo_t *in = o->memo_in;
	uint8_t ks[32];
	if (o->memo_out == NULL && in == NULL) {
		return ZG_EOK;
	}
	zg_err_t ret = keyset_digest(ctx, ks);
	if (ret == ZG_EOK && o->memo_out != NULL) {
		ret = memo_alloc(o->memo_out, ctx->zone, ks);
	}
	ctx->memo_out = o->memo_out;
	const zg_zone_t *base = o->memo_base;
	if (ret != ZG_EOK || in == NULL || base == NULL || in->zone != base || o->cross != NULL ||
	    in->nsigs != base->nsigs || in->nnames != base->nnames) {
		return ret; /* nothing to reuse: a full run */
	}
	bool keys_same = memcmp(in->keyset, ks, 32) == 0;
	if (ctx->memo_out != NULL) {
		ctx->memo_out->stats.keyset_changed = !keys_same;
	}
	ctx->memo_in = in;
	return build_map(ctx, base, keys_same);
}

void zg_memo_end(zg_vctx_t *ctx)
{
	if (ctx->memo_out != NULL) {
		ctx->memo_out->stats.sigs_reused = ctx->memo_hits;
		ctx->memo_out->stats.sigs_verified = ctx->memo_misses;
	}
	free(ctx->name_from);
	free(ctx->sig_from);
	free(ctx->denial_plus);
	ctx->name_from = ctx->sig_from = NULL;
	ctx->denial_plus = NULL;
}

bool zg_memo_sig_get(const zg_vctx_t *ctx, uint32_t sig, bool *valid, size_t *key)
{
	if (ctx->memo_in == NULL || ctx->sig_from[sig] == ZG_NONE) {
		return false;
	}
	uint32_t from = ctx->sig_from[sig];
	uint8_t st = ctx->memo_in->sig_state[from];
	if (st == SIG_UNKNOWN || ctx->memo_in->sig_key[from] >= ctx->nkeys) {
		return false;
	}
	*valid = st == SIG_VALID;
	*key = ctx->memo_in->sig_key[from];
	return true;
}

void zg_memo_sig_put(const zg_vctx_t *ctx, uint32_t sig, bool valid, size_t key)
{
	if (ctx->memo_out != NULL && sig < ctx->memo_out->nsigs) {
		ctx->memo_out->sig_state[sig] = valid ? SIG_VALID : SIG_BOGUS;
		ctx->memo_out->sig_key[sig] = (uint16_t)key;
	}
}

void zg_memo_hash_params(zg_vctx_t *ctx, uint8_t alg, uint16_t iter, const uint8_t *salt,
                         uint8_t saltlen)
{
	const zg_memo_t *in = ctx->memo_in;
	ctx->memo_hash_ok = in != NULL && in->has_params && in->alg == alg && in->iter == iter &&
	                    in->saltlen == saltlen && memcmp(in->salt, salt, saltlen) == 0;
	zg_memo_t *out = ctx->memo_out;
	if (out != NULL) {
		out->has_params = true;
		out->alg = alg;
		out->iter = iter;
		out->saltlen = saltlen;
		memcpy(out->salt, salt, saltlen);
	}
}

bool zg_memo_hash_get(zg_vctx_t *ctx, uint32_t name, uint8_t out[20])
{
	uint32_t from = ctx->memo_hash_ok ? ctx->name_from[name] : ZG_NONE;
	if (from == ZG_NONE || !ctx->memo_in->hashes->hashed[from]) {
		if (ctx->memo_out != NULL) {
			ctx->memo_out->stats.hashes_computed++;
		}
		return false;
	}
	memcpy(out, ctx->memo_in->hashes->hash[from], 20);
	if (ctx->memo_out != NULL) {
		ctx->memo_out->stats.hashes_reused++;
	}
	return true;
}

void zg_memo_hashes_unref(zg_memo_hashes_t *h)
{
	if (h != NULL && --h->refs == 0) {
		free(h->hash);
		free(h->hashed);
		free(h);
	}
}

void zg_memo_hash_put(zg_vctx_t *ctx, uint32_t name, const uint8_t hash[20])
{
	if (ctx->memo_out != NULL && name < ctx->memo_out->nnames) {
		memcpy(ctx->memo_out->hashes->hash[name], hash, 20);
		ctx->memo_out->hashes->hashed[name] = 1;
	}
}
