/* zone_sort.c -- raw records into canonical order, in place (introsort). */
#include "verifier/internal/zone_build.h"

#define INSERTION_MAX 16

int zg_raw_cmp(const zg_raw_rr_t *a, const zg_raw_rr_t *b)
{
	int c = zg_raw_order(a, b);
	if (c != 0) {
		return c;
	}
	return (a->line > b->line) - (a->line < b->line);
}

static void swap_raw(zg_raw_rr_t *a, zg_raw_rr_t *b)
{
	zg_raw_rr_t t = *a;
	*a = *b;
	*b = t;
}

static void insertion_sort(zg_raw_rr_t *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		zg_raw_rr_t x = r[i];
		size_t j = i;
		for (; j > 0 && zg_raw_cmp(&r[j - 1], &x) > 0; j--) {
			r[j] = r[j - 1];
		}
		r[j] = x;
	}
}

static void sift_down(zg_raw_rr_t *r, size_t i, size_t n)
{
	for (size_t c = 2 * i + 1; c < n; i = c, c = 2 * i + 1) {
		if (c + 1 < n && zg_raw_cmp(&r[c], &r[c + 1]) < 0) {
			c++;
		}
		if (zg_raw_cmp(&r[i], &r[c]) >= 0) {
			return;
		}
		swap_raw(&r[i], &r[c]);
	}
}

static void heap_sort(zg_raw_rr_t *r, size_t n)
{
	for (size_t i = n / 2; i-- > 0;) {
		sift_down(r, i, n);
	}
	for (size_t end = n; end-- > 1;) {
		swap_raw(&r[0], &r[end]);
		sift_down(r, 0, end);
	}
}

/* Hoare partition around the median of three; returns the size of the left part. */
static size_t partition(zg_raw_rr_t *r, size_t n)
{
	size_t m = n / 2;
	if (zg_raw_cmp(&r[m], &r[0]) < 0) {
		swap_raw(&r[m], &r[0]);
	}
	if (zg_raw_cmp(&r[n - 1], &r[m]) < 0) {
		swap_raw(&r[n - 1], &r[m]);
		if (zg_raw_cmp(&r[m], &r[0]) < 0) {
			swap_raw(&r[m], &r[0]);
		}
	}
	zg_raw_rr_t pivot = r[m];
	size_t i = 0, j = n - 1;
	for (;;) {
		while (zg_raw_cmp(&r[i], &pivot) < 0) {
			i++;
		}
		while (zg_raw_cmp(&pivot, &r[j]) < 0) {
			j--;
		}
		if (i >= j) {
			return j + 1;
		}
		swap_raw(&r[i++], &r[j--]);
	}
}

/* Introsort: no extra memory (glibc's qsort allocates a copy or an index of the array). */
static void intro_sort(zg_raw_rr_t *r, size_t n, unsigned depth)
{
	while (n > INSERTION_MAX) {
		if (depth-- == 0) {
			heap_sort(r, n);
			return;
		}
		size_t left = partition(r, n);
		if (left < n - left) {
			intro_sort(r, left, depth);
			r += left;
			n -= left;
		} else {
			intro_sort(r + left, n - left, depth);
			n = left;
		}
	}
	insertion_sort(r, n);
}

void zg_build_sort(zg_raw_rr_t *raw, size_t n)
{
	size_t i = 1;
	while (i < n && zg_raw_cmp(&raw[i - 1], &raw[i]) <= 0) {
		i++;
	}
	if (i >= n) {
		return; /* already in order: a canonical writer's output, or a merged diff */
	}
	unsigned depth = 0;
	for (size_t k = n; k > 1; k >>= 1) {
		depth += 2;
	}
	intro_sort(raw, n, depth);
}
