/* arena.h -- bump allocator: one per zone version, freed in one call. */
#pragma once

#include <stddef.h>
#include "verifier/zg_error.h"

typedef struct zg_arena zg_arena_t;

/*! \brief New arena; chunk is the minimum block size (0: default 1 MiB). NULL on ENOMEM. */
zg_arena_t *zg_arena_new(size_t chunk);
/*! \brief 16-byte aligned block; NULL on ENOMEM or overflow. */
void *zg_arena_alloc(zg_arena_t *a, size_t size);
/*! \brief n * size bytes, NULL on overflow. */
void *zg_arena_alloc_array(zg_arena_t *a, size_t n, size_t size);
/*! \brief Copy of len bytes. */
void *zg_arena_dup(zg_arena_t *a, const void *src, size_t len);
/*! \brief Unaligned block (names, RDATA): no padding between small objects. */
void *zg_arena_alloc_bytes(zg_arena_t *a, size_t size);
/*! \brief Unaligned copy of len bytes. */
void *zg_arena_dup_bytes(zg_arena_t *a, const void *src, size_t len);
/*!
 * \brief Allocate (old NULL), resize or free (size 0) a large block owned by the arena, with
 *        realloc() semantics: its own mapping, grown without a copy; untouched pages cost no
 *        memory, so a generous size is cheap. Freed with the arena at the latest.
 * \return 16-byte aligned block, NULL on ENOMEM (old stays valid) or when freed
 */
void *zg_arena_block(zg_arena_t *a, void *old, size_t size);
/*! \brief Move every allocation of src (no other owners) into dst, then free src. */
void zg_arena_adopt(zg_arena_t *dst, zg_arena_t *src);

/*!
 * \brief A page-mapped block of its own (realloc() semantics, size 0 frees): for big temporary
 *        arrays, grown without a copy and given back to the system when freed.
 */
void *zg_pages_resize(void *old, size_t size);
/*! \brief Room for `need` elements in a zg_pages_resize() array (doubling). */
zg_err_t zg_pages_reserve(void *arr, size_t *cap, size_t need, size_t elem);
/*! \brief Give back the whole pages within [p, p + len) of such a block (they read as zeros). */
void zg_pages_release(void *p, size_t len);
/*!
 * \brief Map in the pages of [p, p + len), within a block of zg_arena_block() or
 *        zg_pages_resize(), in one call (an array about to be filled whole, faulted in page by
 *        page otherwise). Only a hint: nothing changes where the system cannot.
 */
void zg_pages_populate(void *p, size_t len);
/*! \brief Bytes handed out so far. */
size_t zg_arena_used(const zg_arena_t *a);
/*! \brief One more owner: the arena lives until every owner called zg_arena_free() (one thread). */
zg_arena_t *zg_arena_ref(zg_arena_t *a);
/*! \brief Drop one owner; the last one frees every block. */
void zg_arena_free(zg_arena_t *a);

/*!
 * \brief Make room for one more element in a malloc'd array (doubling; first size `initial`).
 * \param[in,out] arr  the array pointer (void ** of any T *); unchanged on failure
 * \retval ZG_EOK / ZG_ENOMEM (also on size overflow)
 */
zg_err_t zg_array_reserve(void *arr, size_t *cap, size_t used, size_t elem, size_t initial);
