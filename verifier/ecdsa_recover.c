/* ecdsa_recover.c -- ECDSA key recovery (SEC 1 v2 4.1.6): which key made a bogus signature. */
#include <assert.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "verifier/crypto.h"

#define HASH_MAX 48 /* SHA-384 */

/*! The two DNSSEC ECDSA algorithms (RFC 6605). */
typedef struct {
	uint8_t alg;
	int nid;
	const EVP_MD *(*md)(void);
	size_t clen; /* octets per coordinate and per r, s; equals the hash length */
} curve_t;

static const curve_t CURVES[] = {
	{ 13, NID_X9_62_prime256v1, EVP_sha256, 32 },
	{ 14, NID_secp384r1, EVP_sha384, 48 },
};

/*! Scratch state of one recovery; every BIGNUM lives in bn (BN_CTX_start/get). */
typedef struct {
	const curve_t *curve;
	EC_GROUP *group;
	BN_CTX *bn;
	const BIGNUM *n; /* group order, owned by group */
	BIGNUM *p, *r, *s, *e, *u1, *u2, *x, *qx, *qy;
	EC_POINT *R, *Q;
} recover_t;

static const curve_t *curve_find(uint8_t alg)
{
	for (size_t i = 0; i < sizeof(CURVES) / sizeof(CURVES[0]); i++) {
		if (CURVES[i].alg == alg) {
			return &CURVES[i];
		}
	}
	return NULL;
}

static void recover_deinit(recover_t *rc)
{
	EC_POINT_free(rc->Q);
	EC_POINT_free(rc->R);
	if (rc->bn != NULL) {
		BN_CTX_end(rc->bn);
		BN_CTX_free(rc->bn);
	}
	EC_GROUP_free(rc->group);
	ERR_pop_to_mark(); /* drop our errors (x without a point), keep the caller's */
}

/* Allocate the group, the points and the scratch numbers; p from the curve equation. */
static zg_err_t recover_init(recover_t *rc, const curve_t *curve)
{
	memset(rc, 0, sizeof(*rc));
	ERR_set_mark(); /* popped by recover_deinit() */
	rc->curve = curve;
	rc->bn = BN_CTX_new();
	if (rc->bn == NULL) {
		return ZG_ENOMEM;
	}
	BN_CTX_start(rc->bn); /* bn != NULL means started: recover_deinit() ends it */
	rc->group = EC_GROUP_new_by_curve_name(curve->nid);
	if (rc->group == NULL) {
		return ZG_ENOMEM;
	}
	rc->p = BN_CTX_get(rc->bn);
	rc->r = BN_CTX_get(rc->bn);
	rc->s = BN_CTX_get(rc->bn);
	rc->e = BN_CTX_get(rc->bn);
	rc->u1 = BN_CTX_get(rc->bn);
	rc->u2 = BN_CTX_get(rc->bn);
	rc->x = BN_CTX_get(rc->bn);
	rc->qx = BN_CTX_get(rc->bn);
	rc->qy = BN_CTX_get(rc->bn); /* BN_CTX_get: once one fails, all later ones fail too */
	rc->R = EC_POINT_new(rc->group);
	rc->Q = EC_POINT_new(rc->group);
	if (rc->qy == NULL || rc->R == NULL || rc->Q == NULL) {
		return ZG_ENOMEM;
	}
	rc->n = EC_GROUP_get0_order(rc->group);
	if (EC_GROUP_get_curve(rc->group, rc->p, NULL, NULL, rc->bn) != 1) {
		return ZG_ECRYPTO;
	}
	return ZG_EOK;
}

/* r || s (RFC 6605 4); both must be in [1, n-1] (SEC 1 4.1.4 step 1). */
static zg_err_t load_sig(recover_t *rc, const uint8_t *sig)
{
	int clen = (int)rc->curve->clen;
	if (BN_bin2bn(sig, clen, rc->r) == NULL || BN_bin2bn(sig + clen, clen, rc->s) == NULL) {
		return ZG_ENOMEM;
	}
	if (BN_is_zero(rc->r) || BN_is_zero(rc->s) || BN_cmp(rc->r, rc->n) >= 0 ||
	    BN_cmp(rc->s, rc->n) >= 0) {
		return ZG_EMALF;
	}
	return ZG_EOK;
}

/* SEC 1 4.1.6 step 1.5: e = H(data), the hash is exactly as long as n for both curves; then
 * u1 = -e/r mod n and u2 = s/r mod n, so that step 1.6.1 Q = r^-1 (sR - eG) = u1 G + u2 R. */
