/* p11search.c -- zg-p11tool searches: same-tag P-256 pairs in one token or across two, lone and
 * mispaired objects, and an RSA pair with a chosen key tag (the public exponent is searched). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include "hsm/tests/p11tool.h"

#define MAX_TRIES 60000

typedef struct {
	tkey_t *k;
	int *next;
	size_t n, cap;
} pool_t;

static tkey_t *pool_add(pool_t *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->k = realloc(p->k, p->cap * sizeof(*p->k));
		p->next = realloc(p->next, p->cap * sizeof(*p->next));
		if (p->k == NULL || p->next == NULL) {
			die("out of memory", 0);
		}
	}
	return &p->k[p->n];
}

static void keep(CK_SESSION_HANDLE s, const tkey_t *k, const char *label)
{
	copy_to_token(s, k->pub, label, NULL);
	copy_to_token(s, k->priv, label, NULL);
	print_key(k);
}

int cmd_collide(CK_SESSION_HANDLE s, unsigned ways, const char *prefix)
{
	static int head[65536];
	static unsigned count[65536];
	pool_t p = { 0 };
	bool found = false;
	memset(head, -1, sizeof(head));
	for (size_t tries = 0; tries < MAX_TRIES && ways > 1; tries++) {
		tkey_t *k = pool_add(&p);
		gen_pair(s, k, "ec256", false, "");
		p.next[p.n] = head[k->tag];
		head[k->tag] = (int)p.n++;
		if (++count[k->tag] < ways) {
			continue;
		}
		unsigned i = 0;
		for (int j = head[k->tag]; j >= 0; j = p.next[j], i++) {
			char label[128];
			snprintf(label, sizeof(label), "%s-%u-%u", prefix, k->tag, i);
			keep(s, &p.k[j], label);
		}
		found = true;
		break;
	}
	free(p.k);
	free(p.next);
	if (!found) {
		fprintf(stderr, "zg-p11tool: no %u-way collision\n", ways);
	}
	return found ? 0 : 3;
}

int cmd_cross(CK_SESSION_HANDLE s1, CK_SESSION_HANDLE s2, const char *prefix)
{
	static int seen[2][65536]; /* index + 1 of a key with that tag, per token */
	pool_t p[2] = { { 0 }, { 0 } };
	CK_SESSION_HANDLE s[2] = { s1, s2 };
	bool found = false;
	for (size_t tries = 0; tries < MAX_TRIES; tries++) {
		int a = (int)(tries & 1), b = !a;
		tkey_t *k = pool_add(&p[a]);
		gen_pair(s[a], k, "ec256", false, "");
		seen[a][k->tag] = (int)++p[a].n;
		if (seen[b][k->tag] == 0) {
			continue;
		}
		char label[128];
		const tkey_t *other = &p[b].k[seen[b][k->tag] - 1];
		snprintf(label, sizeof(label), "%s-%u-a", prefix, k->tag);
		keep(s[0], a == 0 ? k : other, label);
		snprintf(label, sizeof(label), "%s-%u-b", prefix, k->tag);
		keep(s[1], a == 1 ? k : other, label);
		found = true;
		break;
	}
	for (int i = 0; i < 2; i++) {
		free(p[i].k);
		free(p[i].next);
	}
	return found ? 0 : 3;
}

int cmd_lone(CK_SESSION_HANDLE s, bool mispair, const char *label)
{
	tkey_t a, b;
	gen_pair(s, &a, "ec256", false, "");
	copy_to_token(s, a.pub, label, NULL);
	if (mispair) {
		gen_pair(s, &b, "ec256", false, "");
		copy_to_token(s, b.priv, label, a.id); /* B's private key under A's CKA_ID */
	}
	print_key(&a);
	return 0;
}

/* RFC 4034 App. B sum of RDATA 256 3 8 | 3 | 00 00 00 | modulus (exponent bytes left 0). */
static unsigned long base_sum(const uint8_t *mod, size_t len)
{
	uint8_t hdr[8] = { 1, 0, 3, 8, 3, 0, 0, 0 };
	unsigned long ac = 0;
	for (size_t i = 0; i < sizeof(hdr); i++) {
		ac += (i & 1) ? hdr[i] : (unsigned long)hdr[i] << 8;
	}
	for (size_t i = 0; i < len; i++) { /* the modulus starts at an even offset (8) */
		ac += (i & 1) ? mod[i] : (unsigned long)mod[i] << 8;
	}
	return ac;
}

/* An odd 3-byte exponent e, coprime to p-1 and q-1, that gives the key tag. */
static unsigned long find_exponent(unsigned long base, uint16_t tag, const BIGNUM *p1,
                                   const BIGNUM *q1, BN_CTX *ctx)
{
	BIGNUM *e = BN_new(), *g = BN_new();
	unsigned long found = 0;
	for (unsigned long v = 0x010001; v <= 0xffffff && found == 0 && e && g; v += 2) {
		/* exponent bytes at offsets 5 (odd), 6 (even), 7 (odd) */
		unsigned long ac = base + (v >> 16) + (((v >> 8) & 0xff) << 8) + (v & 0xff);
		if (((ac + ((ac >> 16) & 0xffff)) & 0xffff) != tag) {
			continue;
		}
		BN_set_word(e, v);
		if (BN_gcd(g, e, p1, ctx) && BN_is_one(g) && BN_gcd(g, e, q1, ctx) && BN_is_one(g)) {
			found = v;
		}
	}
	BN_free(e);
	BN_free(g);
	return found;
}

