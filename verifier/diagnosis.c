/* diagnosis.c -- who made the bogus signatures: group by (algorithm, key tag); for ECDSA recover
 * the signing key from each signature, for every algorithm try the candidate keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/arena.h"
#include "verifier/internal/vctx.h"

typedef struct {
	uint8_t key[ZG_ECDSA_MAX_PUB];
	uint8_t klen;
	uint16_t tag;
	uint64_t count;
} recovered_t;

typedef struct {
	uint8_t alg;
	uint16_t tag;
	uint64_t sigs, bogus, unattributed;
	bool nsec;
	recovered_t *rec;
	size_t nrec, caprec;
	uint64_t *cand; /* bogus signatures per candidate key */
} group_t;

struct zg_diag {
	group_t *g;
	size_t n, cap;
};

zg_diag_t *zg_diag_new(void)
{
	return calloc(1, sizeof(zg_diag_t));
}

void zg_diag_free(zg_diag_t *d)
{
	if (d == NULL) {
		return;
	}
	for (size_t i = 0; i < d->n; i++) {
		free(d->g[i].rec);
		free(d->g[i].cand);
	}
	free(d->g);
	free(d);
}

static group_t *group_get(zg_diag_t *d, uint8_t alg, uint16_t tag, size_t ncands)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->g[i].alg == alg && d->g[i].tag == tag) {
			return &d->g[i];
		}
	}
	if (zg_array_reserve(&d->g, &d->cap, d->n, sizeof(group_t), 8) != ZG_EOK) {
		return NULL;
	}
	group_t *g = &d->g[d->n];
	*g = (group_t){ .alg = alg, .tag = tag };
	if (ncands > 0 && (g->cand = calloc(ncands, sizeof(uint64_t))) == NULL) {
		return NULL;
	}
	d->n++;
	return g;
}

static uint16_t tag_of(uint16_t flags, uint8_t alg, const uint8_t *key, size_t klen)
{
	uint8_t rdata[4 + ZG_ECDSA_MAX_PUB];
	knot_wire_write_u16(rdata, flags);
	rdata[2] = 3;
	rdata[3] = alg;
	memcpy(rdata + 4, key, klen);
	uint16_t tag = 0;
	(void)zg_keytag(rdata, 4 + klen, &tag);
	return tag;
}

static zg_err_t tally_key(group_t *g, const uint8_t *key, size_t klen, uint16_t tag,
                          uint64_t count)
{
	for (size_t i = 0; i < g->nrec; i++) {
		if (g->rec[i].klen == klen && memcmp(g->rec[i].key, key, klen) == 0) {
			g->rec[i].count += count;
			return ZG_EOK;
		}
	}
	if (zg_array_reserve(&g->rec, &g->caprec, g->nrec, sizeof(recovered_t), 4) != ZG_EOK) {
		return ZG_ENOMEM;
	}
	recovered_t *r = &g->rec[g->nrec++];
	*r = (recovered_t){ .klen = (uint8_t)klen, .tag = tag, .count = count };
	memcpy(r->key, key, klen);
	return ZG_EOK;
}

/* ECDSA: of the 2-4 keys that fit a signature, the signer's is the one whose tag (as a zone
 * key, flags 256 or 257) equals the claimed tag; a random fit matches with p = 2^-16. */
static bool attribute_ecdsa(group_t *g, const zg_rrsig_t *sig, const uint8_t *data, size_t len,
                            zg_err_t *err)
{
	uint8_t keys[4][ZG_ECDSA_MAX_PUB];
	size_t n = 0;
	size_t klen = sig->algorithm == 13 ? 64 : 96;
	if (zg_ecdsa_recover(sig->algorithm, data, len, sig->signature, sig->siglen, keys, &n) !=
	    ZG_EOK) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		for (uint16_t flags = 256; flags <= 257; flags++) {
			if (tag_of(flags, sig->algorithm, keys[i], klen) == sig->keytag) {
				*err = tally_key(g, keys[i], klen, sig->keytag, 1);
				return true;
			}
		}
	}
	return false;
}

static bool attribute_candidates(const zg_vctx_t *ctx, group_t *g, const zg_rrsig_t *sig,
                                 const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < ctx->ncands; i++) {
		const zg_key_t *k = &ctx->cands[i];
		bool valid = false;
		if (k->pk != NULL && k->algorithm == sig->algorithm &&
		    zg_pubkey_verify(k->pk, data, len, sig->signature, sig->siglen, &valid) == ZG_EOK &&
		    valid) {
			g->cand[i]++;
			return true;
		}
	}
	return false;
}

