/* crypto_thread.c -- per-thread OpenSSL contexts: EVP_DigestVerifyInit per signature fetches
 * the algorithm and duplicates the key's provider data each time (a tenth of an RSA-2048
 * verification); a context made once per key and thread and a reused digest context do not. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <openssl/rsa.h>
#include "verifier/internal/crypto_thread.h"

#define SLOTS 8 /* keys per thread: a zone signs with a few; more only cost a new context */

typedef struct {
	uint64_t id;
	EVP_PKEY_CTX *ctx;
} slot_t;

typedef struct {
	EVP_MD_CTX *md;
	slot_t slot[SLOTS];
	unsigned next; /* the slot to reuse when all are taken */
} thread_t;

static pthread_once_t ONCE = PTHREAD_ONCE_INIT;
static pthread_key_t KEY;
static bool KEY_OK;
static atomic_uint_fast64_t NEXT_ID = 1;

static void thread_free(void *arg)
{
	thread_t *t = arg;
	for (unsigned i = 0; i < SLOTS; i++) {
		EVP_PKEY_CTX_free(t->slot[i].ctx);
	}
	EVP_MD_CTX_free(t->md);
	free(t);
}

static void key_create(void)
{
	KEY_OK = pthread_key_create(&KEY, thread_free) == 0;
}

static thread_t *thread_get(void)
{
	pthread_once(&ONCE, key_create);
	thread_t *t = KEY_OK ? pthread_getspecific(KEY) : NULL;
	if (t != NULL || !KEY_OK || (t = calloc(1, sizeof(*t))) == NULL) {
		return t;
	}
	if ((t->md = EVP_MD_CTX_new()) == NULL || pthread_setspecific(KEY, t) != 0) {
		thread_free(t);
		return NULL;
	}
	return t;
}

uint64_t zg_thread_key_id(void)
{
	return atomic_fetch_add(&NEXT_ID, 1);
}

EVP_MD_CTX *zg_thread_md_ctx(void)
{
	thread_t *t = thread_get();
	return t ? t->md : NULL;
}

static EVP_PKEY_CTX *verify_ctx_new(EVP_PKEY *pkey, const EVP_MD *md, bool rsa)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (ctx == NULL || EVP_PKEY_verify_init(ctx) != 1 ||
	    (rsa && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1) ||
	    EVP_PKEY_CTX_set_signature_md(ctx, md) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

EVP_PKEY_CTX *zg_thread_verify_ctx(uint64_t id, EVP_PKEY *pkey, const EVP_MD *md, bool rsa)
{
	thread_t *t = thread_get();
	if (t == NULL) {
		return NULL;
	}
	for (unsigned i = 0; i < SLOTS; i++) {
		if (t->slot[i].id == id) {
			return t->slot[i].ctx;
		}
	}
	EVP_PKEY_CTX *ctx = verify_ctx_new(pkey, md, rsa);
	if (ctx != NULL) {
		slot_t *s = &t->slot[t->next];
		t->next = (t->next + 1) % SLOTS;
		EVP_PKEY_CTX_free(s->ctx);
		*s = (slot_t){ .id = id, .ctx = ctx };
	}
	return ctx;
}