typedef struct {
	BIGNUM *n, *e, *d, *p, *q, *dp, *dq, *qi;
} rsa_parts_t;

static void parts_free(rsa_parts_t *r)
{
	BIGNUM **all[] = { &r->n, &r->e, &r->d, &r->p, &r->q, &r->dp, &r->dq, &r->qi };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		BN_clear_free(*all[i]);
	}
}

/* A fresh 2048-bit p, q and the exponent that gives tag; the CRT parts for that exponent. */
static bool make_rsa(uint16_t tag, rsa_parts_t *r)
{
	EVP_PKEY *pk = EVP_RSA_gen(2048);
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p1 = BN_new(), *q1 = BN_new(), *phi = BN_new();
	uint8_t mod[256];
	bool ok = pk && ctx && p1 && q1 && phi &&
	          EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &r->n) == 1 &&
	          EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_FACTOR1, &r->p) == 1 &&
	          EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_FACTOR2, &r->q) == 1 &&
	          BN_bn2binpad(r->n, mod, sizeof(mod)) == sizeof(mod) && BN_sub(p1, r->p, BN_value_one()) &&
	          BN_sub(q1, r->q, BN_value_one()) && BN_mul(phi, p1, q1, ctx);
	unsigned long v = ok ? find_exponent(base_sum(mod, sizeof(mod)), tag, p1, q1, ctx) : 0;
	ok = ok && v != 0 && (r->e = BN_new()) && BN_set_word(r->e, v) &&
	     (r->d = BN_mod_inverse(NULL, r->e, phi, ctx)) && (r->dp = BN_new()) &&
	     (r->dq = BN_new()) && BN_mod(r->dp, r->d, p1, ctx) && BN_mod(r->dq, r->d, q1, ctx) &&
	     (r->qi = BN_mod_inverse(NULL, r->q, r->p, ctx));
	EVP_PKEY_free(pk);
	BN_CTX_free(ctx);
	BN_free(p1);
	BN_free(q1);
	BN_free(phi);
	return ok;
}

static CK_ATTRIBUTE bn_attr(CK_ATTRIBUTE_TYPE t, const BIGNUM *bn, uint8_t *buf)
{
	int len = BN_bn2bin(bn, buf);
	return (CK_ATTRIBUTE){ t, buf, (CK_ULONG)len };
}

static void import_rsa(CK_SESSION_HANDLE s, const rsa_parts_t *r, tkey_t *k, const char *label)
{
	static uint8_t b[8][256];
	CK_OBJECT_CLASS pubc = CKO_PUBLIC_KEY, privc = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = CKK_RSA;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE pub[] = {
		{ CKA_CLASS, &pubc, sizeof(pubc) }, { CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_TOKEN, &yes, 1 }, { CKA_VERIFY, &yes, 1 }, { CKA_ID, k->id, KEY_ID_LEN },
		{ CKA_LABEL, (void *)label, strlen(label) }, bn_attr(CKA_MODULUS, r->n, b[0]),
		bn_attr(CKA_PUBLIC_EXPONENT, r->e, b[1]),
	};
	CK_ATTRIBUTE priv[] = {
		{ CKA_CLASS, &privc, sizeof(privc) }, { CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_TOKEN, &yes, 1 }, { CKA_PRIVATE, &yes, 1 }, { CKA_SENSITIVE, &yes, 1 },
		{ CKA_EXTRACTABLE, &no, 1 }, { CKA_SIGN, &yes, 1 }, { CKA_ID, k->id, KEY_ID_LEN },
		{ CKA_LABEL, (void *)label, strlen(label) }, pub[6], pub[7],
		bn_attr(CKA_PRIVATE_EXPONENT, r->d, b[2]), bn_attr(CKA_PRIME_1, r->p, b[3]),
		bn_attr(CKA_PRIME_2, r->q, b[4]), bn_attr(CKA_EXPONENT_1, r->dp, b[5]),
		bn_attr(CKA_EXPONENT_2, r->dq, b[6]), bn_attr(CKA_COEFFICIENT, r->qi, b[7]),
	};
	CK_RV rv = F->C_CreateObject(s, pub, sizeof(pub) / sizeof(pub[0]), &k->pub);
	if (rv == CKR_OK) {
		rv = F->C_CreateObject(s, priv, sizeof(priv) / sizeof(priv[0]), &k->priv);
	}
	if (rv != CKR_OK) {
		die("C_CreateObject", rv);
	}
}

int cmd_rsatag(CK_SESSION_HANDLE s, uint16_t tag, const char *label)
{
	rsa_parts_t r = { 0 };
	tkey_t k = { .type = "rsa2048" };
	for (int attempt = 0; attempt < 8; attempt++) {
		if (make_rsa(tag, &r)) {
			break;
		}
		parts_free(&r);
		r = (rsa_parts_t){ 0 };
	}
	if (r.qi == NULL || RAND_bytes(k.id, sizeof(k.id)) != 1) {
		die("no RSA key with that tag", 0);
	}
	import_rsa(s, &r, &k, label);
	parts_free(&r);
	read_public(s, &k);
	if (k.tag != tag) {
		die("RSA key tag differs from the target", k.tag);
	}
	print_key(&k);
	return 0;
}
