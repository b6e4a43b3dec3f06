/* ns_targets.c -- in-bailiwick NS targets with their counts (internal/ns_targets.h). NS RDATA
 * is canonical (lowercased, RFC 4034 6.2), like owners, so names compare by their bytes. */
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include "verifier/arena.h"
#include "verifier/internal/ns_targets.h"
#include "verifier/name.h"

#define SEEN_SLOTS 64 /* NS RDATA the loader stored once for many delegations, by address */

static uint64_t name_hash(const uint8_t *name, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h = (h ^ name[i]) * 0x100000001b3ull;
	}
	return h;
}

/* The slot holding name (hash h), or the empty slot where it would go (t has slots). */
static zg_target_t *find(const zg_targets_t *t, const uint8_t *name, uint64_t h)
{
	size_t i = h & t->mask;
	for (; t->slot[i].name != NULL; i = (i + 1) & t->mask) {
		const zg_target_t *s = &t->slot[i];
		if (s->hash == h && zg_dname_equal(s->name, name)) {
			break;
		}
	}
	return &t->slot[i];
}

bool zg_targets_has(const zg_targets_t *t, const uint8_t *name)
{
	if (t->slot == NULL) {
		return false;
	}
	const zg_target_t *s = find(t, name, name_hash(name, zg_dname_len(name, ZG_DNAME_MAXLEN)));
	return s->name != NULL && s->count > 0;
}

void zg_targets_free(zg_targets_t *t)
{
	free(t->slot);
	*t = (zg_targets_t){ 0 };
}

/* Room for `more` names beyond those held, at most half the slots full. */
static zg_err_t reserve(zg_targets_t *t, size_t more)
{
	size_t slots = t->slot ? t->mask + 1 : 0, want = slots ? slots : 16;
	while (want < 2 * (t->used + more)) {
		want *= 2;
	}
	if (want == slots) {
		return ZG_EOK;
	}
	zg_targets_t n = { .slot = calloc(want, sizeof(zg_target_t)), .mask = want - 1,
	                   .used = t->used };
	if (n.slot == NULL) {
		return ZG_ENOMEM;
	}
	for (size_t i = 0; i < slots; i++) {
		if (t->slot[i].name != NULL) {
			*find(&n, t->slot[i].name, t->slot[i].hash) = t->slot[i];
		}
	}
	free(t->slot);
	*t = n;
	return ZG_EOK;
}

/* One more (delta 1) or one less (-1) NS RR names e; false: one less of a name not held. */
static bool count(zg_targets_t *t, const zg_target_t *e, int delta)
{
	zg_target_t *s = find(t, e->name, e->hash);
	if (s->name == NULL) {
		if (delta < 0) {
			return false;
		}
		*s = (zg_target_t){ .hash = e->hash, .name = e->name };
		t->used++;
	}
	if (delta < 0 && s->count == 0) {
		return false;
	}
	s->count = delta < 0 ? s->count - 1 : s->count + 1;
	return true;
}

typedef struct {
	zg_target_t *v; /* hashed while their bytes are at hand */
	size_t n, cap;
} list_t;

/* The in-zone targets of the NS RRs of RRset s (NULL: none) appended to l; seen[] remembers
 * out-of-zone ones by address. */
static zg_err_t collect(const zg_zone_t *z, const zg_rrset_t *s, size_t olen,
                        const uint8_t **seen, list_t *l)
{
	for (uint32_t k = 0; s != NULL && k < s->rr_count; k++) {
		const uint8_t *target = z->rrs[s->rr_first + k].rdata;
		size_t slot = (((uintptr_t)target >> 3) ^ ((uintptr_t)target >> 11)) % SEEN_SLOTS;
		if (seen[slot] == target) {
			continue;
		}
		size_t len = zg_dname_len(target, ZG_DNAME_MAXLEN);
		if (!zg_dname_under_len(target, len, z->origin, olen)) {
			seen[slot] = target;
			continue;
		}
		if (zg_array_reserve(&l->v, &l->cap, l->n, sizeof(*l->v), 256) != ZG_EOK) {
			return ZG_ENOMEM;
		}
		l->v[l->n++] = (zg_target_t){ .hash = name_hash(target, len), .name = target };
	}
	return ZG_EOK;
}

zg_err_t zg_targets_build(const zg_zone_t *z, zg_targets_t *t)
{
	list_t l = { 0 };
	const uint8_t *seen[SEEN_SLOTS] = { NULL };
	size_t olen = zg_dname_len(z->origin, ZG_DNAME_MAXLEN);
	zg_err_t ret = ZG_EOK;
	*t = (zg_targets_t){ 0 };
	for (uint32_t i = 0; i < z->nrrsets && ret == ZG_EOK; i++) {
		const zg_rrset_t *s = &z->rrsets[i];
		ret = s->type == KNOT_RRTYPE_NS ? collect(z, s, olen, seen, &l) : ZG_EOK;
	}
	if (ret == ZG_EOK && l.n > 0) {
		ret = reserve(t, l.n);
	}
	for (size_t i = 0; ret == ZG_EOK && i < l.n; i++) {
		(void)count(t, &l.v[i], 1);
	}
	free(l.v);
	if (ret != ZG_EOK) {
		zg_targets_free(t);
	}
	return ret;
}

zg_err_t zg_targets_derive(const zg_targets_t *from, const zg_zone_t *base, const zg_zone_t *z,
                           zg_targets_t *t)
{
	*t = (zg_targets_t){ .mask = from->mask, .used = from->used };
	size_t slots = from->slot ? from->mask + 1 : 0;
	if (slots > 0 && (t->slot = malloc(slots * sizeof(zg_target_t))) == NULL) {
		return ZG_ENOMEM;
	}
	if (slots > 0) {
		memcpy(t->slot, from->slot, slots * sizeof(zg_target_t));
	}
	list_t gone = { 0 }, came = { 0 };
	const uint8_t *seen_b[SEEN_SLOTS] = { NULL }, *seen_z[SEEN_SLOTS] = { NULL };
	size_t olen = zg_dname_len(z->origin, ZG_DNAME_MAXLEN);
	zg_err_t ret = ZG_EOK;
	for (uint32_t g = 0; g < z->nregrouped && ret == ZG_EOK; g++) {
		const zg_regrouped_t *x = &z->regrouped[g];
		if (x->base_name != ZG_NONE) {
			const zg_rrset_t *s = zg_zone_rrset(base, x->base_name, KNOT_RRTYPE_NS);
			ret = collect(base, s, olen, seen_b, &gone);
		}
		if (ret == ZG_EOK && x->name != ZG_NONE) {
			ret = collect(z, zg_zone_rrset(z, x->name, KNOT_RRTYPE_NS), olen, seen_z, &came);
		}
	}
	if (ret == ZG_EOK) {
		ret = reserve(t, came.n);
	}
	for (size_t i = 0; ret == ZG_EOK && i < gone.n; i++) {
		ret = t->slot != NULL && count(t, &gone.v[i], -1) ? ZG_EOK : ZG_EINVAL;
	}
	for (size_t i = 0; ret == ZG_EOK && i < came.n; i++) {
		(void)count(t, &came.v[i], 1);
	}
	free(gone.v);
	free(came.v);
	if (ret != ZG_EOK) {
		zg_targets_free(t);
	}
	return ret;
}
