/* nsec3.h -- NSEC3 hashing (RFC 5155 5), base32hex owner labels, and NSEC/NSEC3 type bitmaps
 * (RFC 4034 4.1.2). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "verifier/zg_error.h"

#define ZG_NSEC3_SHA1_LEN 20
#define ZG_NSEC3_MAX_HASH 64
#define ZG_BITMAP_MAX_TYPES 65536

/*!
 * \brief Hash a lowercased wire name: H0 = SHA-1(name | salt), Hi = SHA-1(Hi-1 | salt).
 * \retval ZG_EALGO   hash algorithm other than 1 (SHA-1)
 * \retval ZG_ECRYPTO OpenSSL failed
 */
zg_err_t zg_nsec3_hash(uint8_t alg, uint16_t iterations, const uint8_t *salt, size_t saltlen,
                       const uint8_t *name, uint8_t out[ZG_NSEC3_SHA1_LEN]);

/*! \brief Decode base32hex (RFC 4648 7, case-insensitive, no padding). -1 on bad input. */
int zg_base32hex_decode(const uint8_t *in, size_t len, uint8_t *out, size_t outmax);
/*! \brief Encode base32hex lowercase, NUL-terminated; out needs 8*ceil(len/5)+1 bytes. */
void zg_base32hex_encode(const uint8_t *in, size_t len, char *out);

/*!
 * \brief Decode a type bitmap into ascending types.
 * \param[out] types  at least ZG_BITMAP_MAX_TYPES entries, or fewer with max
 * \retval ZG_EMALF  windows out of order or repeated, length 0 or > 32, truncated
 */
zg_err_t zg_bitmap_decode(const uint8_t *bm, size_t len, uint16_t *types, size_t max, size_t *n);
