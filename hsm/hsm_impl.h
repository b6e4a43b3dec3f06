/* hsm_impl.h -- private to hsm/ (other modules use hsm.h, audit.h, keyset.h, dnskey.h): the struct
 * behind zg_hsm_t and shared helpers. No PKCS#11 types here: probe_helper.c sees libpkcs11-helper's
 * pkcs11.h, the rest p11-kit's (p11_impl.h). */
#pragma once

#include <limits.h>
#include <stdarg.h>
#include "hsm/hsm.h"

#define HSM_MSG_LEN 512

typedef struct hsm_module hsm_module_t; /* module.c: one loaded PKCS#11 module */
typedef struct hsm_helper hsm_helper_t; /* probe_helper.c: libpkcs11-helper state of a token */

struct zg_hsm {
	char display[HSM_MSG_LEN];   /* the spec, PIN redacted */
	char name[64];               /* "token 'LABEL'" */
	char module_path[PATH_MAX];
	void *uri;                   /* P11KitUri * */
	hsm_module_t *mod;
	unsigned long slot;          /* CK_SLOT_ID */
	unsigned long session;       /* CK_SESSION_HANDLE */
	bool has_session, logged_in;
	bool has_pin;
	char pin[ZG_HSM_PIN_MAX];
	size_t pinlen;
	char label[33], serial[17], manufacturer[33], model[17];
	hsm_helper_t *helper;
};

/* spec.c: parse spec into h (display, module_path, uri, pin). */
zg_err_t hsm_spec_parse(zg_hsm_t *h, const char *spec, const char *pin_file, char *err,
                        size_t errlen);
/* spec.c: wipe the PIN and free the URI. */
void hsm_spec_clear(zg_hsm_t *h);

/* module.c: "CKR_PIN_INCORRECT" or "CKR 0x..." */
const char *hsm_ckr_name(unsigned long rv, char *buf, size_t size);

/* key.c: algorithm (if unset) and both key tags from the key field */
void hsm_key_finish(zg_hsm_key_t *key);

/* probe_helper.c */
void hsm_helper_free(hsm_helper_t *hp);

/* printf into err (may be NULL) */
void hsm_msg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* copy a blank-padded PKCS#11 string field, trimmed, printable */
void hsm_field(char *dst, size_t size, const unsigned char *src, size_t len);
