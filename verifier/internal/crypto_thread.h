/* crypto_thread.h -- per-thread OpenSSL contexts for signature checks (crypto_thread.c): a key's
 * EVP_PKEY_CTX set up for verification once per thread, and one digest context per thread. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <openssl/evp.h>

/*! \brief The calling thread's digest context, or NULL (ENOMEM). Freed when the thread exits. */
EVP_MD_CTX *zg_thread_md_ctx(void);
/*!
 * \brief The calling thread's verification context for key `id` (unique per key for the
 *        process' life; the context keeps pkey alive), made by EVP_PKEY_verify_init with the
 *        signature digest md and, when rsa, PKCS#1 v1.5 padding. NULL on failure.
 */
EVP_PKEY_CTX *zg_thread_verify_ctx(uint64_t id, EVP_PKEY *pkey, const EVP_MD *md, bool rsa);
/*! \brief A new key id (never 0). */
uint64_t zg_thread_key_id(void);