static zg_err_t compute_scalars(recover_t *rc, const uint8_t *data, size_t len)
{
	uint8_t hash[HASH_MAX];
	unsigned int hlen = 0;
	if (EVP_Digest(data, len, hash, &hlen, rc->curve->md(), NULL) != 1) {
		return ZG_ECRYPTO;
	}
	assert(hlen == rc->curve->clen);
	BIGNUM *rinv = rc->x; /* x is not needed yet: reuse it for r^-1 */
	if (BN_bin2bn(hash, (int)hlen, rc->e) == NULL ||
	    BN_mod_inverse(rinv, rc->r, rc->n, rc->bn) == NULL ||
	    BN_mod_mul(rc->u1, rc->e, rinv, rc->n, rc->bn) != 1 ||
	    BN_mod_mul(rc->u2, rc->s, rinv, rc->n, rc->bn) != 1) {
		return ZG_ECRYPTO;
	}
	if (!BN_is_zero(rc->u1) && BN_sub(rc->u1, rc->n, rc->u1) != 1) {
		return ZG_ECRYPTO;
	}
	return ZG_EOK;
}

/* One candidate R = (rc->x, y with parity ybit); writes Q as X || Y, false if R does not exist. */
static bool try_candidate(recover_t *rc, int ybit, uint8_t *out)
{
	size_t clen = rc->curve->clen;
	if (EC_POINT_set_compressed_coordinates(rc->group, rc->R, rc->x, ybit, rc->bn) != 1 ||
	    EC_POINT_is_on_curve(rc->group, rc->R, rc->bn) != 1) {
		return false; /* x^3 + ax + b has no square root mod p */
	}
	if (EC_POINT_mul(rc->group, rc->Q, rc->u1, rc->R, rc->u2, rc->bn) != 1 ||
	    EC_POINT_is_at_infinity(rc->group, rc->Q) ||
	    EC_POINT_get_affine_coordinates(rc->group, rc->Q, rc->qx, rc->qy, rc->bn) != 1) {
		return false;
	}
	return BN_bn2binpad(rc->qx, out, (int)clen) == (int)clen &&
	       BN_bn2binpad(rc->qy, out + clen, (int)clen) == (int)clen;
}

/* SEC 1 4.1.6 steps 1-1.6: x = r + j*n for j = 0..h (cofactor h = 1) while x < p, both y. */
static zg_err_t recover_all(recover_t *rc, uint8_t keys[4][ZG_ECDSA_MAX_PUB], size_t *nkeys)
{
	if (BN_copy(rc->x, rc->r) == NULL) {
		return ZG_ENOMEM;
	}
	for (int j = 0; j <= 1; j++) {
		if (j == 1 && BN_add(rc->x, rc->x, rc->n) != 1) {
			return ZG_ENOMEM;
		}
		if (BN_cmp(rc->x, rc->p) >= 0) {
			break;
		}
		for (int ybit = 0; ybit <= 1; ybit++) {
			assert(*nkeys < 4);
			if (try_candidate(rc, ybit, keys[*nkeys])) {
				*nkeys += 1;
			}
		}
	}
	return ZG_EOK;
}

zg_err_t zg_ecdsa_recover(uint8_t alg, const uint8_t *data, size_t len, const uint8_t *sig,
                          size_t siglen, uint8_t keys[4][ZG_ECDSA_MAX_PUB], size_t *nkeys)
{
	if ((data == NULL && len > 0) || (sig == NULL && siglen > 0) || keys == NULL ||
	    nkeys == NULL) {
		return ZG_EINVAL;
	}
	*nkeys = 0;
	const curve_t *curve = curve_find(alg);
	if (curve == NULL) {
		return ZG_EALGO;
	}
	if (siglen != 2 * curve->clen) {
		return ZG_EMALF;
	}
	recover_t rc;
	zg_err_t ret = recover_init(&rc, curve);
	if (ret == ZG_EOK) {
		ret = load_sig(&rc, sig);
	}
	if (ret == ZG_EOK) {
		ret = compute_scalars(&rc, data, len);
	}
	if (ret == ZG_EOK) {
		ret = recover_all(&rc, keys, nkeys);
	}
	recover_deinit(&rc);
	if (ret != ZG_EOK) {
		*nkeys = 0;
	}
	return ret;
}
