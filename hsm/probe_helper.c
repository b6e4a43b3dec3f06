/* probe_helper.c -- the sign probe through libpkcs11-helper: provider and login management, and
 * signing with a bare private key whose CKA_ID the inventory found. It cannot list key objects
 * (see hsm/README.md), so it is used for this and nothing else. Sees only pkcs11-helper's
 * pkcs11.h, never p11-kit's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <pkcs11-helper-1.0/pkcs11h-certificate.h>
#include <pkcs11-helper-1.0/pkcs11h-core.h>
#include <pkcs11-helper-1.0/pkcs11h-token.h>
#include "hsm/dnskey.h"
#include "hsm/hsm_impl.h"

#define MAX_PROVIDERS 16

struct hsm_helper {
	char *token_id; /* serialized pkcs11h token id of h's token */
};

/* libpkcs11-helper is process-global: initialised for the first user, terminated after the
 * last; one provider per module path. */
static struct {
	unsigned users;
	size_t nproviders;
	char *providers[MAX_PROVIDERS];
} G;

/* The PIN comes from the handle given as user_data; never prompt, never retry. */
static PKCS11H_BOOL pin_hook(void *global, void *user, const pkcs11h_token_id_t token,
                             const unsigned retry, char *pin, const size_t pin_max)
{
	(void)global;
	(void)token;
	const zg_hsm_t *h = user;
	if (h == NULL || retry > 0 || !h->has_pin || h->pinlen + 1 > pin_max) {
		return FALSE;
	}
	memcpy(pin, h->pin, h->pinlen + 1);
	return TRUE;
}

static PKCS11H_BOOL token_hook(void *global, void *user, const pkcs11h_token_id_t token,
                               const unsigned retry)
{
	(void)global;
	(void)user;
	(void)token;
	(void)retry;
	return FALSE; /* the token is there or the probe fails */
}

static CK_RV global_start(void)
{
	if (G.users > 0) {
		G.users++;
		return CKR_OK;
	}
	CK_RV rv = pkcs11h_initialize();
	if (rv != CKR_OK) {
		return rv;
	}
	pkcs11h_setLogLevel(PKCS11H_LOG_QUIET);
	pkcs11h_setPINPromptHook(pin_hook, NULL);
	pkcs11h_setTokenPromptHook(token_hook, NULL);
	pkcs11h_setProtectedAuthentication(FALSE);
	G.users = 1;
	return CKR_OK;
}

static void global_stop(void)
{
	if (G.users == 0 || --G.users > 0) {
		return;
	}
	pkcs11h_terminate(); /* removes the providers; finalizes only modules it initialised */
	for (size_t i = 0; i < G.nproviders; i++) {
		free(G.providers[i]);
	}
	G.nproviders = 0;
}

static CK_RV add_provider(const char *path)
{
	for (size_t i = 0; i < G.nproviders; i++) {
		if (strcmp(G.providers[i], path) == 0) {
			return CKR_OK;
		}
	}
	if (G.nproviders == MAX_PROVIDERS) {
		return CKR_HOST_MEMORY;
	}
	char ref[32];
	snprintf(ref, sizeof(ref), "zonegate%zu", G.nproviders);
	CK_RV rv = pkcs11h_addProvider(ref, path, FALSE, PKCS11H_PRIVATEMODE_MASK_AUTO,
	                               PKCS11H_SLOTEVENT_METHOD_AUTO, 0, FALSE);
	if (rv == CKR_OK && (G.providers[G.nproviders] = strdup(path)) != NULL) {
		G.nproviders++;
	}
	return rv;
}

static char *serialize(const pkcs11h_token_id_t id)
{
	size_t len = 0;
	char *s = NULL;
	if (pkcs11h_token_serializeTokenId(NULL, &len, id) != CKR_OK || (s = malloc(len)) == NULL ||
	    pkcs11h_token_serializeTokenId(s, &len, id) != CKR_OK) {
		free(s);
		return NULL;
	}
	return s;
}

/* The serialized id of the token with h's label and serial. */
static CK_RV find_token(const zg_hsm_t *h, char **out)
{
	pkcs11h_token_id_list_t list = NULL;
	CK_RV rv = pkcs11h_token_enumTokenIds(PKCS11H_ENUM_METHOD_RELOAD, &list);
	*out = NULL;
	for (pkcs11h_token_id_list_t l = list; rv == CKR_OK && l != NULL && *out == NULL;
	     l = l->next) {
		if (strcmp(l->token_id->label, h->label) == 0 &&
		    strcmp(l->token_id->serialNumber, h->serial) == 0) {
			*out = serialize(l->token_id);
			rv = *out != NULL ? CKR_OK : CKR_HOST_MEMORY;
		}
	}
	pkcs11h_token_freeTokenIdList(list);
	return rv == CKR_OK && *out == NULL ? CKR_TOKEN_NOT_PRESENT : rv;
}

