/* zone_sort.c -- raw records into canonical order, in place (introsort). */
#include "verifier/internal/introsort.h"
#include "verifier/internal/zone_build.h"

int zg_raw_cmp(const zg_raw_rr_t *a, const zg_raw_rr_t *b)
{
	int c = zg_raw_order(a, b);
	if (c != 0) {
		return c;
	}
	return (a->line > b->line) - (a->line < b->line);
}

ZG_INTROSORT(raw_sort, zg_raw_rr_t, zg_raw_cmp)

void zg_build_sort(zg_raw_rr_t *raw, size_t n)
{
	size_t i = 1;
	while (i < n && zg_raw_cmp(&raw[i - 1], &raw[i]) <= 0) {
		i++;
	}
	if (i >= n) {
		return; /* already in order: a canonical writer's output, or a merged diff */
	}
	raw_sort(raw, n);
}
