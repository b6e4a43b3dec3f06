/* arena.c -- chunked bump allocator behind the zone model. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "verifier/arena.h"

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_CHUNK (1u << 20)

typedef struct chunk {
	struct chunk *next;
	size_t size;
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
} chunk_t;

struct zg_arena {
	chunk_t *head;
	size_t chunk;
	size_t total;
};

zg_arena_t *zg_arena_new(size_t chunk)
{
	zg_arena_t *a = calloc(1, sizeof(*a));
	if (a != NULL) {
		a->chunk = chunk ? chunk : ARENA_DEFAULT_CHUNK;
	}
	return a;
}

static chunk_t *chunk_new(size_t size)
{
	if (size > SIZE_MAX - sizeof(chunk_t)) {
		return NULL;
	}
	chunk_t *c = malloc(sizeof(chunk_t) + size);
	if (c != NULL) {
		c->next = NULL;
		c->size = size;
		c->used = 0;
	}
	return c;
}

void *zg_arena_alloc(zg_arena_t *a, size_t size)
{
	if (a == NULL || size > SIZE_MAX - ARENA_ALIGN) {
		return NULL;
	}
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	chunk_t *c = a->head;
	if (c == NULL || c->size - c->used < size) {
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
	}
	void *p = c->data + c->used;
	c->used += size;
	a->total += size;
	return p;
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

void zg_arena_free(zg_arena_t *a)
{
	if (a == NULL) {
		return;
	}
	chunk_t *c = a->head;
	while (c != NULL) {
		chunk_t *next = c->next;
		free(c);
		c = next;
	}
	free(a);
}
