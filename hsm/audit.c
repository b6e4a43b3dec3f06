/* audit.c -- hsm.tag-collision, hsm.unpublished-key, hsm.missing-private and
 * hsm.cross-token-mismatch: the tokens' key pairs against the published DNSKEY set. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include "hsm/dnskey.h"
#include "hsm/audit_impl.h"
#include "hsm/hsm_impl.h"

#define REASON_MAX 4096
#define LIST_MAX 3000
#define NAME_MAX_LEN (ZG_HSM_LABEL_MAX + 2 * ZG_HSM_ID_MAX + 96)

enum { ROLE_ZSK = 0, ROLE_KSK = 1 }; /* the DNSKEY flags a tag is computed with: 256, 257 */

/* One key pair claiming (algorithm, role, tag). */
typedef struct {
	size_t tok, key;
	uint8_t alg, role;
	uint16_t tag;
} claim_t;

/* Member lists of groups already reported. */
typedef struct {
	claim_t **groups;
	size_t *sizes;
	size_t n;
} seen_t;

static const char *ROLE_NAME[] = { "ZSK", "KSK" };

bool zg_hsm_key_usable(const zg_hsm_key_t *k)
{
	return k != NULL && k->in_scope && k->has_private && k->can_sign;
}

const char *hsm_obj_name(const zg_hsm_inventory_t *tok, const zg_hsm_key_t *k, char *buf,
                         size_t size)
{
	char kn[NAME_MAX_LEN];
	snprintf(buf, size, "%s %s", tok->name, zg_hsm_key_name(k, kn, sizeof(kn)));
	return buf;
}

