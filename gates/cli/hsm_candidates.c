/* hsm_candidates.c -- `zonegate verify --hsm-token URI`: the tokens' public keys as candidates
 * for the 33834 diagnosis, so a bogus signature is attributed to the HSM object that made it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gates/cli/hsm_cli.h"
#include "hsm/dnskey.h"
#include "hsm/hsm.h"

typedef struct {
	zg_candidate_key_t *keys;
	size_t n, cap;
} cands_t;

static int add_cand(cands_t *c, const zg_hsm_inventory_t *inv, const zg_hsm_key_t *k, uint8_t alg)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		zg_candidate_key_t *p = realloc(c->keys, cap * sizeof(*p));
		if (p == NULL) {
			return -1;
		}
		c->keys = p;
		c->cap = cap;
	}
	size_t len = 0, slen = strlen(inv->label) + ZG_HSM_LABEL_MAX + 2 * ZG_HSM_ID_MAX + 32;
	uint8_t *rdata = malloc(4 + k->keylen);
	char *src = malloc(slen), kn[ZG_HSM_LABEL_MAX + 2 * ZG_HSM_ID_MAX + 16];
	if (rdata == NULL || src == NULL ||
	    zg_hsm_key_rdata(k, 256, alg, rdata, 4 + k->keylen, &len) != ZG_EOK) {
		free(rdata);
		free(src);
		return -1;
	}
	snprintf(src, slen, "token '%s' %s", inv->label, zg_hsm_key_name(k, kn, sizeof(kn)));
	c->keys[c->n++] = (zg_candidate_key_t){ .rdata = rdata, .rdlen = (uint16_t)len,
	                                        .source = src };
	return 0;
}

/* Every readable public key; an RSA key once per RSA algorithm (the algorithm is not stored). */
static int add_inventory(cands_t *c, const zg_hsm_inventory_t *inv)
{
	static const uint8_t RSA_ALGS[] = { 8, 10, 5, 7 };
	for (size_t i = 0; i < inv->nkeys; i++) {
		const zg_hsm_key_t *k = &inv->keys[i];
		if (k->keylen == 0 || zg_hsm_keytype_alg(k->type) == 0) {
			continue;
		}
		if (k->type != ZG_HSM_KEY_RSA && add_cand(c, inv, k, zg_hsm_keytype_alg(k->type)) != 0) {
			return -1;
		}
		for (size_t a = 0; k->type == ZG_HSM_KEY_RSA && a < sizeof(RSA_ALGS); a++) {
			if (add_cand(c, inv, k, RSA_ALGS[a]) != 0) {
				return -1;
			}
		}
	}
	return 0;
}

static int one_token(cands_t *c, const char *spec, const char *pin_file, char *err,
                     size_t errlen)
{
	char *copy = strdup(spec);
	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cli_hsm_scrub_pin((char *)spec); /* argv storage: keep the PIN out of /proc/PID/cmdline */
	zg_hsm_open_opts_t oo = { .pin_file = pin_file, .isolate_init = true };
	zg_hsm_t *h = NULL;
	zg_hsm_inventory_t *inv = NULL;
	zg_err_t ret = zg_hsm_open(copy, &oo, &h, err, errlen);
	explicit_bzero(copy, strlen(copy));
	free(copy);
	if (ret == ZG_EOK) {
		ret = zg_hsm_inventory(h, &inv, err, errlen);
	}
	if (ret == ZG_EOK && add_inventory(c, inv) != 0) {
		snprintf(err, errlen, "out of memory");
		ret = ZG_ENOMEM;
	}
	if (ret != ZG_EOK && err[0] == '\0') {
		snprintf(err, errlen, "%s", zg_strerror(ret));
	}
	zg_hsm_inventory_free(inv);
	zg_hsm_close(h);
	return ret == ZG_EOK ? 0 : -1;
}

int cli_hsm_candidates(const cli_verify_opts_t *o, const char *origin, zg_candidate_key_t **keys,
                       size_t *n, char *err, size_t errlen)
{
	(void)origin;
	cands_t c = { 0 };
	*keys = NULL;
	*n = 0;
	if (o->nhsm_tokens == 0) {
		return 0;
	}
	cli_hsm_harden();
	for (size_t i = 0; i < o->nhsm_tokens; i++) {
		err[0] = '\0';
		if (one_token(&c, o->hsm_tokens[i], o->pin_file, err, errlen) != 0) {
			cli_hsm_candidates_free(c.keys, c.n);
			return -1;
		}
	}
	*keys = c.keys;
	*n = c.n;
	return 0;
}

void cli_hsm_candidates_free(zg_candidate_key_t *keys, size_t n)
{
	for (size_t i = 0; keys != NULL && i < n; i++) {
		free((void *)keys[i].rdata);
		free((void *)keys[i].source);
	}
	free(keys);
}
