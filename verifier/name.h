/* name.h -- wire-format domain names: length, labels, case, canonical order (RFC 4034 6.1). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/zg_error.h"

#define ZG_DNAME_MAXLEN 255
#define ZG_DNAME_STRLEN 1024 /* presentation form incl. escapes */

/*! \brief Wire length of a valid name (incl. the root label); 0 if malformed within max bytes. */
size_t zg_dname_len(const uint8_t *name, size_t max);
/*! \brief Number of labels, root not counted ("a.b." = 2). */
unsigned zg_dname_labels(const uint8_t *name);
/*! \brief Lowercase ASCII letters in place. */
void zg_dname_lower(uint8_t *name);
/*! \brief Same wire bytes (cheaper than zg_dname_cmp() when most names are equal). */
bool zg_dname_equal(const uint8_t *a, const uint8_t *b);
/*! \brief Canonical order of lowercased names: <0, 0, >0. */
int zg_dname_cmp(const uint8_t *a, const uint8_t *b);
#define ZG_DNAME_KEYLEN 768

/*!
 * \brief A key whose memcmp order (shorter first on a common prefix) is the canonical order of
 *        lowercased names (RFC 4034 6.1): labels from the last to the first, each followed by
 *        0x00, with label bytes 0x00 and 0x01 escaped as 0x01 0x00 / 0x01 0x01.
 * \return key length (at most ZG_DNAME_KEYLEN)
 */
size_t zg_dname_sort_key(const uint8_t *name, uint8_t out[ZG_DNAME_KEYLEN]);
/*!
 * \brief The first 16 bytes of the sort key (zeros past its end) as two big-endian words: when
 *        two names' prefixes differ, they order the names; when equal, zg_dname_cmp() must.
 */
void zg_dname_key_prefix(const uint8_t *name, uint64_t out[2]);
/*! \brief True if name equals parent or lies below it. */
bool zg_dname_under(const uint8_t *name, const uint8_t *parent);
/*! \brief zg_dname_under() of well-formed lowercased names whose lengths (zg_dname_len) are
 *         known: no length taken again. */
bool zg_dname_under_len(const uint8_t *name, size_t len, const uint8_t *parent, size_t plen);
/*! \brief True if the first label is "*". */
bool zg_dname_is_wildcard(const uint8_t *name);
/*! \brief The name with its first n labels removed. */
const uint8_t *zg_dname_skip(const uint8_t *name, unsigned n);
/*! \brief Presentation form (always NUL-terminated; "?" on failure). */
const char *zg_dname_str(const uint8_t *name, char *buf, size_t size);
