/* arena.c -- chunked bump allocator behind the zone model, plus growable page-mapped blocks. */
#define _GNU_SOURCE /* mremap */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "verifier/arena.h"

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_CHUNK (1u << 20)
#define PAGE 4096u /* mapping granularity used for sizes; the system's may be larger */

typedef struct chunk {
	struct chunk *next;
	size_t size;
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
} chunk_t;

/* A zg_arena_block(): its own mapping, so it grows by mremap() without a copy and only the
 * pages written count in the resident set. */
typedef struct block {
	struct block *next, *prev;
	size_t size; /* mapped bytes, header included */
	_Alignas(ARENA_ALIGN) unsigned char data[];
} block_t;

struct zg_arena {
	chunk_t *head;
	block_t *blocks;
	size_t chunk;
	size_t total;
	unsigned refs; /* owners besides the creator (zg_arena_ref) */
};

zg_arena_t *zg_arena_new(size_t chunk)
{
	zg_arena_t *a = calloc(1, sizeof(*a));
	if (a != NULL) {
		a->chunk = chunk ? chunk : ARENA_DEFAULT_CHUNK;
	}
	return a;
}

static size_t page_round(size_t n)
{
	return (n + PAGE - 1) & ~(size_t)(PAGE - 1);
}

#if defined(__SANITIZE_THREAD__)
/* ThreadSanitizer does not see mremap(): memory it moved and the system handed to another
 * thread would look shared. Copy instead. */
static void *remap(void *old, size_t size, size_t want)
{
	void *m = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED) {
		memcpy(m, old, size < want ? size : want);
		munmap(old, size);
	}
	return m;
}
#else
static void *remap(void *old, size_t size, size_t want)
{
	return mremap(old, size, want, MREMAP_MAYMOVE);
}
#endif

/* Chunks are mappings of their own: freed, they go back to the system whatever malloc's
 * thresholds, and pages never written cost nothing. */
static chunk_t *chunk_new(size_t size)
{
	if (size > SIZE_MAX / 2) {
		return NULL;
	}
	size_t map = page_round(sizeof(chunk_t) + size);
	chunk_t *c = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED) {
		return NULL;
	}
	c->next = NULL;
	c->size = map - sizeof(chunk_t);
	c->used = 0;
	return c;
}

static void chunk_free(chunk_t *c)
{
	munmap(c, sizeof(chunk_t) + c->size);
}

/* size bytes at an `align`-aligned offset of the head chunk, or of a new chunk. */
static void *arena_take(zg_arena_t *a, size_t size, size_t align)
{
	chunk_t *c = a->head;
	size_t at = c != NULL ? (c->used + align - 1) & ~(align - 1) : 0;
	if (c == NULL || at > c->size || c->size - at < size) {
		size_t want = size > a->chunk ? size : a->chunk;
		chunk_t *n = chunk_new(want);
		if (n == NULL) {
			return NULL;
		}
		/* a big block goes behind the head so the head's free space is not wasted */
		if (c != NULL && size > a->chunk) {
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			a->head = n;
		}
		c = n;
		at = 0;
	}
	c->used = at + size;
	a->total += size;
	return c->data + at;
}

void *zg_arena_alloc(zg_arena_t *a, size_t size)
{
	if (a == NULL || size > SIZE_MAX - ARENA_ALIGN) {
		return NULL;
	}
	return arena_take(a, size, ARENA_ALIGN);
}

void *zg_arena_alloc_bytes(zg_arena_t *a, size_t size)
{
	if (a == NULL || size > SIZE_MAX - ARENA_ALIGN) {
		return NULL;
	}
	return arena_take(a, size, 1);
}

void *zg_arena_alloc_array(zg_arena_t *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		return NULL;
	}
	return zg_arena_alloc(a, n * size);
}

void *zg_arena_dup(zg_arena_t *a, const void *src, size_t len)
{
	void *p = zg_arena_alloc(a, len ? len : 1);
	if (p != NULL && len > 0) {
		memcpy(p, src, len);
	}
	return p;
}

void *zg_arena_dup_bytes(zg_arena_t *a, const void *src, size_t len)
{
	void *p = zg_arena_alloc_bytes(a, len ? len : 1);
	if (p != NULL && len > 0) {
		memcpy(p, src, len);
	}
	return p;
}

static void block_link(zg_arena_t *a, block_t *b)
{
	if (b->prev != NULL) {
		b->prev->next = b;
	} else {
		a->blocks = b;
	}
	if (b->next != NULL) {
		b->next->prev = b;
	}
}

static void block_unmap(zg_arena_t *a, block_t *b)
{
	if (b->prev != NULL) {
		b->prev->next = b->next;
	} else {
		a->blocks = b->next;
	}
	if (b->next != NULL) {
		b->next->prev = b->prev;
	}
	a->total -= b->size;
	munmap(b, b->size);
}