void hsm_emit(hsm_actx_t *c, zg_finding_id_t id, const zg_hsm_inventory_t *tok,
              const zg_hsm_key_t *k, const zg_hsm_dnskey_t *dk, int tag, uint8_t alg,
              const char *fmt, ...)
{
	if (c->o->sink == NULL || c->o->sink->finding == NULL) {
		return;
	}
	char reason[REASON_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	zg_hsm_finding_t f = {
		.base = { .id = id, .severity = zg_finding_default_severity(id),
		          .owner = c->o->published->origin, .rrtype = KNOT_RRTYPE_DNSKEY,
		          .keytag = tag >= 0 ? (uint16_t)tag : 0, .algorithm = alg,
		          .has_key = tag >= 0, .reason = reason },
		.token = tok, .key = k, .dnskey = dk,
	};
	c->o->sink->finding(c->o->sink, &f.base);
}

int hsm_published_index(const zg_hsm_keyset_t *set, const zg_hsm_key_t *k)
{
	for (size_t i = 0; k->keylen > 0 && i < set->n; i++) {
		const zg_hsm_dnskey_t *p = &set->keys[i];
		if (p->rdlen == 4 + k->keylen && zg_hsm_alg_fits(k->type, p->algorithm) &&
		    memcmp(p->rdata + 4, k->key, k->keylen) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* Unpublished RSA keys get the RSA algorithm the zone uses (8 if none). */
static uint8_t rsa_alg(const zg_hsm_keyset_t *set)
{
	for (size_t i = 0; i < set->n; i++) {
		if (zg_hsm_alg_fits(ZG_HSM_KEY_RSA, set->keys[i].algorithm)) {
			return set->keys[i].algorithm;
		}
	}
	return 8;
}

static void annotate(hsm_actx_t *c)
{
	const zg_hsm_keyset_t *set = c->o->published;
	for (size_t t = 0; t < c->o->ntokens; t++) {
		zg_hsm_inventory_t *inv = c->o->tokens[t].inv;
		for (size_t i = 0; i < inv->nkeys; i++) {
			zg_hsm_key_t *k = &inv->keys[i];
			k->in_scope = c->o->key_filter == NULL ||
			              fnmatch(c->o->key_filter, k->label, 0) == 0;
			k->published = hsm_published_index(set, k);
			k->probe = ZG_HSM_PROBE_NONE;
			if (k->type == ZG_HSM_KEY_RSA) {
				k->algorithm = k->published >= 0 ? set->keys[k->published].algorithm
				                                 : rsa_alg(set);
			}
			hsm_key_finish(k);
		}
	}
}

static bool same_key(const zg_hsm_key_t *a, const zg_hsm_key_t *b)
{
	return a->keylen == b->keylen && memcmp(a->key, b->key, a->keylen) == 0;
}

static const zg_hsm_key_t *claim_key(const hsm_actx_t *c, const claim_t *m)
{
	return &c->o->tokens[m->tok].inv->keys[m->key];
}

/* A published key claims only its published flags; an unpublished one both. */
static bool claim_of(const hsm_actx_t *c, size_t t, size_t i, uint8_t role, claim_t *out)
{
	const zg_hsm_key_t *k = &c->o->tokens[t].inv->keys[i];
	if (!zg_hsm_key_usable(k) || k->keylen == 0 || k->algorithm == 0) {
		return false;
	}
	*out = (claim_t){ .tok = t, .key = i, .role = role, .alg = k->algorithm,
	                  .tag = role == ROLE_KSK ? k->tag_ksk : k->tag_zsk };
	if (k->published >= 0) {
		const zg_hsm_dnskey_t *p = &c->o->published->keys[k->published];
		out->alg = p->algorithm;
		out->tag = p->tag;
		return (p->flags & 1) == role;
	}
	return true;
}

static int claim_cmp(const void *a, const void *b)
{
	const claim_t *x = a, *y = b;
	if (x->alg != y->alg) {
		return x->alg < y->alg ? -1 : 1;
	}
	if (x->role != y->role) {
		return x->role < y->role ? -1 : 1;
	}
	if (x->tag != y->tag) {
		return x->tag < y->tag ? -1 : 1;
	}
	if (x->tok != y->tok) {
		return x->tok < y->tok ? -1 : 1;
	}
	return (x->key > y->key) - (x->key < y->key);
}

/* Claims of the usable keys of tokens [first, last), sorted by (alg, role, tag). */
static zg_err_t collect(const hsm_actx_t *c, size_t first, size_t last, claim_t **out, size_t *n)
{
	size_t cap = 0;
	for (size_t t = first; t < last; t++) {
		cap += 2 * c->o->tokens[t].inv->nkeys;
	}
	*n = 0;
	*out = calloc(cap ? cap : 1, sizeof(claim_t));
	if (*out == NULL) {
		return ZG_ENOMEM;
	}
	for (size_t t = first; t < last; t++) {
		for (size_t i = 0; i < c->o->tokens[t].inv->nkeys; i++) {
			*n += claim_of(c, t, i, ROLE_ZSK, &(*out)[*n]);
			*n += claim_of(c, t, i, ROLE_KSK, &(*out)[*n]);
		}
	}
	qsort(*out, *n, sizeof(claim_t), claim_cmp);
	return ZG_EOK;
}

static size_t distinct_keys(const hsm_actx_t *c, const claim_t *g, size_t n)
{
	size_t d = 0;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++) {
			dup = same_key(claim_key(c, &g[i]), claim_key(c, &g[j]));
		}
		d += !dup;
	}
	return d;
}

static bool member_of(const claim_t *m, const claim_t *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (g[i].tok == m->tok && g[i].key == m->key) {
			return true;
		}
	}
	return false;
}

/* True if these pairs were all in one group reported before (unpublished pairs that collide as
 * ZSK collide as KSK too); else remember the group. */
static bool seen_before(seen_t *s, claim_t *g, size_t n)
{
	for (size_t i = 0; i < s->n; i++) {
		bool sub = true;
		for (size_t k = 0; sub && k < n; k++) {
			sub = member_of(&g[k], s->groups[i], s->sizes[i]);
		}
		if (sub) {
			return true;
		}
	}
	claim_t **gs = realloc(s->groups, (s->n + 1) * sizeof(*gs));
	size_t *sz = gs ? realloc(s->sizes, (s->n + 1) * sizeof(*sz)) : NULL;
	if (gs != NULL) {
		s->groups = gs;
	}
	if (sz != NULL) {
		s->sizes = sz;
		s->groups[s->n] = g;
		s->sizes[s->n++] = n;
	}
	return false;
}

static void seen_free(seen_t *s)
{
	free(s->groups);
	free(s->sizes);
}

/* "label 'a' id 01 (published), ..." of the group's members except skip (SIZE_MAX: none). */
static void member_list(const hsm_actx_t *c, const claim_t *g, size_t n, size_t skip,
                        bool with_token, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 8 < size; i++) {
		if (i == skip) {
			continue;
		}
		const zg_hsm_key_t *k = claim_key(c, &g[i]);
		char name[NAME_MAX_LEN];
		if (with_token) {
			hsm_obj_name(c->o->tokens[g[i].tok].inv, k, name, sizeof(name));
		} else {
			zg_hsm_key_name(k, name, sizeof(name));
		}
		int w = snprintf(buf + o, size - o, "%s%s%s", o ? "; " : "", name,
		                 k->published >= 0 ? " (published)" : "");
		o = w > 0 && (size_t)w < size - o ? o + (size_t)w : size - 1;
	}
}

