/* keyset.h -- the published DNSKEY set an audit compares the tokens with. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "verifier/zg_error.h"

typedef struct {
	uint8_t *rdata; /*!< full DNSKEY RDATA */
	uint16_t rdlen;
	uint16_t flags, tag;
	uint8_t algorithm;
	unsigned line;  /*!< line in the file */
} zg_hsm_dnskey_t;

typedef struct {
	char origin[1024]; /*!< apex, presentation form */
	char path[512];
	size_t n;
	zg_hsm_dnskey_t *keys;
} zg_hsm_keyset_t;

/*!
 * \brief DNSKEYs at the apex of a zone file, or of a file with only DNSKEY records.
 * \param origin  apex; NULL: the owner of the first SOA, else of the first DNSKEY
 * \param[out] out  new set, release with zg_hsm_keyset_free()
 * \retval ZG_EIO     unreadable file
 * \retval ZG_EPARSE  syntax error (err: "file:line: reason")
 * \retval ZG_ENOENT  no DNSKEY at the apex
 */
ZG_API zg_err_t zg_hsm_keyset_load(const char *path, const char *origin, zg_hsm_keyset_t **out,
                                   char *err, size_t errlen);
ZG_API void zg_hsm_keyset_free(zg_hsm_keyset_t *set);
