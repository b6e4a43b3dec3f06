/* zone_model.h -- the structs behind zg_zone_t: names in canonical order, RRsets, RRs, RRSIGs. */
#pragma once

#include <stdint.h>
#include "verifier/arena.h"
#include "verifier/zone.h"

#define ZG_NONE UINT32_MAX

typedef struct {
	const uint8_t *rdata; /* canonical RDATA */
	uint32_t ttl;
	uint32_t line;
	uint16_t rdlen;
} zg_rr_t;

enum {
	ZG_RRSET_AUTH = 1 << 0,         /* authoritative data */
	ZG_RRSET_TTL_MISMATCH = 1 << 1, /* RRs with different TTLs */
};

typedef struct {
	uint32_t name;      /* index into zone->names */
	uint16_t type;      /* RR type; for an RRSIG-only set, the covered type */
	uint16_t flags;
	uint32_t ttl;       /* TTL of the first RR */
	uint32_t rr_first;  /* into zone->rrs */
	uint32_t rr_count;  /* 0: RRSIGs cover a type that is absent here */
	uint32_t sig_first; /* into zone->sigs: the RRSIGs covering this type at this name */
	uint32_t sig_count;
} zg_rrset_t;

enum {
	ZG_NAME_APEX = 1 << 0,
	ZG_NAME_CUT = 1 << 1,      /* delegation point: NS below the apex */
	ZG_NAME_OCCLUDED = 1 << 2, /* below a zone cut or a DNAME */
	ZG_NAME_OUTSIDE = 1 << 3,  /* not under the origin */
};

typedef struct {
	const uint8_t *owner; /* lowercased wire name */
	uint32_t rrset_first;
	uint32_t rrset_count;
	uint32_t flags;
} zg_name_t;

struct zg_zone {
	zg_arena_t *arena;
	const char *path;
	uint8_t origin[256];
	zg_name_t *names;
	uint32_t nnames;
	zg_rrset_t *rrsets;
	uint32_t nrrsets;
	zg_rr_t *rrs;
	uint32_t nrrs;
	zg_rr_t *sigs;
	uint32_t nsigs;
	uint32_t apex; /* name index, ZG_NONE if the origin has no records */
	uint32_t soa_count;
};

/* One parsed record before grouping (zone_load.c -> zone_model.c). */
typedef struct {
	const uint8_t *owner;
	const uint8_t *key;  /* owner's canonical sort key (zg_dname_sort_key), shared per owner */
	const uint8_t *rdata;
	uint32_t ttl;
	uint32_t line;
	uint16_t type;
	uint16_t gtype; /* grouping type: covered type for RRSIG */
	uint16_t rdlen;
	uint16_t keylen;
} zg_raw_rr_t;

/*! \brief Sort raw records and build names, RRsets and cut flags into zone (zone_model.c). */
zg_err_t zg_zone_build(zg_zone_t *zone, zg_raw_rr_t *raw, size_t n);
/*! \brief RRset of type at name index, or NULL. */
const zg_rrset_t *zg_zone_rrset(const zg_zone_t *zone, uint32_t name, uint16_t type);
/*! \brief True if the name has an RR of any type other than `ignore` (0: none ignored). */
bool zg_zone_has_data(const zg_zone_t *zone, uint32_t name, uint16_t ignore);
/*! \brief True if any RRset of the zone has this type. */
bool zg_zone_has_type(const zg_zone_t *zone, uint16_t type);
/*! \brief Index of the name, or ZG_NONE (binary search). */
uint32_t zg_zone_find_name(const zg_zone_t *zone, const uint8_t *owner);
