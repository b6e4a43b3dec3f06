/* inventory.c -- every public and private key object of a token (raw PKCS#11, read-only session),
 * paired by CKA_ID, with its DNSKEY public key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hsm/dnskey.h"
#include "hsm/p11_impl.h"

#define MAX_OBJECTS 200000 /* per class; a token with more is refused (ZG_ETOOBIG) */
#define MAX_ATTR 65536

typedef struct {
	CK_OBJECT_HANDLE *h;
	size_t n, cap;
} handles_t;

CK_RV hsm_attr(const zg_hsm_t *h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, uint8_t **buf,
               size_t *len)
{
	CK_FUNCTION_LIST *fl = hsm_module_fl(h->mod);
	CK_ATTRIBUTE a = { type, NULL, 0 };
	*buf = NULL;
	*len = 0;
	CK_RV rv = fl->C_GetAttributeValue(h->session, o, &a, 1);
	if (rv != CKR_OK || a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen > MAX_ATTR) {
		return rv != CKR_OK ? rv : CKR_ATTRIBUTE_SENSITIVE;
	}
	a.pValue = malloc(a.ulValueLen + 1);
	if (a.pValue == NULL) {
		return CKR_HOST_MEMORY;
	}
	rv = fl->C_GetAttributeValue(h->session, o, &a, 1);
	if (rv != CKR_OK) {
		free(a.pValue);
		return rv;
	}
	*buf = a.pValue;
	*len = a.ulValueLen;
	return CKR_OK;
}

/* A CK_BBOOL or CK_ULONG attribute; false / 0 when absent. */
static CK_ULONG attr_ulong(const zg_hsm_t *h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
	uint8_t *b = NULL;
	size_t len = 0;
	CK_ULONG v = 0;
	if (hsm_attr(h, o, type, &b, &len) == CKR_OK) {
		if (len == sizeof(CK_ULONG)) {
			memcpy(&v, b, sizeof(v));
		} else if (len == 1) {
			v = b[0];
		}
	}
	free(b);
	return v;
}

static zg_err_t find_all(const zg_hsm_t *h, CK_OBJECT_CLASS cls, handles_t *out, char *err,
                         size_t errlen)
{
	CK_FUNCTION_LIST *fl = hsm_module_fl(h->mod);
	CK_ATTRIBUTE tmpl = { CKA_CLASS, &cls, sizeof(cls) };
	char rvb[32];
	CK_RV rv = fl->C_FindObjectsInit(h->session, &tmpl, 1);
	while (rv == CKR_OK) {
		if (out->n + 64 > out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 256;
			CK_OBJECT_HANDLE *p = cap <= MAX_OBJECTS ? realloc(out->h, cap * sizeof(*p)) : NULL;
			if (p == NULL) {
				fl->C_FindObjectsFinal(h->session);
				hsm_msg(err, errlen, "%s: more than %d key objects", h->name, MAX_OBJECTS);
				return ZG_ETOOBIG;
			}
			out->h = p;
			out->cap = cap;
		}
		CK_ULONG got = 0;
		rv = fl->C_FindObjects(h->session, out->h + out->n, 64, &got);
		if (rv != CKR_OK || got == 0) {
			break;
		}
		out->n += got;
	}
	CK_RV fin = fl->C_FindObjectsFinal(h->session);
	rv = rv != CKR_OK ? rv : fin;
	if (rv != CKR_OK) {
		hsm_msg(err, errlen, "%s: finding key objects failed: %s", h->name,
		        hsm_ckr_name(rv, rvb, sizeof(rvb)));
		return ZG_EHSM;
	}
	return ZG_EOK;
}

static void read_label(const zg_hsm_t *h, CK_OBJECT_HANDLE o, zg_hsm_key_t *k)
{
	uint8_t *b = NULL;
	size_t len = 0;
	(void)hsm_attr(h, o, CKA_LABEL, &b, &len);
	size_t n = len < ZG_HSM_LABEL_MAX - 1 ? len : ZG_HSM_LABEL_MAX - 1;
	for (size_t i = 0; i < n; i++) {
		k->label[i] = b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\'' ? (char)b[i] : '?';
	}
	k->label[n] = '\0';
	free(b);
}