zg_err_t zg_diag_note(zg_vctx_t *ctx, zg_diag_t *d, const zg_rrsig_t *sig, bool bogus,
                      uint16_t covered, const uint8_t *data, size_t len)
{
	group_t *g = group_get(d, sig->algorithm, sig->keytag, ctx->ncands);
	if (g == NULL) {
		return ZG_ENOMEM;
	}
	g->sigs++;
	if (!bogus) {
		return ZG_EOK;
	}
	g->bogus++;
	g->nsec |= covered == KNOT_RRTYPE_NSEC3 || covered == KNOT_RRTYPE_NSEC;
	zg_err_t err = ZG_EOK;
	bool ecdsa = sig->algorithm == 13 || sig->algorithm == 14;
	if (!(ecdsa && attribute_ecdsa(g, sig, data, len, &err)) &&
	    !attribute_candidates(ctx, g, sig, data, len)) {
		g->unattributed++;
	}
	return err;
}

zg_err_t zg_diag_merge(zg_diag_t *dst, const zg_diag_t *src, size_t ncands)
{
	for (size_t i = 0; i < src->n; i++) {
		const group_t *s = &src->g[i];
		group_t *d = group_get(dst, s->alg, s->tag, ncands);
		if (d == NULL) {
			return ZG_ENOMEM;
		}
		d->sigs += s->sigs;
		d->bogus += s->bogus;
		d->unattributed += s->unattributed;
		d->nsec |= s->nsec;
		for (size_t k = 0; k < ncands && s->cand != NULL; k++) {
			d->cand[k] += s->cand[k];
		}
		for (size_t k = 0; k < s->nrec; k++) {
			const recovered_t *r = &s->rec[k];
			if (tally_key(d, r->key, r->klen, r->tag, r->count) != ZG_EOK) {
				return ZG_ENOMEM;
			}
		}
	}
	return ZG_EOK;
}

static void b64(const uint8_t *in, size_t len, char *out, size_t size)
{
	if (4 * ((len + 2) / 3) + 1 > size) {
		len = (size - 1) / 4 * 3; /* truncate rather than overflow; keys here are <= 96 B */
	}
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

static int rec_cmp(const void *a, const void *b)
{
	const recovered_t *x = a, *y = b;
	return (x->count < y->count) - (x->count > y->count);
}

static void cand_source(const zg_vctx_t *ctx, const zg_key_t *k, char *buf, size_t size)
{
	if (k->source != NULL) {
		snprintf(buf, size, "%s", k->source);
	} else {
		snprintf(buf, size, "%s:%u", ctx->opts->candidates->path, k->line);
	}
}

static void maker_source(const zg_vctx_t *ctx, const recovered_t *r, zg_diag_maker_t *m)
{
	for (size_t i = 0; i < ctx->ncands; i++) {
		const zg_key_t *k = &ctx->cands[i];
		if (k->rdlen == 4u + r->klen && memcmp(k->rdata + 4, r->key, r->klen) == 0) {
			char src[160];
			cand_source(ctx, k, src, sizeof(src));
			snprintf(m->source, sizeof(m->source), "recovered; candidate %s", src);
			return;
		}
	}
	snprintf(m->source, sizeof(m->source), "recovered from the signatures");
}

static void fill_group(const zg_vctx_t *ctx, group_t *g, zg_diag_group_t *out)
{
	*out = (zg_diag_group_t){ .algorithm = g->alg, .tag = g->tag, .signatures = g->sigs,
	                          .bogus = g->bogus, .unattributed = g->unattributed,
	                          .nsec3_among_bogus = g->nsec };
	for (size_t i = 0; i < ctx->nkeys; i++) {
		const zg_key_t *k = &ctx->keys[i];
		out->published += k->zone_key && k->tag == g->tag && k->algorithm == g->alg;
	}
	if (g->nrec > 1) {
		qsort(g->rec, g->nrec, sizeof(*g->rec), rec_cmp);
	}
	for (size_t i = 0; i < g->nrec && out->nmakers < ZG_DIAG_MAX_MAKERS; i++) {
		zg_diag_maker_t *m = &out->makers[out->nmakers++];
		m->tag = g->rec[i].tag;
		m->signatures = g->rec[i].count;
		b64(g->rec[i].key, g->rec[i].klen, m->key_b64, sizeof(m->key_b64));
		maker_source(ctx, &g->rec[i], m);
	}
	for (size_t i = 0; i < ctx->ncands && out->nmakers < ZG_DIAG_MAX_MAKERS; i++) {
		if (g->cand == NULL || g->cand[i] == 0) {
			continue;
		}
		const zg_key_t *k = &ctx->cands[i];
		zg_diag_maker_t *m = &out->makers[out->nmakers++];
		m->tag = k->tag;
		m->signatures = g->cand[i];
		b64(k->rdata + 4, k->rdlen - 4u, m->key_b64, sizeof(m->key_b64));
		char src[160];
		cand_source(ctx, k, src, sizeof(src));
		snprintf(m->source, sizeof(m->source), "candidate %s", src);
	}
}

zg_err_t zg_diag_finish(zg_vctx_t *ctx, zg_diag_t *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->g[i].bogus == 0) {
			continue;
		}
		zg_diag_group_t *out = zg_report_diag_add(ctx->report);
		if (out == NULL) {
			return ZG_ENOMEM;
		}
		fill_group(ctx, &d->g[i], out);
	}
	return ZG_EOK;
}
