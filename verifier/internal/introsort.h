/* introsort.h -- an in-place sort for arrays of one struct type, stamped out per type:
 *   ZG_INTROSORT(name, type, cmp) defines static void name(type *a, size_t n), cmp being
 *   int cmp(const type *, const type *). Introsort (quicksort on the median of three, heapsort
 *   past twice log2 n levels, insertion sort below 16): no memory beyond the stack, where
 *   glibc's qsort() takes a buffer the size of the array -- the loader sorts arrays of up to
 *   millions of entries and must not double them. Not stable: cmp must tell every two apart. */
#pragma once

#include <stddef.h>

#define ZG_INTROSORT(name, type, cmp)                                                     \
	static void name##_swap(type *x, type *y)                                         \
	{                                                                                 \
		type t = *x;                                                              \
		*x = *y;                                                                  \
		*y = t;                                                                   \
	}                                                                                 \
	static void name##_sift(type *r, size_t i, size_t n)                              \
	{                                                                                 \
		for (size_t c = 2 * i + 1; c < n; i = c, c = 2 * i + 1) {                 \
			c += c + 1 < n && cmp(&r[c], &r[c + 1]) < 0;                       \
			if (cmp(&r[i], &r[c]) >= 0) {                                      \
				return;                                                     \
			}                                                                   \
			name##_swap(&r[i], &r[c]);                                          \
		}                                                                         \
	}                                                                                 \
	static void name##_heap(type *r, size_t n)                                        \
	{                                                                                 \
		for (size_t i = n / 2; i-- > 0;) {                                        \
			name##_sift(r, i, n);                                               \
		}                                                                         \
		for (size_t end = n; end-- > 1;) {                                        \
			name##_swap(&r[0], &r[end]);                                        \
			name##_sift(r, 0, end);                                             \
		}                                                                         \
	}                                                                                 \
	/* Hoare partition around the median of three; the size of the left part. */    \
	static size_t name##_part(type *r, size_t n)                                      \
	{                                                                                 \
		size_t m = n / 2;                                                         \
		if (cmp(&r[m], &r[0]) < 0) {                                              \
			name##_swap(&r[m], &r[0]);                                          \
		}                                                                         \
		if (cmp(&r[n - 1], &r[m]) < 0) {                                          \
			name##_swap(&r[n - 1], &r[m]);                                      \
			if (cmp(&r[m], &r[0]) < 0) {                                        \
				name##_swap(&r[m], &r[0]);                                  \
			}                                                                   \
		}                                                                         \
		type pivot = r[m];                                                        \
		size_t i = 0, j = n - 1;                                                  \
		for (;;) {                                                                \
			while (cmp(&r[i], &pivot) < 0) {                                   \
				i++;                                                        \
			}                                                                   \
			while (cmp(&pivot, &r[j]) < 0) {                                   \
				j--;                                                        \
			}                                                                   \
			if (i >= j) {                                                       \
				return j + 1;                                               \
			}                                                                   \
			name##_swap(&r[i++], &r[j--]);                                      \
		}                                                                         \
	}                                                                                 \
	static void name##_intro(type *r, size_t n, unsigned depth)                       \
	{                                                                                 \
		while (n > 16) {                                                          \
			if (depth-- == 0) {                                                 \
				name##_heap(r, n);                                          \
				return;                                                     \
			}                                                                   \
			size_t left = name##_part(r, n);                                    \
			if (left < n - left) {                                              \
				name##_intro(r, left, depth);                               \
				r += left;                                                  \
				n -= left;                                                  \
			} else {                                                            \
				name##_intro(r + left, n - left, depth);                    \
				n = left;                                                   \
			}                                                                   \
		}                                                                         \
		for (size_t i = 1; i < n; i++) {                                          \
			type x = r[i];                                                      \
			size_t j = i;                                                       \
			for (; j > 0 && cmp(&r[j - 1], &x) > 0; j--) {                      \
				r[j] = r[j - 1];                                            \
			}                                                                   \
			r[j] = x;                                                           \
		}                                                                         \
	}                                                                                 \
	static void name(type *r, size_t n)                                               \
	{                                                                                 \
		unsigned depth = 0;                                                       \
		for (size_t k = n; k > 1; k >>= 1) {                                      \
			depth += 2;                                                         \
		}                                                                         \
		name##_intro(r, n, depth);                                                \
	}