static void read_rsa(const zg_hsm_t *h, CK_OBJECT_HANDLE o, zg_hsm_key_t *k)
{
	uint8_t *mod = NULL, *exp = NULL;
	size_t ml = 0, el = 0;
	k->type = ZG_HSM_KEY_RSA;
	if (hsm_attr(h, o, CKA_MODULUS, &mod, &ml) == CKR_OK &&
	    hsm_attr(h, o, CKA_PUBLIC_EXPONENT, &exp, &el) == CKR_OK &&
	    zg_hsm_dnskey_rsa(mod, ml, exp, el, k->key, sizeof(k->key), &k->keylen) != ZG_EOK) {
		k->keylen = 0;
	}
	free(mod);
	free(exp);
}

/* EC and Edwards: CKA_EC_POINT, or CKA_PUBLIC_KEY_INFO where a module fills it. */
static void read_ec(const zg_hsm_t *h, CK_OBJECT_HANDLE o, zg_hsm_key_t *k, bool edwards)
{
	uint8_t *par = NULL, *pt = NULL, *spki = NULL;
	size_t pl = 0, ptl = 0, sl = 0;
	(void)hsm_attr(h, o, CKA_EC_PARAMS, &par, &pl);
	k->type = zg_hsm_curve(par, pl, edwards);
	if (hsm_attr(h, o, CKA_EC_POINT, &pt, &ptl) == CKR_OK && ptl > 0) {
		if (zg_hsm_dnskey_ec(k->type, pt, ptl, k->key, sizeof(k->key), &k->keylen) != ZG_EOK) {
			k->keylen = 0;
		}
	} else if (hsm_attr(h, o, CKA_PUBLIC_KEY_INFO, &spki, &sl) == CKR_OK && sl > 0) {
		zg_hsm_keytype_t t = k->type;
		if (zg_hsm_dnskey_spki(spki, sl, &t, k->key, sizeof(k->key), &k->keylen) != ZG_EOK ||
		    t != k->type) {
			k->keylen = 0;
		}
	}
	free(par);
	free(pt);
	free(spki);
}

static zg_err_t read_object(const zg_hsm_t *h, CK_OBJECT_HANDLE o, bool priv, zg_hsm_key_t *k,
                            char *err, size_t errlen)
{
	uint8_t *id = NULL;
	size_t idlen = 0;
	*k = (zg_hsm_key_t){ .has_public = !priv, .has_private = priv, .published = -1 };
	(void)hsm_attr(h, o, CKA_ID, &id, &idlen);
	if (idlen > sizeof(k->id)) {
		free(id);
		hsm_msg(err, errlen, "%s: a key object has a CKA_ID longer than %d bytes", h->name,
		        ZG_HSM_ID_MAX);
		return ZG_ETOOBIG;
	}
	if (idlen > 0) {
		memcpy(k->id, id, idlen);
	}
	k->idlen = idlen;
	free(id);
	read_label(h, o, k);
	CK_ULONG type = attr_ulong(h, o, CKA_KEY_TYPE);
	if (type == CKK_RSA) {
		read_rsa(h, o, k);
	} else if (type == CKK_EC || type == CKK_EC_EDWARDS) {
		read_ec(h, o, k, type == CKK_EC_EDWARDS);
	}
	if (priv) {
		k->can_sign = attr_ulong(h, o, CKA_SIGN) != 0;
		k->sensitive = attr_ulong(h, o, CKA_SENSITIVE) != 0;
		k->extractable = attr_ulong(h, o, CKA_EXTRACTABLE) != 0;
		k->local = attr_ulong(h, o, CKA_LOCAL) != 0;
	}
	return ZG_EOK;
}

