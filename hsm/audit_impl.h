/* audit_impl.h -- private to hsm/: shared by audit.c (tokens vs. zone) and audit_probe.c (probes). */
#pragma once

#include "hsm/audit.h"

typedef struct {
	const zg_hsm_audit_opts_t *o;
	char *err;
	size_t errlen;
} hsm_actx_t;

/* audit.c: one finding about key k of token tok (either may be NULL); tag -1: no key. */
void hsm_emit(hsm_actx_t *c, zg_finding_id_t id, const zg_hsm_inventory_t *tok,
              const zg_hsm_key_t *k, const zg_hsm_dnskey_t *dk, int tag, uint8_t alg,
              const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* audit.c: "token 'T' label 'L' id HEX" */
const char *hsm_obj_name(const zg_hsm_inventory_t *tok, const zg_hsm_key_t *k, char *buf,
                         size_t size);
/* audit.c: index of the published key with k's public key, -1 if none */
int hsm_published_index(const zg_hsm_keyset_t *set, const zg_hsm_key_t *k);

/* audit_probe.c: probe every usable key of every token. */
zg_err_t hsm_probe_all(hsm_actx_t *c);
