/* nsec3.c -- NSEC3 hash (RFC 5155 5), base32hex (RFC 4648 7), type bitmaps (RFC 4034 4.1.2). */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <openssl/evp.h>
#include "verifier/name.h"
#include "verifier/nsec3.h"

/* SHA-1 fetched once (an implicit fetch per EVP_DigestInit takes a lock each time) and one
 * digest context per thread, reused for every name and freed when the thread exits. */
static EVP_MD *SHA1_MD;
static pthread_once_t SHA1_ONCE = PTHREAD_ONCE_INIT;
static pthread_key_t CTX_KEY;
static bool CTX_KEY_OK;

static void free_ctx(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

static void fetch_sha1(void)
{
	SHA1_MD = EVP_MD_fetch(NULL, "SHA1", NULL);
	CTX_KEY_OK = pthread_key_create(&CTX_KEY, free_ctx) == 0;
}

static EVP_MD_CTX *thread_ctx(void)
{
	EVP_MD_CTX *ctx = CTX_KEY_OK ? pthread_getspecific(CTX_KEY) : NULL;
	if (ctx == NULL && CTX_KEY_OK && (ctx = EVP_MD_CTX_new()) != NULL &&
	    pthread_setspecific(CTX_KEY, ctx) != 0) {
		EVP_MD_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

zg_err_t zg_nsec3_hash(uint8_t alg, uint16_t iterations, const uint8_t *salt, size_t saltlen,
                       const uint8_t *name, uint8_t out[ZG_NSEC3_SHA1_LEN])
{
	if (name == NULL || out == NULL || (salt == NULL && saltlen > 0)) {
		return ZG_EINVAL;
	}
	if (alg != 1) {
		return ZG_EALGO;
	}
	pthread_once(&SHA1_ONCE, fetch_sha1);
	EVP_MD_CTX *hctx = thread_ctx();
	if (SHA1_MD == NULL || hctx == NULL) {
		return SHA1_MD == NULL ? ZG_ECRYPTO : ZG_ENOMEM;
	}
	const uint8_t *in = name;
	size_t inlen = zg_dname_len(name, ZG_DNAME_MAXLEN);
	for (unsigned i = 0; i <= iterations; i++) {
		unsigned olen = 0;
		if (EVP_DigestInit_ex(hctx, SHA1_MD, NULL) != 1 ||
		    EVP_DigestUpdate(hctx, in, inlen) != 1 ||
		    EVP_DigestUpdate(hctx, salt, saltlen) != 1 ||
		    EVP_DigestFinal_ex(hctx, out, &olen) != 1 || olen != ZG_NSEC3_SHA1_LEN) {
			return ZG_ECRYPTO;
		}
		in = out;
		inlen = ZG_NSEC3_SHA1_LEN;
	}
	return ZG_EOK;
}

static int b32_value(uint8_t c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'v') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'V') {
		return c - 'A' + 10;
	}
	return -1;
}

int zg_base32hex_decode(const uint8_t *in, size_t len, uint8_t *out, size_t outmax)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b32_value(in[i]);
		if (v < 0) {
			return -1;
		}
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (n >= outmax) {
				return -1;
			}
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return acc == 0 ? (int)n : -1; /* leftover bits must be zero (canonical encoding) */
}

void zg_base32hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char ALPHA[] = "0123456789abcdefghijklmnopqrstuv";
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = ALPHA[(acc >> bits) & 31];
		}
	}
	if (bits > 0) {
		out[n++] = ALPHA[(acc << (5 - bits)) & 31];
	}
	out[n] = '\0';
}

zg_err_t zg_bitmap_decode(const uint8_t *bm, size_t len, uint16_t *types, size_t max, size_t *n)
{
	size_t pos = 0;
	int last = -1;
	*n = 0;
	while (pos < len) {
		if (len - pos < 2) {
			return ZG_EMALF;
		}
		uint8_t win = bm[pos], wlen = bm[pos + 1];
		if ((int)win <= last || wlen == 0 || wlen > 32 || len - pos - 2 < wlen) {
			return ZG_EMALF;
		}
		for (unsigned i = 0; i < wlen; i++) {
			for (unsigned b = 0; b < 8; b++) {
				if ((bm[pos + 2 + i] & (0x80 >> b)) && *n < max) {
					types[(*n)++] = (uint16_t)(win * 256 + i * 8 + b);
				}
			}
		}
		last = win;
		pos += 2u + wlen;
	}
	return ZG_EOK;
}