static bool same_pair(const zg_hsm_key_t *pub, const zg_hsm_key_t *priv)
{
	if (pub->has_private || pub->idlen != priv->idlen || pub->type != priv->type ||
	    memcmp(pub->id, priv->id, pub->idlen) != 0) {
		return false;
	}
	/* both halves readable (RSA): they must be one key, or they are not a pair */
	return pub->keylen == 0 || priv->keylen == 0 ||
	       (pub->keylen == priv->keylen && memcmp(pub->key, priv->key, pub->keylen) == 0);
}

/* Merge private objects into public ones with the same CKA_ID; the rest stay alone. */
static void pair(zg_hsm_inventory_t *inv, size_t npub)
{
	size_t n = npub;
	for (size_t i = npub; i < inv->nkeys; i++) {
		zg_hsm_key_t *priv = &inv->keys[i], *pub = NULL;
		for (size_t j = 0; j < npub && pub == NULL; j++) {
			pub = same_pair(&inv->keys[j], priv) ? &inv->keys[j] : NULL;
		}
		if (pub == NULL) {
			inv->keys[n++] = *priv;
			continue;
		}
		pub->has_private = true;
		pub->can_sign = priv->can_sign;
		pub->sensitive = priv->sensitive;
		pub->extractable = priv->extractable;
		pub->local = priv->local;
		if (priv->label[0] != '\0') {
			memcpy(pub->label, priv->label, sizeof(pub->label));
		}
		if (pub->keylen == 0 && priv->keylen > 0) {
			memcpy(pub->key, priv->key, priv->keylen);
			pub->keylen = priv->keylen;
		}
	}
	inv->nkeys = n;
	for (size_t i = 0; i < n; i++) {
		hsm_key_finish(&inv->keys[i]);
	}
}

static zg_err_t read_class(const zg_hsm_t *h, zg_hsm_inventory_t *inv, bool priv, char *err,
                           size_t errlen)
{
	handles_t hs = { 0 };
	zg_err_t ret = find_all(h, priv ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY, &hs, err, errlen);
	zg_hsm_key_t *keys = NULL;
	if (ret == ZG_EOK && hs.n > 0) {
		keys = realloc(inv->keys, (inv->nkeys + hs.n) * sizeof(*keys));
		ret = keys != NULL ? ZG_EOK : ZG_ENOMEM;
	}
	if (keys != NULL) {
		inv->keys = keys;
	}
	for (size_t i = 0; ret == ZG_EOK && i < hs.n; i++) {
		ret = read_object(h, hs.h[i], priv, &inv->keys[inv->nkeys], err, errlen);
		inv->nkeys += ret == ZG_EOK;
	}
	*(priv ? &inv->nprivate : &inv->npublic) = hs.n;
	free(hs.h);
	return ret;
}

zg_err_t zg_hsm_inventory(zg_hsm_t *h, zg_hsm_inventory_t **out, char *err, size_t errlen)
{
	if (h == NULL || out == NULL) {
		return ZG_EINVAL;
	}
	zg_hsm_inventory_t *inv = calloc(1, sizeof(*inv));
	if (inv == NULL) {
		return ZG_ENOMEM;
	}
	memcpy(inv->label, h->label, sizeof(inv->label));
	memcpy(inv->serial, h->serial, sizeof(inv->serial));
	memcpy(inv->manufacturer, h->manufacturer, sizeof(inv->manufacturer));
	memcpy(inv->model, h->model, sizeof(inv->model));
	memcpy(inv->name, h->name, sizeof(inv->name));
	zg_err_t ret = read_class(h, inv, false, err, errlen);
	size_t npub = inv->nkeys;
	if (ret == ZG_EOK) {
		ret = read_class(h, inv, true, err, errlen);
	}
	if (ret != ZG_EOK) {
		zg_hsm_inventory_free(inv);
		return ret;
	}
	pair(inv, npub);
	*out = inv;
	return ZG_EOK;
}

void zg_hsm_inventory_free(zg_hsm_inventory_t *inv)
{
	if (inv == NULL) {
		return;
	}
	free(inv->keys);
	free(inv);
}
