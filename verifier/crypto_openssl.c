/* crypto_openssl.c -- DNSKEY parsing, signature checks, key tags, DS digests (OpenSSL 3 EVP). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "verifier/crypto.h"
#include "verifier/internal/crypto_thread.h"

#define RSA_MIN_BITS 512  /* RFC 5702 6.1 test vector uses a 512-bit key */
#define RSA_MAX_BITS 4096 /* RFC 3110 2 */
#define DNAME_MAX    255
#define EC_POINT_MAX (1 + ZG_ECDSA_MAX_PUB) /* 0x04 || X || Y */

typedef enum { KEY_RSA, KEY_EC, KEY_EDDSA } key_type_t;

/*! One row per DNSSEC algorithm this backend verifies. */
typedef struct {
	uint8_t alg;
	key_type_t type;
	const EVP_MD *(*md)(void); /* NULL: one-shot EdDSA */
	const char *name;          /* EC group name or EdDSA key type */
	size_t keylen;             /* EC X||Y or EdDSA raw key; 0 for RSA */
	size_t siglen;             /* EC r||s or EdDSA; 0 for RSA (modulus length) */
	unsigned bits;             /* EC and EdDSA; RSA takes the modulus size */
} alg_desc_t;

static const alg_desc_t ALGORITHMS[] = {
	{ 5, KEY_RSA, EVP_sha1, "RSA", 0, 0, 0 },              /* RSASHA1, RFC 3110 */
	{ 7, KEY_RSA, EVP_sha1, "RSA", 0, 0, 0 },              /* RSASHA1-NSEC3-SHA1, RFC 5155 */
	{ 8, KEY_RSA, EVP_sha256, "RSA", 0, 0, 0 },            /* RSASHA256, RFC 5702 */
	{ 10, KEY_RSA, EVP_sha512, "RSA", 0, 0, 0 },           /* RSASHA512, RFC 5702 */
	{ 13, KEY_EC, EVP_sha256, "prime256v1", 64, 64, 256 }, /* ECDSAP256SHA256, RFC 6605 */
	{ 14, KEY_EC, EVP_sha384, "secp384r1", 96, 96, 384 },  /* ECDSAP384SHA384, RFC 6605 */
	{ 15, KEY_EDDSA, NULL, "ED25519", 32, 64, 256 },       /* ED25519, RFC 8080 */
	{ 16, KEY_EDDSA, NULL, "ED448", 57, 114, 456 },        /* ED448, RFC 8080 */
};

struct zg_pubkey {
	EVP_PKEY *pkey;
	const EVP_MD *md; /* static OpenSSL digest, NULL for EdDSA */
	EVP_MD *fetched;  /* md fetched once: hashing with it takes no lock (NULL: use md) */
	uint64_t id;      /* names the key's per-thread verification contexts */
	const alg_desc_t *desc;
	uint8_t alg;
	unsigned bits;
	size_t siglen; /* exact signature length this key produces */
};

static const alg_desc_t *alg_find(uint8_t alg)
{
	for (size_t i = 0; i < sizeof(ALGORITHMS) / sizeof(ALGORITHMS[0]); i++) {
		if (ALGORITHMS[i].alg == alg) {
			return &ALGORITHMS[i];
		}
	}
	return NULL;
}

bool zg_crypto_alg_supported(uint8_t alg)
{
	return alg_find(alg) != NULL;
}

/* Build a public EVP_PKEY of key type name from params. */
static zg_err_t pkey_fromdata(const char *name, OSSL_PARAM_BLD *bld, EVP_PKEY **out)
{
	zg_err_t ret = ZG_ENOMEM;
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL);
	if (params == NULL || ctx == NULL) {
		goto fail;
	}
	ret = ZG_EKEY;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		goto fail;
	}
	ret = ZG_EOK;
fail:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return ret;
}

/* Split an RFC 3110 2 key field into exponent and modulus. */
static zg_err_t rsa_split(const uint8_t *key, size_t keylen, BIGNUM **e, BIGNUM **n)
{
	size_t explen = 0;
	size_t off = 1;
	if (keylen < 1 || keylen > UINT16_MAX) {
		return ZG_EKEY;
	}
	explen = key[0];
	if (explen == 0) {
		if (keylen < 3) {
			return ZG_EKEY;
		}
		explen = ((size_t)key[1] << 8) | key[2];
		off = 3;
	}
	if (explen == 0 || explen >= keylen - off) { /* empty exponent or no modulus left */
		return ZG_EKEY;
	}
	*e = BN_bin2bn(key + off, (int)explen, NULL);
	*n = BN_bin2bn(key + off + explen, (int)(keylen - off - explen), NULL);
	if (*e == NULL || *n == NULL) {
		return ZG_ENOMEM;
	}
	return ZG_EOK;
}

