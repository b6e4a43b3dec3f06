/* zone_model.h -- the structs behind zg_zone_t: names in canonical order, RRsets, RRs, RRSIGs. */
#pragma once

#include <stdint.h>
#include "verifier/arena.h"
#include "verifier/zone.h"

#define ZG_NONE UINT32_MAX

/* Packed to 18 bytes (24 with the pointer's padding): a TLD has millions. Do not take the
 * address of a member (rdata and ttl may be 2-byte aligned only). */
typedef struct __attribute__((packed, aligned(2))) {
	const uint8_t *rdata; /* canonical RDATA */
	uint32_t ttl;
	uint32_t line;
	uint16_t rdlen;
} zg_rr_t;

enum {
	ZG_RRSET_AUTH = 1 << 0,         /* authoritative data */
	ZG_RRSET_TTL_MISMATCH = 1 << 1, /* RRs with different TTLs */
};

/* 16 bytes: a TLD has millions. An RRset of more than 65535 RRs could never be served (it would
 * not fit in a DNS message); zone_build.c refuses one (ZG_ETOOBIG), so the counts are 16-bit.
 * Its name and TTL are not stored: zg_rrset_name() and zg_rrset_ttl() find them. */
typedef struct {
	uint16_t type;      /* RR type; for an RRSIG-only set, the covered type */
	uint16_t flags;
	uint32_t rr_first;  /* into zone->rrs */
	uint32_t sig_first; /* into zone->sigs: the RRSIGs covering this type at this name */
	uint16_t rr_count;  /* 0: RRSIGs cover a type that is absent here */
	uint16_t sig_count;
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
	uint16_t rrset_count; /* one per type: zone_build.c refuses a name with more than 65535 */
	uint16_t flags;       /* ZG_NAME_*; 16 bytes a name, a TLD has millions */
} zg_name_t;

/* Names zg_zone_apply_diff() copied from its base as they were: names [name, name + count)
 * here are base's [base_name, ...), their RRSIGs [sig, sig + nsigs) base's [base_sig, ...). */
typedef struct {
	uint32_t base_name, name, count;
	uint32_t base_sig, sig, nsigs;
} zg_copy_run_t;

/* A name zg_zone_apply_diff() regrouped (name here, base_name in base; ZG_NONE: new) or a name
 * of base it removed (name ZG_NONE), in canonical order. */
typedef struct {
	uint32_t name, base_name;
} zg_regrouped_t;

struct zg_zone {
	uint64_t id; /* unique in this process (zg_zone_new_id()) */
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
	/* zg_zone_apply_diff(): arenas of the base versions whose records this zone shares */
	zg_arena_t **shared;
	uint32_t nshared;
	/* zg_zone_apply_diff() with no cut or DNAME come or gone (every other name's flags as in
	 * base): base's id, and what it kept and changed, for the memo's map (memo.c); 0: none */
	uint64_t base_id;
	zg_copy_run_t *runs;
	uint32_t nruns;
	zg_regrouped_t *regrouped;
	uint32_t nregrouped;
};

/*! \brief A new zone's id: never 0, never one given before in this process. */
uint64_t zg_zone_new_id(void);
/*! \brief z was made by zg_zone_apply_diff() from base (NULL: no) and holds its runs. */
bool zg_zone_made_from(const zg_zone_t *z, const zg_zone_t *base);

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

/*! \brief Canonical record order: owner (sort key), grouping type, data before RRSIGs, RDATA. */
int zg_raw_order(const zg_raw_rr_t *a, const zg_raw_rr_t *b);
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
/*! \brief Index of the name that holds the RRset (binary search: for reports, not loops). */
uint32_t zg_rrset_name(const zg_zone_t *zone, const zg_rrset_t *set);
/*! \brief In a walk over the RRsets: the name that holds RRset `set`, at or after `name`. */
static inline uint32_t zg_rrset_name_from(const zg_zone_t *zone, uint32_t name, uint32_t set)
{
	while (set >= zone->names[name].rrset_first + zone->names[name].rrset_count) {
		name++;
	}
	return name;
}
/*! \brief TTL of the RRset: that of its first RR, or of its first RRSIG if it has no RR. */
static inline uint32_t zg_rrset_ttl(const zg_zone_t *zone, const zg_rrset_t *set)
{
	return set->rr_count > 0   ? zone->rrs[set->rr_first].ttl
	       : set->sig_count > 0 ? zone->sigs[set->sig_first].ttl
	                            : 0;
}