static CK_RV helper_start(zg_hsm_t *h)
{
	if (h->helper != NULL) {
		return h->helper->token_id != NULL ? CKR_OK : CKR_TOKEN_NOT_PRESENT;
	}
	h->helper = calloc(1, sizeof(*h->helper));
	if (h->helper == NULL) {
		return CKR_HOST_MEMORY;
	}
	CK_RV rv = global_start();
	if (rv != CKR_OK) {
		free(h->helper);
		h->helper = NULL;
		return rv;
	}
	rv = add_provider(h->module_path);
	return rv != CKR_OK ? rv : find_token(h, &h->helper->token_id);
}

void hsm_helper_free(hsm_helper_t *hp)
{
	if (hp == NULL) {
		return;
	}
	free(hp->token_id);
	free(hp);
	global_stop();
}

/* Mechanism and input for a DNSSEC signature of algorithm alg over data (RFC 6605 4: ECDSA
 * signs the digest; RSA and EdDSA mechanisms take the data). */
static CK_MECHANISM_TYPE mechanism(uint8_t alg, const uint8_t *data, size_t len, uint8_t *in,
                                   size_t *inlen)
{
	const EVP_MD *md = alg == 13 ? EVP_sha256() : alg == 14 ? EVP_sha384() : NULL;
	if (md != NULL) {
		unsigned int n = 0;
		if (EVP_Digest(data, len, in, &n, md, NULL) != 1) {
			return CKM_VENDOR_DEFINED;
		}
		*inlen = n;
		return CKM_ECDSA;
	}
	switch (alg) {
	case 5:
	case 7: return CKM_SHA1_RSA_PKCS;
	case 8: return CKM_SHA256_RSA_PKCS;
	case 10: return CKM_SHA512_RSA_PKCS;
	case 15:
	case 16: return CKM_EDDSA;
	default: return CKM_VENDOR_DEFINED;
	}
}

static CK_RV sign_with(zg_hsm_t *h, const char *cert_id, CK_MECHANISM_TYPE mech,
                       const uint8_t *in, size_t inlen, uint8_t *sig, size_t *siglen)
{
	pkcs11h_certificate_id_t cid = NULL;
	pkcs11h_certificate_t cert = NULL;
	CK_RV rv = pkcs11h_certificate_deserializeCertificateId(&cid, cert_id);
	if (rv == CKR_OK) {
		rv = pkcs11h_certificate_create(cid, h, PKCS11H_PROMPT_MASK_ALLOW_PIN_PROMPT,
		                                PKCS11H_PIN_CACHE_INFINITE, &cert);
	}
	if (rv == CKR_OK) {
		rv = pkcs11h_certificate_signAny(cert, mech, in, inlen, sig, siglen);
	}
	pkcs11h_certificate_freeCertificate(cert);
	pkcs11h_certificate_freeCertificateId(cid);
	return rv;
}

zg_err_t zg_hsm_sign(zg_hsm_t *h, const zg_hsm_key_t *key, uint8_t alg, const uint8_t *data,
                     size_t len, uint8_t *sig, size_t *siglen, char *err, size_t errlen)
{
	if (h == NULL || key == NULL || data == NULL || sig == NULL || siglen == NULL) {
		return ZG_EINVAL;
	}
	uint8_t in[EVP_MAX_MD_SIZE];
	size_t inlen = len;
	CK_MECHANISM_TYPE mech = mechanism(alg, data, len, in, &inlen);
	char kn[ZG_HSM_LABEL_MAX + 2 * ZG_HSM_ID_MAX + 16];
	zg_hsm_key_name(key, kn, sizeof(kn));
	if (!zg_hsm_alg_fits(key->type, alg) || mech == CKM_VENDOR_DEFINED) {
		hsm_msg(err, errlen, "%s %s: algorithm %u does not fit the key", h->name, kn, alg);
		return ZG_EALGO;
	}
	if (key->idlen == 0) {
		hsm_msg(err, errlen, "%s %s: no CKA_ID to address the key by", h->name, kn);
		return ZG_EHSMSIGN;
	}
	CK_RV rv = helper_start(h);
	size_t idl = rv == CKR_OK ? strlen(h->helper->token_id) : 0;
	char *cert_id = rv == CKR_OK ? malloc(idl + 2 + 2 * key->idlen + 1) : NULL;
	if (rv == CKR_OK && cert_id == NULL) {
		rv = CKR_HOST_MEMORY;
	}
	if (rv == CKR_OK) { /* "serialized token id/CKA_ID in hex" */
		memcpy(cert_id, h->helper->token_id, idl);
		cert_id[idl] = '/';
		zg_hsm_id_hex(key->id, key->idlen, cert_id + idl + 1, 2 * key->idlen + 1);
		rv = sign_with(h, cert_id, mech, mech == CKM_ECDSA ? in : data,
		               mech == CKM_ECDSA ? inlen : len, sig, siglen);
	}
	free(cert_id);
	if (rv != CKR_OK) {
		hsm_msg(err, errlen, "%s %s: sign probe failed: %s", h->name, kn,
		        pkcs11h_getMessage(rv));
		return ZG_EHSMSIGN;
	}
	return ZG_EOK;
}
