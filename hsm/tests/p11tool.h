/* p11tool.h -- the hsm test tool (zg-p11tool): shared between p11tool.c and p11search.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <p11-kit/pkcs11.h>

#define KEY_ID_LEN 20 /* like Knot 3.2's generated keys */

typedef struct {
	CK_OBJECT_HANDLE pub, priv;
	uint8_t id[KEY_ID_LEN];
	const char *type; /* ec256, ec384, rsa2048, ed25519 */
	uint8_t alg;
	uint8_t key[600]; /* DNSKEY public key field */
	size_t keylen;
	uint16_t tag; /* as flags 256 */
} tkey_t;

extern CK_FUNCTION_LIST *F;

void die(const char *what, CK_RV rv) __attribute__((noreturn));
CK_SESSION_HANDLE open_token(const char *label, const char *pinfile);
void gen_pair(CK_SESSION_HANDLE s, tkey_t *k, const char *type, bool token, const char *label);
void read_public(CK_SESSION_HANDLE s, tkey_t *k);
uint16_t key_tag(uint8_t alg, const uint8_t *key, size_t len);
/* copy a session object to the token with a label (and another CKA_ID if id != NULL) */
void copy_to_token(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, const char *label, const uint8_t *id);
void print_key(const tkey_t *k);

/* p11search.c */
int cmd_collide(CK_SESSION_HANDLE s, unsigned ways, const char *prefix);
int cmd_cross(CK_SESSION_HANDLE s1, CK_SESSION_HANDLE s2, const char *prefix);
int cmd_lone(CK_SESSION_HANDLE s, bool mispair, const char *label);
int cmd_rsatag(CK_SESSION_HANDLE s, uint16_t tag, const char *label);
