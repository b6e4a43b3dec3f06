/* key.c -- inventoried keys as DNSKEYs: RDATA, key tags, names for messages. */
#include <stdio.h>
#include <string.h>
#include "hsm/dnskey.h"
#include "hsm/hsm_impl.h"
#include "verifier/crypto.h"

zg_err_t zg_hsm_key_rdata(const zg_hsm_key_t *key, uint16_t flags, uint8_t alg, uint8_t *rdata,
                          size_t size, size_t *len)
{
	if (key == NULL || rdata == NULL || len == NULL) {
		return ZG_EINVAL;
	}
	if (key->keylen == 0) {
		return ZG_ENOENT;
	}
	if (4 + key->keylen > size) {
		return ZG_ETOOBIG;
	}
	rdata[0] = (uint8_t)(flags >> 8);
	rdata[1] = (uint8_t)flags;
	rdata[2] = 3; /* protocol, RFC 4034 2.1.2 */
	rdata[3] = alg;
	memcpy(rdata + 4, key->key, key->keylen);
	*len = 4 + key->keylen;
	return ZG_EOK;
}

uint16_t zg_hsm_key_tag(const zg_hsm_key_t *key, uint16_t flags, uint8_t alg)
{
	uint8_t rdata[4 + ZG_HSM_KEY_MAX];
	size_t len = 0;
	uint16_t tag = 0;
	if (zg_hsm_key_rdata(key, flags, alg, rdata, sizeof(rdata), &len) == ZG_EOK) {
		(void)zg_keytag(rdata, len, &tag);
	}
	return tag;
}

void hsm_key_finish(zg_hsm_key_t *key)
{
	if (key->algorithm == 0) {
		key->algorithm = zg_hsm_keytype_alg(key->type);
	}
	key->tag_zsk = zg_hsm_key_tag(key, 256, key->algorithm);
	key->tag_ksk = zg_hsm_key_tag(key, 257, key->algorithm);
}

const char *zg_hsm_id_hex(const uint8_t *id, size_t len, char *buf, size_t size)
{
	static const char HEX[] = "0123456789abcdef";
	size_t o = 0;
	if (buf == NULL || size == 0) {
		return "";
	}
	for (size_t i = 0; i < len && o + 2 < size; i++) {
		buf[o++] = HEX[id[i] >> 4];
		buf[o++] = HEX[id[i] & 15];
	}
	buf[o] = '\0';
	return buf;
}

const char *zg_hsm_key_name(const zg_hsm_key_t *key, char *buf, size_t size)
{
	char hex[2 * ZG_HSM_ID_MAX + 1];
	zg_hsm_id_hex(key->id, key->idlen, hex, sizeof(hex));
	snprintf(buf, size, "label '%s' id %s", key->label, key->idlen ? hex : "(none)");
	return buf;
}

const char *zg_hsm_keytype_name(zg_hsm_keytype_t t)
{
	switch (t) {
	case ZG_HSM_KEY_RSA: return "RSA";
	case ZG_HSM_KEY_P256: return "EC P-256";
	case ZG_HSM_KEY_P384: return "EC P-384";
	case ZG_HSM_KEY_ED25519: return "Ed25519";
	case ZG_HSM_KEY_ED448: return "Ed448";
	case ZG_HSM_KEY_EC_OTHER: return "EC (other curve)";
	case ZG_HSM_KEY_OTHER: return "other";
	}
	return "other";
}
