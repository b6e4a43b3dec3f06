/* zone_join.c -- the models of the parts of a split load joined into one: appended when they
 * follow in canonical order, else their names put in canonical order (zone_merge.c). */
#include <stdlib.h>
#include <string.h>
#include "verifier/internal/zone_build.h"
#include "verifier/name.h"

static int seam_cmp(const zg_zone_t *z, const zg_zone_t *p)
{
	const uint8_t *a = z->names[z->nnames - 1].owner, *b = p->names[0].owner;
	return zg_dname_equal(a, b) ? 0 : zg_dname_cmp(a, b);
}

/* p follows z in canonical order: append its arrays, then release them. */
static zg_err_t append_part(zg_zone_t *z, zg_caps_t *c, zg_zone_t *p)
{
	int cmp = p->nnames == 0 || z->nnames == 0 ? -1 : seam_cmp(z, p);
	zg_err_t ret = cmp == 0 ? zg_model_merge_last(z, c, p, 0) : ZG_EOK;
	if (ret == ZG_EOK) {
		ret = zg_model_reserve(z, c, p->nnames, (size_t)p->nrrs + p->nsigs + p->nrrsets);
	}
	if (ret == ZG_EOK) {
		zg_model_copy(z, p, cmp == 0 ? 1 : 0, p->nnames);
	}
	zg_model_drop(p);
	return ret;
}

static bool parts_in_order(zg_build_t *const *parts, size_t n)
{
	const zg_zone_t *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		const zg_zone_t *p = parts[i]->z;
		if (parts[i]->shuffled) {
			return false;
		}
		if (p->nnames == 0) {
			continue;
		}
		if (prev != NULL && seam_cmp(prev, p) > 0) {
			return false;
		}
		prev = p;
	}
	return true;
}

/* Not in canonical order within a part or across a seam: every part's names, in file order,
 * put in canonical order name by name. */
static zg_err_t join_names(zg_zone_t *z, zg_build_t **parts, size_t n)
{
	const zg_zone_t **src = calloc(n ? n : 1, sizeof(*src));
	if (src == NULL) {
		return ZG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		src[i] = parts[i]->z;
	}
	zg_err_t ret = zg_merge_names(z, src, n);
	free(src);
	return ret;
}

zg_err_t zg_build_join(zg_zone_t *z, zg_build_t **parts, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		total += parts[i]->count;
	}
	zg_err_t ret = total >= ZG_NONE ? ZG_ETOOBIG : ZG_EOK;
	if (ret == ZG_EOK && !parts_in_order(parts, n)) {
		ret = join_names(z, parts, n);
	} else if (ret == ZG_EOK) {
		zg_caps_t c = { 0 };
		for (size_t i = 0; i < n && ret == ZG_EOK; i++) {
			ret = append_part(z, &c, parts[i]->z);
		}
		if (ret == ZG_EOK && z->names == NULL) {
			ret = zg_model_reserve(z, &c, 1, 1);
		}
		if (ret == ZG_EOK) {
			zg_model_shrink(z, &c);
		}
	}
	for (size_t i = 0; i < n; i++) {
		zg_model_drop(parts[i]->z);
		zg_arena_adopt(z->arena, parts[i]->z->arena);
		parts[i]->z->arena = NULL;
	}
	return ret;
}