/* Refuse exponents and moduli no sane RSA key has. */
static zg_err_t rsa_check(const BIGNUM *e, const BIGNUM *n)
{
	int bits = BN_num_bits(n);
	if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS || !BN_is_odd(n)) {
		return ZG_EKEY;
	}
	if (!BN_is_odd(e) || BN_is_one(e) || BN_cmp(e, n) >= 0) {
		return ZG_EKEY;
	}
	return ZG_EOK;
}

static zg_err_t rsa_key_new(const alg_desc_t *desc, const uint8_t *key, size_t keylen,
                            zg_pubkey_t *pk)
{
	BIGNUM *e = NULL;
	BIGNUM *n = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	zg_err_t ret = rsa_split(key, keylen, &e, &n);
	if (ret != ZG_EOK) {
		goto fail;
	}
	ret = rsa_check(e, n);
	if (ret != ZG_EOK) {
		goto fail;
	}
	ret = ZG_ENOMEM;
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1) {
		goto fail;
	}
	ret = pkey_fromdata(desc->name, bld, &pk->pkey);
	if (ret != ZG_EOK) {
		goto fail;
	}
	pk->bits = (unsigned)BN_num_bits(n);
	pk->siglen = (size_t)BN_num_bytes(n); /* RFC 3110 3: signature is as long as the modulus */
fail:
	OSSL_PARAM_BLD_free(bld);
	BN_free(e);
	BN_free(n);
	return ret;
}

/* Point must be on the curve and of the right order (RFC 6605 4, SEC 1 3.2.2). */
static zg_err_t ec_check(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (ctx == NULL) {
		return ZG_ENOMEM;
	}
	int ok = EVP_PKEY_public_check(ctx);
	EVP_PKEY_CTX_free(ctx);
	return ok == 1 ? ZG_EOK : ZG_EKEY;
}

static zg_err_t ec_key_new(const alg_desc_t *desc, const uint8_t *key, size_t keylen,
                           zg_pubkey_t *pk)
{
	uint8_t point[EC_POINT_MAX];
	assert(desc->keylen < sizeof(point));
	if (keylen != desc->keylen) {
		return ZG_EKEY;
	}
	point[0] = 0x04; /* SEC 1 2.3.3 uncompressed; RFC 6605 4 stores X || Y */
	memcpy(point + 1, key, keylen);
	size_t plen = keylen + 1;

	zg_err_t ret = ZG_ENOMEM;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, desc->name, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, plen) != 1) {
		goto fail;
	}
	ret = pkey_fromdata("EC", bld, &pk->pkey);
	if (ret == ZG_EOK) {
		ret = ec_check(pk->pkey);
	}
fail:
	OSSL_PARAM_BLD_free(bld);
	return ret;
}

static zg_err_t eddsa_key_new(const alg_desc_t *desc, const uint8_t *key, size_t keylen,
                              zg_pubkey_t *pk)
{
	if (keylen != desc->keylen) {
		return ZG_EKEY;
	}
	pk->pkey = EVP_PKEY_new_raw_public_key_ex(NULL, desc->name, NULL, key, keylen);
	return pk->pkey != NULL ? ZG_EOK : ZG_EKEY;
}

zg_err_t zg_pubkey_new(uint8_t alg, const uint8_t *key, size_t keylen, zg_pubkey_t **out)
{
	if ((key == NULL && keylen > 0) || out == NULL) {
		return ZG_EINVAL;
	}
	const alg_desc_t *desc = alg_find(alg);
	if (desc == NULL) {
		return ZG_EALGO;
	}
	zg_pubkey_t *pk = calloc(1, sizeof(*pk));
	if (pk == NULL) {
		return ZG_ENOMEM;
	}
	pk->desc = desc;
	pk->alg = alg;
	pk->md = desc->md != NULL ? desc->md() : NULL;
	pk->fetched = pk->md != NULL ? EVP_MD_fetch(NULL, EVP_MD_get0_name(pk->md), NULL) : NULL;
	pk->id = zg_thread_key_id();
	pk->bits = desc->bits;
	pk->siglen = desc->siglen;

	zg_err_t ret = ZG_EKEY;
	switch (desc->type) {
	case KEY_RSA: ret = rsa_key_new(desc, key, keylen, pk); break;
	case KEY_EC: ret = ec_key_new(desc, key, keylen, pk); break;
	case KEY_EDDSA: ret = eddsa_key_new(desc, key, keylen, pk); break;
	}
	if (ret != ZG_EOK) {
		ERR_clear_error(); /* a refused key must not leave errors for later callers */
		zg_pubkey_free(pk);
		return ret;
	}
	*out = pk;
	return ZG_EOK;
}