static void report_collision(hsm_actx_t *c, claim_t *g, size_t n)
{
	char list[LIST_MAX], obj[NAME_MAX_LEN];
	for (size_t i = 0; i < n; i++) {
		const zg_hsm_inventory_t *tok = c->o->tokens[g[i].tok].inv;
		const zg_hsm_key_t *k = claim_key(c, &g[i]);
		member_list(c, g, n, i, false, list, sizeof(list));
		hsm_emit(c, ZG_F_HSM_TAG_COLLISION, tok, k, NULL, g[i].tag, g[i].alg,
		         "%s%s: key pair shares algorithm %u key tag %u (as %s) with %zu other key "
		         "pair%s of the token: %s", hsm_obj_name(tok, k, obj, sizeof(obj)),
		         k->published >= 0 ? " (published)" : "", g[i].alg, g[i].tag,
		         ROLE_NAME[g[i].role], n - 1, n == 2 ? "" : "s", list);
	}
}

/* Visit every (alg, role, tag) group of claims with fn. */
static void each_group(hsm_actx_t *c, claim_t *cl, size_t n, seen_t *seen,
                       bool (*want)(const hsm_actx_t *, const claim_t *, size_t),
                       void (*fn)(hsm_actx_t *, claim_t *, size_t))
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && cl[j].alg == cl[i].alg && cl[j].role == cl[i].role &&
		                cl[j].tag == cl[i].tag;
		     j++) {
		}
		if (want(c, &cl[i], j - i) && !seen_before(seen, &cl[i], j - i)) {
			fn(c, &cl[i], j - i);
		}
	}
}

static bool is_collision(const hsm_actx_t *c, const claim_t *g, size_t n)
{
	return n > 1 && distinct_keys(c, g, n) > 1;
}

static zg_err_t collisions(hsm_actx_t *c)
{
	for (size_t t = 0; t < c->o->ntokens; t++) {
		claim_t *cl = NULL;
		size_t n = 0;
		seen_t seen = { 0 };
		if (collect(c, t, t + 1, &cl, &n) != ZG_EOK) {
			return ZG_ENOMEM;
		}
		each_group(c, cl, n, &seen, is_collision, report_collision);
		seen_free(&seen);
		free(cl);
	}
	return ZG_EOK;
}

/* Tokens in the group that hold a key do not all hold the same keys. */
static bool is_cross_mismatch(const hsm_actx_t *c, const claim_t *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			bool has = false;
			for (size_t k = 0; k < n && !has; k++) {
				has = g[k].tok == g[j].tok &&
				      same_key(claim_key(c, &g[k]), claim_key(c, &g[i]));
			}
			if (!has) {
				return true; /* token of g[j] lacks the key of g[i] */
			}
		}
	}
	return false;
}

static void report_cross(hsm_actx_t *c, claim_t *g, size_t n)
{
	char list[LIST_MAX], obj[NAME_MAX_LEN];
	member_list(c, g, n, SIZE_MAX, true, list, sizeof(list));
	for (size_t i = 0; i < n; i++) {
		const zg_hsm_inventory_t *tok = c->o->tokens[g[i].tok].inv;
		const zg_hsm_key_t *k = claim_key(c, &g[i]);
		hsm_emit(c, ZG_F_HSM_CROSS_TOKEN_MISMATCH, tok, k, NULL, g[i].tag, g[i].alg,
		         "%s: the tokens hold different keys for algorithm %u key tag %u (as %s): %s",
		         hsm_obj_name(tok, k, obj, sizeof(obj)), g[i].alg, g[i].tag,
		         ROLE_NAME[g[i].role], list);
	}
}

static zg_err_t cross_tokens(hsm_actx_t *c)
{
	claim_t *cl = NULL;
	size_t n = 0;
	seen_t seen = { 0 };
	if (collect(c, 0, c->o->ntokens, &cl, &n) != ZG_EOK) {
		return ZG_ENOMEM;
	}
	each_group(c, cl, n, &seen, is_cross_mismatch, report_cross);
	seen_free(&seen);
	free(cl);
	return ZG_EOK;
}

/* "; published DNSKEY 14208 (flags 256) has the same tag: ..." or "" */
static void same_tag_note(const hsm_actx_t *c, const zg_hsm_key_t *k, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < c->o->published->n; i++) {
		const zg_hsm_dnskey_t *p = &c->o->published->keys[i];
		if (zg_hsm_alg_fits(k->type, p->algorithm) &&
		    zg_hsm_key_tag(k, p->flags, p->algorithm) == p->tag) {
			snprintf(buf, size, "; its key tag is that of published DNSKEY %u (algorithm %u, "
			         "flags %u): every signature it makes fails validation (the 33834 fault)",
			         p->tag, p->algorithm, p->flags);
			return;
		}
	}
}

