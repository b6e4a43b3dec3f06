/* gate_cache.c -- the versions kept in memory for incremental verification: the served one with
 * the memo of its verification, and the last passing candidate, which takes its place once it
 * is installed. Anything that does not match is dropped: the next check loads from the files. */
#include <stdlib.h>
#include "gates/xfr/gate_xfr.h"

void gate_cache_pass(gate_zone_t *z, zg_zone_t *zone, zg_memo_t *memo)
{
	uint32_t serial = 0;
	zg_zone_free(z->pass_zone);
	zg_memo_free(z->pass_memo);
	z->pass_zone = zone;
	z->pass_memo = memo;
	z->pass_serial = zg_zone_serial(zone, &serial) ? serial : 0;
}

void gate_cache_served(gate_zone_t *z, uint32_t serial)
{
	zg_zone_free(z->served_zone);
	zg_memo_free(z->served_memo);
	z->served_zone = NULL;
	z->served_memo = NULL;
	if (z->pass_zone != NULL && z->pass_serial == serial) {
		z->served_zone = z->pass_zone;
		z->served_memo = z->pass_memo;
	} else {
		zg_zone_free(z->pass_zone);
		zg_memo_free(z->pass_memo);
	}
	z->pass_zone = NULL;
	z->pass_memo = NULL;
}

void gate_cache_drop(gate_zone_t *z)
{
	zg_zone_free(z->served_zone);
	zg_memo_free(z->served_memo);
	zg_zone_free(z->pass_zone);
	zg_memo_free(z->pass_memo);
	z->served_zone = z->pass_zone = NULL;
	z->served_memo = z->pass_memo = NULL;
}
