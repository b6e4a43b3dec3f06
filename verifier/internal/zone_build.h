/* zone_build.h -- filling the zone model: record by record while parsing, or from raw records. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/internal/zone_model.h"

/*
 * Records arriving in canonical owner order (Knot's or ldns' output) are grouped one owner at a
 * time straight into the model's arrays: no array of raw records, no sort keys. The first owner
 * out of canonical order (BIND writes its secure delegations a little late and NSEC3 records
 * last) only marks the model shuffled: its names stay in file order, each owner's records
 * grouped, and are put in canonical order name by name at the end (zone_merge.c), with no
 * array of all the records and no sort of the whole zone. Raw records sorted in place remain
 * for zg_zone_build(). Either way the model is the same.
 */
typedef struct {
	zg_zone_t *z;
	size_t cap_names, cap_rrsets, cap_rrs, cap_sigs; /* the model's arrays (zg_arena_block) */
	bool shuffled;          /* owners out of canonical order: names in file order till the end */
	zg_raw_rr_t *run;       /* records of the current owner (zg_pages_resize) */
	size_t nrun, caprun;
	const uint8_t *owner;   /* the current owner's copy in z->arena */
	size_t olen;
	size_t count;           /* records added */
} zg_build_t;

void zg_build_init(zg_build_t *b, zg_zone_t *z);
/*!
 * \brief Add one record. owner: lowercased wire name of olen bytes (copied when it changes);
 *        rdata: canonical, owned by z->arena. gtype: the covered type for an RRSIG.
 */
zg_err_t zg_build_add(zg_build_t *b, const uint8_t *owner, size_t olen, uint16_t type,
                      uint16_t gtype, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
                      uint32_t line);
/*! \brief No more records: the model of b->z (its names in file order if b->shuffled). */
zg_err_t zg_build_end(zg_build_t *b);
/*! \brief Add `by` to the line of every record (ended builders). */
void zg_build_shift_lines(zg_build_t *b, uint64_t by);
/*! \brief End, and complete names, RRsets, RRs and RRSIGs (zg_zone_mark() still to do). */
zg_err_t zg_build_finish(zg_build_t *b);
void zg_build_deinit(zg_build_t *b);

/*! \brief zg_raw_order(), then line (file order): the order of zg_build_sort() (zone_sort.c). */
int zg_raw_cmp(const zg_raw_rr_t *a, const zg_raw_rr_t *b);
/*! \brief Sort raw records by zg_raw_cmp() in place; O(n) when they already are (zone_sort.c). */
void zg_build_sort(zg_raw_rr_t *raw, size_t n);
/*! \brief Names, RRsets, RRs and RRSIGs of raw records in zg_build_sort() order. */
zg_err_t zg_build_sorted(zg_zone_t *z, const zg_raw_rr_t *raw, size_t n);
/*!
 * \brief The model of all the records of ended builders parts[0..n) (in file order, each of its
 *        own zone) into z, which has none yet: their models appended when they follow in
 *        canonical order, else all records sorted. Each part's arena moves into z's; the parts
 *        are left empty, for zg_build_deinit() and freeing their zg_zone_t.
 */
zg_err_t zg_build_join(zg_zone_t *z, zg_build_t **parts, size_t n);
/* The model's arrays, for zone_join.c: capacities, growth, one name at a time. */
typedef struct {
	size_t names, rrsets, rrs, sigs;
} zg_caps_t;
/*! \brief Room for `names` more names and n more RRsets, RRs and RRSIGs. */
zg_err_t zg_model_reserve(zg_zone_t *z, zg_caps_t *c, size_t names, size_t n);
/*! \brief Give back the arrays' unused tails. */
void zg_model_shrink(zg_zone_t *z, zg_caps_t *c);
/*! \brief Free the arrays (the records' bytes stay in the arena). */
void zg_model_drop(zg_zone_t *z);
/*! \brief Append one name: r[0..n), its records in zg_raw_cmp() order (room reserved). */
zg_err_t zg_model_add_name(zg_zone_t *z, const zg_raw_rr_t *r, size_t n);
/*! \brief Records of names [from, nnames) in raw form appended to *raw; sort keys into keys
 *         (NULL: none). */
zg_err_t zg_model_to_raw(const zg_zone_t *z, uint32_t from, zg_arena_t *keys,
                         zg_raw_rr_t **raw, size_t *n, size_t *cap);
/*! \brief The names of models src[0..n) (each in file order, together the zone's names in
 *         file order) into z (no names yet) in canonical order, an owner met more than once
 *         regrouped; the sources' arrays are given back as they are consumed (zone_merge.c). */
zg_err_t zg_merge_names(zg_zone_t *z, const zg_zone_t *const *src, size_t n);
/*! \brief z's last name and name i of p are one owner: regroup their records as z's last. */
zg_err_t zg_model_merge_last(zg_zone_t *z, zg_caps_t *c, const zg_zone_t *p, uint32_t i);
/*! \brief Copy names [from, to) of p and what they hold behind z's (room reserved). */
void zg_model_copy(zg_zone_t *z, const zg_zone_t *p, uint32_t from, uint32_t to);
/*! \brief Append one record to a zg_pages_resize() array. */
zg_err_t zg_raw_push(zg_raw_rr_t **arr, size_t *n, size_t *cap, const zg_raw_rr_t *r);

/*! \brief Apex, cuts, occlusion, authoritative RRsets, SOA count (zone_model.c). */
void zg_zone_mark(zg_zone_t *z);
/*! \brief The same marks for name i alone (its ancestors looked up; flags set afresh). */
void zg_zone_mark_name(zg_zone_t *z, uint32_t i);
