/* audit_probe.c -- hsm.probe-mismatch: sign a nonce with each usable key (libpkcs11-helper) and
 * verify it with the published DNSKEY of that key's tag (OpenSSL, the verifier's crypto path). A
 * private key without a readable public key is identified the same way, or by ECDSA public key
 * recovery from two probe signatures. */
#include <string.h>
#include <openssl/rand.h>
#include "hsm/dnskey.h"
#include "hsm/audit_impl.h"
#include "hsm/hsm_impl.h"
#include "verifier/crypto.h"

#define PREFIX "zonegate hsm probe nonce "
#define NAME_LEN (ZG_HSM_LABEL_MAX + 2 * ZG_HSM_ID_MAX + 96)

typedef struct {
	uint8_t data[sizeof(PREFIX) + 32];
	size_t len;
	uint8_t sig[1024];
	size_t siglen;
} probe_sig_t;

static zg_err_t make_sig(hsm_actx_t *c, zg_hsm_t *h, const zg_hsm_key_t *k, uint8_t alg,
                         probe_sig_t *ps)
{
	memcpy(ps->data, PREFIX, sizeof(PREFIX) - 1);
	if (RAND_bytes(ps->data + sizeof(PREFIX) - 1, 32) != 1) {
		hsm_msg(c->err, c->errlen, "no random bytes for the probe nonce");
		return ZG_ECRYPTO;
	}
	ps->len = sizeof(PREFIX) - 1 + 32;
	ps->siglen = sizeof(ps->sig);
	return zg_hsm_sign(h, k, alg, ps->data, ps->len, ps->sig, &ps->siglen, c->err, c->errlen);
}

static bool verifies(const zg_hsm_dnskey_t *p, const probe_sig_t *ps)
{
	zg_pubkey_t *pk = NULL;
	bool valid = false;
	if (p->rdlen > 4 && zg_pubkey_new(p->algorithm, p->rdata + 4, p->rdlen - 4u, &pk) == ZG_EOK) {
		(void)zg_pubkey_verify(pk, ps->data, ps->len, ps->sig, ps->siglen, &valid);
	}
	zg_pubkey_free(pk);
	return valid;
}

/* The public object is a published key: does the private one sign for it? */
static zg_err_t probe_published(hsm_actx_t *c, size_t t, zg_hsm_key_t *k)
{
	const zg_hsm_audit_token_t *at = &c->o->tokens[t];
	const zg_hsm_dnskey_t *p = &c->o->published->keys[k->published];
	probe_sig_t ps;
	char obj[NAME_LEN];
	zg_err_t ret = make_sig(c, at->handle, k, p->algorithm, &ps);
	if (ret != ZG_EOK) {
		return ret;
	}
	k->probe = verifies(p, &ps) ? ZG_HSM_PROBE_OK : ZG_HSM_PROBE_MISMATCH;
	if (k->probe == ZG_HSM_PROBE_MISMATCH) {
		hsm_emit(c, ZG_F_HSM_PROBE_MISMATCH, at->inv, k, p, p->tag, p->algorithm,
		         "%s: its public key object is published DNSKEY %u (algorithm %u, flags %u), but "
		         "a probe signature made with its private key does not verify with it: the "
		         "objects are not one key pair", hsm_obj_name(at->inv, k, obj, sizeof(obj)),
		         p->tag, p->algorithm, p->flags);
	}
	return ZG_EOK;
}

/* An unpublished key against every published key whose tag it would claim. */
static zg_err_t probe_same_tag(hsm_actx_t *c, size_t t, zg_hsm_key_t *k)
{
	const zg_hsm_audit_token_t *at = &c->o->tokens[t];
	char obj[NAME_LEN];
	for (size_t i = 0; i < c->o->published->n; i++) {
		const zg_hsm_dnskey_t *p = &c->o->published->keys[i];
		probe_sig_t ps;
		if (!zg_hsm_alg_fits(k->type, p->algorithm) ||
		    zg_hsm_key_tag(k, p->flags, p->algorithm) != p->tag) {
			continue;
		}
		zg_err_t ret = make_sig(c, at->handle, k, p->algorithm, &ps);
		if (ret != ZG_EOK) {
			return ret;
		}
		if (verifies(p, &ps)) {
			k->probe = ZG_HSM_PROBE_OK; /* cannot happen for a different key; kept honest */
			continue;
		}
		k->probe = ZG_HSM_PROBE_MISMATCH;
		hsm_emit(c, ZG_F_HSM_PROBE_MISMATCH, at->inv, k, p, p->tag, p->algorithm,
		         "%s: a probe signature made with this unpublished key claims key tag %u and "
		         "does not verify with published DNSKEY %u (algorithm %u, flags %u): validators "
		         "see every signature it makes as bogus",
		         hsm_obj_name(at->inv, k, obj, sizeof(obj)), p->tag, p->tag, p->algorithm,
		         p->flags);
	}
	return ZG_EOK;
}

