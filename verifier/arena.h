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
/*! \brief Bytes handed out so far. */
size_t zg_arena_used(const zg_arena_t *a);
void zg_arena_free(zg_arena_t *a);

/*!
 * \brief Make room for one more element in a malloc'd array (doubling; first size `initial`).
 * \param[in,out] arr  the array pointer (void ** of any T *); unchanged on failure
 * \retval ZG_EOK / ZG_ENOMEM (also on size overflow)
 */
zg_err_t zg_array_reserve(void *arr, size_t *cap, size_t used, size_t elem, size_t initial);