void *zg_arena_block(zg_arena_t *a, void *old, size_t size)
{
	block_t *b = old != NULL ? (block_t *)((unsigned char *)old - offsetof(block_t, data)) : NULL;
	if (a == NULL || size > SIZE_MAX / 2) {
		return NULL;
	}
	if (size == 0) {
		if (b != NULL) {
			block_unmap(a, b);
		}
		return NULL;
	}
	size_t want = page_round(sizeof(block_t) + size);
	void *m = b != NULL ? remap(b, b->size, want)
	                    : mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	                           -1, 0);
	if (m == MAP_FAILED) {
		return NULL;
	}
	block_t *n = m;
	if (b == NULL) {
		n->prev = NULL;
		n->next = a->blocks;
		n->size = 0;
	}
	a->total += want - n->size;
	n->size = want;
	block_link(a, n);
	return n->data;
}

typedef struct {
	size_t size; /* mapped bytes, header included */
	_Alignas(ARENA_ALIGN) unsigned char data[];
} pages_t;

void *zg_pages_resize(void *old, size_t size)
{
	pages_t *b = old != NULL ? (pages_t *)((unsigned char *)old - offsetof(pages_t, data)) : NULL;
	if (size == 0 || size > SIZE_MAX / 2) {
		if (size == 0 && b != NULL) {
			munmap(b, b->size);
		}
		return NULL;
	}
	size_t want = page_round(sizeof(pages_t) + size);
	void *m = b != NULL ? remap(b, b->size, want)
	                    : mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	                           -1, 0);
	if (m == MAP_FAILED) {
		return NULL;
	}
	b = m;
	b->size = want;
	return b->data;
}

void zg_pages_release(void *p, size_t len)
{
	uintptr_t from = ((uintptr_t)p + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	uintptr_t to = ((uintptr_t)p + len) & ~(uintptr_t)(PAGE - 1);
	if (to > from) {
		(void)madvise((void *)from, to - from, MADV_DONTNEED);
	}
}

void zg_pages_populate(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t from = (uintptr_t)p & ~(uintptr_t)(PAGE - 1);
	uintptr_t to = ((uintptr_t)p + len + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	if (len > 0) {
		(void)madvise((void *)from, to - from, MADV_POPULATE_WRITE); /* before Linux 5.14:
		                                                               EINVAL, faults later */
	}
#else
	(void)p;
	(void)len;
#endif
}

zg_err_t zg_pages_reserve(void *arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap) {
		return ZG_EOK;
	}
	size_t n = *cap ? *cap : PAGE / (elem ? elem : 1) + 1;
	while (n < need) {
		if (elem == 0 || n > SIZE_MAX / 2 / elem) {
			return ZG_ENOMEM;
		}
		n *= 2;
	}
	void **p = arr;
	void *g = zg_pages_resize(*p, n * elem);
	if (g == NULL) {
		return ZG_ENOMEM;
	}
	*p = g;
	*cap = n;
	return ZG_EOK;
}

void zg_arena_adopt(zg_arena_t *dst, zg_arena_t *src)
{
	if (dst == NULL || src == NULL) {
		return;
	}
	chunk_t **tail = dst->head != NULL ? &dst->head->next : &dst->head;
	chunk_t *rest = *tail, **end = &src->head;
	while (*end != NULL) {
		end = &(*end)->next;
	}
	*end = rest;
	*tail = src->head;
	while (src->blocks != NULL) {
		block_t *b = src->blocks;
		src->blocks = b->next;
		b->prev = NULL;
		b->next = dst->blocks;
		block_link(dst, b);
	}
	dst->total += src->total;
	free(src);
}

size_t zg_arena_used(const zg_arena_t *a)
{
	return a ? a->total : 0;
}

zg_err_t zg_array_reserve(void *arr, size_t *cap, size_t used, size_t elem, size_t initial)
{
	if (used < *cap) {
		return ZG_EOK;
	}
	size_t n = *cap ? *cap * 2 : initial;
	if (n < *cap || elem == 0 || n > SIZE_MAX / elem) {
		return ZG_ENOMEM;
	}
	void **p = arr;
	void *grown = realloc(*p, n * elem);
	if (grown == NULL) {
		return ZG_ENOMEM;
	}
	*p = grown;
	*cap = n;
	return ZG_EOK;
}

zg_arena_t *zg_arena_ref(zg_arena_t *a)
{
	if (a != NULL) {
		a->refs++;
	}
	return a;
}

void zg_arena_free(zg_arena_t *a)
{
	if (a == NULL) {
		return;
	}
	if (a->refs > 0) {
		a->refs--;
		return;
	}
	chunk_t *c = a->head;
	while (c != NULL) {
		chunk_t *next = c->next;
		chunk_free(c);
		c = next;
	}
	while (a->blocks != NULL) {
		block_unmap(a, a->blocks);
	}
	free(a);
}