void zg_pubkey_free(zg_pubkey_t *key)
{
	if (key == NULL) {
		return;
	}
	EVP_PKEY_free(key->pkey);
	EVP_MD_free(key->fetched);
	free(key);
}

unsigned zg_pubkey_bits(const zg_pubkey_t *key)
{
	return key != NULL ? key->bits : 0;
}

/* One EVP_DigestVerify with a per-call context (keys are shared read-only between threads). */
static zg_err_t digest_verify(const zg_pubkey_t *key, const uint8_t *data, size_t len,
                              const uint8_t *sig, size_t siglen, bool *valid)
{
	zg_err_t ret = ZG_ECRYPTO;
	EVP_PKEY_CTX *pctx = NULL;
	assert(key->pkey != NULL && valid != NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		return ZG_ENOMEM;
	}
	if (EVP_DigestVerifyInit(ctx, &pctx, key->md, NULL, key->pkey) != 1) {
		goto fail;
	}
	if (key->desc->type == KEY_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
		goto fail;
	}
	int ok = EVP_DigestVerify(ctx, sig, siglen, data, len);
	if (ok < 0) {
		goto fail;
	}
	*valid = (ok == 1);
	ret = ZG_EOK;
fail:
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* RSA and ECDSA: the digest on the thread's context, then EVP_PKEY_verify on the thread's
 * context for this key, set up once (the path of `openssl speed`). Same verdicts as
 * EVP_DigestVerify: both end in the provider's verify over the digest. */
static zg_err_t prehash_verify(const zg_pubkey_t *key, const uint8_t *data, size_t len,
                               const uint8_t *sig, size_t siglen, bool *valid)
{
	EVP_MD_CTX *mctx = zg_thread_md_ctx();
	EVP_PKEY_CTX *pctx = zg_thread_verify_ctx(key->id, key->pkey, key->fetched,
	                                          key->desc->type == KEY_RSA);
	if (mctx == NULL || pctx == NULL) {
		return digest_verify(key, data, len, sig, siglen, valid);
	}
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (EVP_DigestInit_ex(mctx, key->fetched, NULL) != 1 ||
	    EVP_DigestUpdate(mctx, data, len) != 1 || EVP_DigestFinal_ex(mctx, md, &mdlen) != 1) {
		return ZG_ECRYPTO;
	}
	int ok = EVP_PKEY_verify(pctx, sig, siglen, md, mdlen);
	if (ok < 0) {
		return ZG_ECRYPTO;
	}
	*valid = (ok == 1);
	return ZG_EOK;
}

static zg_err_t md_verify(const zg_pubkey_t *key, const uint8_t *data, size_t len,
                          const uint8_t *sig, size_t siglen, bool *valid)
{
	if (key->fetched == NULL) {
		return digest_verify(key, data, len, sig, siglen, valid);
	}
	return prehash_verify(key, data, len, sig, siglen, valid);
}

#define ECDSA_DER_MAX (2 + 2 * (3 + ZG_ECDSA_MAX_PUB / 2))

/* One DER INTEGER of a big-endian unsigned value, minimal as i2d_ECDSA_SIG() writes it. */
static size_t der_integer(const uint8_t *v, size_t len, uint8_t *out)
{
	while (len > 1 && v[0] == 0) {
		v++;
		len--;
	}
	size_t pad = (v[0] & 0x80) ? 1 : 0;
	out[0] = 0x02;
	out[1] = (uint8_t)(len + pad);
	out[2] = 0x00;
	memcpy(out + 2 + pad, v, len);
	return 2 + pad + len;
}

/* RFC 6605 4: r || s, each as long as the group order, to a DER ECDSA-Sig-Value (SEC 1 C.5),
 * in a buffer on the stack (no BIGNUMs, no allocation); short lengths suffice up to P-384. */
static size_t ecdsa_raw_to_der(const uint8_t *sig, size_t siglen, uint8_t der[ECDSA_DER_MAX])
{
	assert(siglen % 2 == 0 && siglen / 2 <= ZG_ECDSA_MAX_PUB / 2);
	size_t half = siglen / 2, n = 2;
	n += der_integer(sig, half, der + n);
	n += der_integer(sig + half, half, der + n);
	der[0] = 0x30;
	der[1] = (uint8_t)(n - 2);
	return n;
}

static zg_err_t ecdsa_verify(const zg_pubkey_t *key, const uint8_t *data, size_t len,
                             const uint8_t *sig, size_t siglen, bool *valid)
{
	uint8_t der[ECDSA_DER_MAX];
	size_t derlen = ecdsa_raw_to_der(sig, siglen, der);
	return md_verify(key, data, len, der, derlen, valid);
}

zg_err_t zg_pubkey_verify(const zg_pubkey_t *key, const uint8_t *data, size_t len,
                          const uint8_t *sig, size_t siglen, bool *valid)
{
	if (key == NULL || (data == NULL && len > 0) || (sig == NULL && siglen > 0) ||
	    valid == NULL) {
		return ZG_EINVAL;
	}
	*valid = false;
	if (siglen != key->siglen) {
		/* RSA: a wrong length is a bogus signature; EC/EdDSA: impossible length */
		return key->desc->type == KEY_RSA ? ZG_EOK : ZG_EMALF;
	}
	zg_err_t ret = ZG_ECRYPTO;
	switch (key->desc->type) {
	case KEY_RSA: ret = md_verify(key, data, len, sig, siglen, valid); break; /* PKCS#1 v1.5 */
	case KEY_EDDSA: ret = digest_verify(key, data, len, sig, siglen, valid); break;
	case KEY_EC: ret = ecdsa_verify(key, data, len, sig, siglen, valid); break;
	}
	if (ret != ZG_EOK || !*valid) {
		*valid = false;
		ERR_clear_error(); /* keep failures out of the next caller's error queue */
	}
	return ret;
}

zg_err_t zg_keytag(const uint8_t *rdata, size_t rdlen, uint16_t *tag)
{
	if (rdata == NULL || tag == NULL) {
		return ZG_EINVAL;
	}
	if (rdlen < ZG_DNSKEY_MIN_RDLEN) {
		return ZG_EMALF;
	}
	/* RFC 4034 Appendix B; the algorithm 1 variant is not needed (RSAMD5 unsupported) */
	uint32_t ac = 0;
	for (size_t i = 0; i < rdlen; i++) {
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	}
	ac += (ac >> 16) & 0xFFFF;
	*tag = (uint16_t)(ac & 0xFFFF);
	return ZG_EOK;
}

static const EVP_MD *ds_md(uint8_t digest_type)
{
	switch (digest_type) {
	case 1: return EVP_sha1();   /* RFC 4034 5.1.4 */
	case 2: return EVP_sha256(); /* RFC 4509 */
	case 4: return EVP_sha384(); /* RFC 6605 */
	default: return NULL;
	}
}

zg_err_t zg_ds_digest(uint8_t digest_type, const uint8_t *owner, size_t ownerlen,
                      const uint8_t *rdata, size_t rdlen, uint8_t *out, size_t *outlen)
{
	if (owner == NULL || ownerlen == 0 || ownerlen > DNAME_MAX || rdata == NULL ||
	    out == NULL || outlen == NULL) {
		return ZG_EINVAL;
	}
	if (rdlen < ZG_DNSKEY_MIN_RDLEN) {
		return ZG_EMALF;
	}
	const EVP_MD *md = ds_md(digest_type);
	if (md == NULL) {
		return ZG_EALGO;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		return ZG_ENOMEM;
	}
	unsigned int mdlen = 0;
	int ok =
	    EVP_DigestInit_ex(ctx, md, NULL) == 1 && EVP_DigestUpdate(ctx, owner, ownerlen) == 1 &&
	    EVP_DigestUpdate(ctx, rdata, rdlen) == 1 && EVP_DigestFinal_ex(ctx, out, &mdlen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		return ZG_ECRYPTO;
	}
	*outlen = mdlen;
	return ZG_EOK;
}