static void unpublished(hsm_actx_t *c)
{
	char obj[NAME_MAX_LEN], note[256];
	for (size_t t = 0; t < c->o->ntokens; t++) {
		const zg_hsm_inventory_t *tok = c->o->tokens[t].inv;
		for (size_t i = 0; i < tok->nkeys; i++) {
			const zg_hsm_key_t *k = &tok->keys[i];
			if (!zg_hsm_key_usable(k) || k->published >= 0) {
				continue;
			}
			hsm_obj_name(tok, k, obj, sizeof(obj));
			if (k->keylen == 0) {
				hsm_emit(c, ZG_F_HSM_UNPUBLISHED_KEY, tok, k, NULL, -1, k->algorithm,
				         "%s: %s private key without a readable public key: it cannot be "
				         "tied to a DNSKEY (--probe identifies it)", obj,
				         zg_hsm_keytype_name(k->type));
				continue;
			}
			same_tag_note(c, k, note, sizeof(note));
			hsm_emit(c, ZG_F_HSM_UNPUBLISHED_KEY, tok, k, NULL, k->tag_zsk, k->algorithm,
			         "%s: %s key pair (algorithm %u, key tag %u as ZSK, %u as KSK%s) has no "
			         "DNSKEY in the zone%s", obj, zg_hsm_keytype_name(k->type), k->algorithm,
			         k->tag_zsk, k->tag_ksk, k->key_from_probe ? ", key found by --probe" : "",
			         note);
		}
	}
}

/* Why a published key has no usable private key: a hint from the closest object, or "". */
static void missing_hint(const hsm_actx_t *c, size_t p, char *buf, size_t size)
{
	char obj[NAME_MAX_LEN];
	buf[0] = '\0';
	for (size_t t = 0; t < c->o->ntokens; t++) {
		const zg_hsm_inventory_t *tok = c->o->tokens[t].inv;
		for (size_t i = 0; i < tok->nkeys && buf[0] == '\0'; i++) {
			const zg_hsm_key_t *k = &tok->keys[i];
			if (k->published != (int)p) {
				continue;
			}
			hsm_obj_name(tok, k, obj, sizeof(obj));
			snprintf(buf, size, "; %s is %s", obj,
			         !k->has_private ? "only a public key object"
			         : !k->in_scope  ? "outside --key-filter"
			                         : "a private key without CKA_SIGN");
		}
	}
}

static bool has_private(const hsm_actx_t *c, size_t p)
{
	for (size_t t = 0; t < c->o->ntokens; t++) {
		const zg_hsm_inventory_t *tok = c->o->tokens[t].inv;
		for (size_t i = 0; i < tok->nkeys; i++) {
			if (tok->keys[i].published == (int)p && zg_hsm_key_usable(&tok->keys[i])) {
				return true;
			}
		}
	}
	return false;
}

static void missing_private(hsm_actx_t *c)
{
	char hint[LIST_MAX];
	for (size_t p = 0; p < c->o->published->n; p++) {
		const zg_hsm_dnskey_t *dk = &c->o->published->keys[p];
		if (!(dk->flags & 0x0100) || has_private(c, p)) {
			continue; /* not a zone key, or fine */
		}
		missing_hint(c, p, hint, sizeof(hint));
		hsm_emit(c, ZG_F_HSM_MISSING_PRIVATE, NULL, NULL, dk, dk->tag, dk->algorithm,
		         "published DNSKEY %u (algorithm %u, flags %u, %s line %u): no audited token "
		         "holds its private key%s", dk->tag, dk->algorithm, dk->flags,
		         c->o->published->path, dk->line, hint);
	}
}

zg_err_t zg_hsm_audit(const zg_hsm_audit_opts_t *opts, char *err, size_t errlen)
{
	if (opts == NULL || opts->published == NULL || (opts->ntokens > 0 && opts->tokens == NULL)) {
		return ZG_EINVAL;
	}
	for (size_t t = 0; t < opts->ntokens; t++) {
		if (opts->tokens[t].inv == NULL || (opts->probe && opts->tokens[t].handle == NULL)) {
			return ZG_EINVAL;
		}
	}
	hsm_actx_t c = { .o = opts, .err = err, .errlen = errlen };
	annotate(&c);
	zg_err_t ret = opts->probe ? hsm_probe_all(&c) : ZG_EOK;
	if (ret == ZG_EOK) {
		ret = collisions(&c);
	}
	if (ret == ZG_EOK && opts->ntokens > 1) {
		ret = cross_tokens(&c);
	}
	if (ret == ZG_EOK) {
		unpublished(&c);
		missing_private(&c);
	}
	return ret;
}
