/* key_history.c -- the keys of a zone version (digest, signs data) and how a served version
 * moves a key history forward: first published, first/last signing, removed. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <libknot/descriptor.h>
#include "verifier/crypto.h"
#include "verifier/internal/zone_model.h"
#include "verifier/key_history.h"
#include "verifier/rrsig.h"

zg_err_t zg_key_digest(const uint8_t *rdata, size_t rdlen, uint8_t digest[ZG_KEY_DIGEST_LEN])
{
	if (rdata == NULL || digest == NULL) {
		return ZG_EINVAL;
	}
	unsigned int len = 0;
	if (EVP_Digest(rdata, rdlen, digest, &len, EVP_sha256(), NULL) != 1 ||
	    len != ZG_KEY_DIGEST_LEN) {
		return ZG_ECRYPTO;
	}
	return ZG_EOK;
}

/* signs_data for every key named by an RRSIG over an RRset other than DNSKEY. */
static void mark_signers(const zg_zone_t *z, zg_key_seen_t *keys, size_t n)
{
	for (uint32_t i = 0; i < z->nrrsets; i++) {
		const zg_rrset_t *s = &z->rrsets[i];
		for (uint32_t j = 0; s->type != KNOT_RRTYPE_DNSKEY && j < s->sig_count; j++) {
			zg_rrsig_t sig;
			const zg_rr_t *rr = &z->sigs[s->sig_first + j];
			if (zg_rrsig_parse(rr->rdata, rr->rdlen, &sig) != ZG_EOK) {
				continue;
			}
			for (size_t k = 0; k < n; k++) {
				keys[k].signs_data |= keys[k].keytag == sig.keytag &&
				                      keys[k].algorithm == sig.algorithm;
			}
		}
	}
}

zg_err_t zg_key_seen(const zg_zone_t *zone, zg_key_seen_t **keys, size_t *n)
{
	if (zone == NULL || keys == NULL || n == NULL) {
		return ZG_EINVAL;
	}
	*keys = NULL;
	*n = 0;
	const zg_rrset_t *pk = zg_zone_rrset(zone, zone->apex, KNOT_RRTYPE_DNSKEY);
	if (pk == NULL || pk->rr_count == 0) {
		return ZG_EOK;
	}
	zg_key_seen_t *k = calloc(pk->rr_count, sizeof(*k));
	if (k == NULL) {
		return ZG_ENOMEM;
	}
	for (uint32_t i = 0; i < pk->rr_count; i++) {
		const zg_rr_t *rr = &zone->rrs[pk->rr_first + i];
		k[i].algorithm = rr->rdlen >= 4 ? rr->rdata[3] : 0;
		(void)zg_keytag(rr->rdata, rr->rdlen, &k[i].keytag);
		zg_err_t ret = zg_key_digest(rr->rdata, rr->rdlen, k[i].digest);
		if (ret != ZG_EOK) {
			free(k);
			return ret;
		}
	}
	mark_signers(zone, k, pk->rr_count);
	*keys = k;
	*n = pk->rr_count;
	return ZG_EOK;
}

const zg_key_history_t *zg_key_history_find(const zg_key_history_t *h, size_t n,
                                            uint8_t algorithm, uint16_t keytag,
                                            const uint8_t digest[ZG_KEY_DIGEST_LEN])
{
	for (size_t i = 0; h != NULL && digest != NULL && i < n; i++) {
		if (h[i].algorithm == algorithm && h[i].keytag == keytag &&
		    memcmp(h[i].digest, digest, ZG_KEY_DIGEST_LEN) == 0) {
			return &h[i];
		}
	}
	return NULL;
}

/* The entry of s in h[0..*n), appended (published from now) if absent. */
static zg_key_history_t *entry_of(zg_key_history_t *h, size_t *n, const zg_key_seen_t *s,
                                  uint64_t now, bool bootstrap)
{
	zg_key_history_t *e =
		(zg_key_history_t *)zg_key_history_find(h, *n, s->algorithm, s->keytag, s->digest);
	if (e == NULL) {
		e = &h[(*n)++];
		*e = (zg_key_history_t){ .algorithm = s->algorithm, .keytag = s->keytag,
			                 .first_published = now, .preexisting = bootstrap };
		memcpy(e->digest, s->digest, ZG_KEY_DIGEST_LEN);
	} else if (e->removed != 0) { /* published again: its age starts over */
		e->first_published = now;
		e->removed = 0;
		e->preexisting = false;
	}
	return e;
}

/* Signing in this version, or stopping now. */
static void note_signing(zg_key_history_t *e, bool signs, uint64_t now)
{
	if (signs) {
		e->first_signing = e->first_signing ? e->first_signing : now;
		e->last_signing = now;
		e->signing = true;
	} else if (e->signing) {
		e->last_signing = now;
		e->signing = false;
	}
}

zg_err_t zg_key_history_update(const zg_key_history_t *old, size_t nold,
                               const zg_key_seen_t *seen, size_t nseen, uint64_t now,
                               zg_key_history_t **out, size_t *nout)
{
	if ((old == NULL && nold > 0) || (seen == NULL && nseen > 0) || now == 0 || out == NULL ||
	    nout == NULL) {
		return ZG_EINVAL;
	}
	if (nold > ZG_KEY_HISTORY_MAX || nseen > ZG_KEY_HISTORY_MAX - nold) {
		return ZG_ETOOBIG;
	}
	size_t cap = nold + nseen, n = nold;
	zg_key_history_t *h = calloc(cap ? cap : 1, sizeof(*h));
	bool *now_published = calloc(cap ? cap : 1, sizeof(bool));
	if (h == NULL || now_published == NULL) {
		free(h);
		free(now_published);
		return ZG_ENOMEM;
	}
	if (nold > 0) {
		memcpy(h, old, nold * sizeof(*h));
	}
	for (size_t i = 0; i < nseen; i++) {
		zg_key_history_t *e = entry_of(h, &n, &seen[i], now, nold == 0);
		now_published[e - h] = true;
		note_signing(e, seen[i].signs_data, now);
	}
	for (size_t i = 0; i < n; i++) {
		if (!now_published[i] && h[i].removed == 0) {
			note_signing(&h[i], false, now);
			h[i].removed = now;
		}
	}
	free(now_published);
	*out = h;
	*nout = n;
	return ZG_EOK;
}