static void adopt(zg_hsm_key_t *k, const uint8_t *key, size_t len, uint8_t alg, int published)
{
	memcpy(k->key, key, len);
	k->keylen = len;
	k->algorithm = alg;
	k->published = published;
	k->key_from_probe = true;
	hsm_key_finish(k);
}

/* ECDSA: the one public key that fits two probe signatures. */
static zg_err_t recover_key(hsm_actx_t *c, size_t t, zg_hsm_key_t *k)
{
	uint8_t alg = zg_hsm_keytype_alg(k->type);
	uint8_t cand[2][4][ZG_ECDSA_MAX_PUB];
	size_t n[2] = { 0, 0 }, klen = alg == 13 ? 64 : 96;
	for (int s = 0; s < 2; s++) {
		probe_sig_t ps;
		zg_err_t ret = make_sig(c, c->o->tokens[t].handle, k, alg, &ps);
		if (ret != ZG_EOK) {
			return ret;
		}
		if (zg_ecdsa_recover(alg, ps.data, ps.len, ps.sig, ps.siglen, cand[s], &n[s]) !=
		    ZG_EOK) {
			return ZG_EOK; /* stays unknown */
		}
	}
	for (size_t i = 0; i < n[0]; i++) {
		for (size_t j = 0; j < n[1]; j++) {
			if (memcmp(cand[0][i], cand[1][j], klen) == 0) {
				adopt(k, cand[0][i], klen, alg, -1);
				return probe_same_tag(c, t, k);
			}
		}
	}
	return ZG_EOK;
}

/* A private key whose public key cannot be read: which published key (if any) is it? */
static zg_err_t identify(hsm_actx_t *c, size_t t, zg_hsm_key_t *k)
{
	for (size_t i = 0; i < c->o->published->n; i++) {
		const zg_hsm_dnskey_t *p = &c->o->published->keys[i];
		probe_sig_t ps;
		if (!zg_hsm_alg_fits(k->type, p->algorithm)) {
			continue;
		}
		zg_err_t ret = make_sig(c, c->o->tokens[t].handle, k, p->algorithm, &ps);
		if (ret != ZG_EOK) {
			return ret;
		}
		if (verifies(p, &ps)) {
			adopt(k, p->rdata + 4, p->rdlen - 4u, p->algorithm, (int)i);
			k->probe = ZG_HSM_PROBE_OK;
			return ZG_EOK;
		}
	}
	if (k->type == ZG_HSM_KEY_P256 || k->type == ZG_HSM_KEY_P384) {
		return recover_key(c, t, k);
	}
	return ZG_EOK;
}

zg_err_t hsm_probe_all(hsm_actx_t *c)
{
	for (size_t t = 0; t < c->o->ntokens; t++) {
		zg_hsm_inventory_t *inv = c->o->tokens[t].inv;
		for (size_t i = 0; i < inv->nkeys; i++) {
			zg_hsm_key_t *k = &inv->keys[i];
			zg_err_t ret = ZG_EOK;
			if (!zg_hsm_key_usable(k) || zg_hsm_keytype_alg(k->type) == 0) {
				continue;
			}
			if (k->keylen > 0 && k->published >= 0) {
				ret = probe_published(c, t, k);
			} else if (k->keylen > 0) {
				ret = probe_same_tag(c, t, k);
			} else {
				ret = identify(c, t, k);
			}
			if (ret != ZG_EOK) {
				return ret;
			}
		}
	}
	return ZG_EOK;
}
