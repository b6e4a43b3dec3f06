/* vctx.h -- state shared by the check modules during one zg_verify() run. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "verifier/crypto.h"
#include "verifier/internal/zone_model.h"
#include "verifier/report.h"
#include "verifier/rrsig.h"
#include "verifier/verify.h"

/* A DNSKEY: published at the apex, or a candidate used only for attribution. */
typedef struct {
	const uint8_t *rdata;
	uint16_t rdlen;
	uint16_t flags;
	uint8_t protocol;
	uint8_t algorithm;
	uint16_t tag;
	uint32_t line;
	const char *source;     /* candidates from opts->extra_keys: their label */
	zg_pubkey_t *pk;        /* NULL if unsupported or malformed */
	bool zone_key;          /* flags bit 7 and protocol 3 */
	bool ds_matched;
	bool signs_dnskey;      /* made a valid RRSIG over the DNSKEY RRset */
	bool in_prev;           /* published long enough: in --prev's DNSKEY set, or per history */
	uint64_t sigs, valid, bogus;
	bool has_exp;
	uint32_t earliest_exp;
} zg_key_t;

typedef struct zg_diag zg_diag_t;

typedef struct {
	uint32_t name;
	uint8_t hash[20];
} zg_denial_plus_t;

/* The caller's sink behind one mutex: findings and progress come from several threads. */
typedef struct {
	zg_sink_t sink;   /* forwards findings to user under lock */
	zg_sink_t *user;
	pthread_mutex_t lock;
} zg_locked_sink_t;

typedef struct zg_vctx {
	const zg_zone_t *zone;
	const zg_verify_opts_t *opts;
	zg_policy_t policy;
	zg_report_t *report;
	zg_locked_sink_t *locked; /* opts->sink behind a mutex (NULL: none): give it to reports */
	uint32_t now;          /* evaluation time as a 32-bit serial-arithmetic time */
	zg_key_t *keys;        /* apex DNSKEY RRset */
	size_t nkeys;
	zg_key_t *cands;       /* --candidate-keys */
	size_t ncands;
	bool skip_sigs;        /* no usable DNSKEY: signature checks cannot run */
	bool prev_signed;      /* rollover checks: --prev with an apex DNSKEY set, or a key history */
	zg_dynbuf_t buf;       /* signed-data scratch */
	uint16_t *bm_types;    /* bitmap decode scratch, ZG_BITMAP_MAX_TYPES entries */
	zg_err_t fatal;        /* first could-not-verify error */
	/* incremental runs (memo.c): reuse of an earlier run's verdicts and hashes */
	const zg_memo_t *memo_in;  /* NULL unless usable: same DNSKEY set, no cross-check */
	zg_memo_t *memo_out;
	uint32_t *sig_from;        /* zone sig -> memo_in sig whose verdict holds here, or ZG_NONE */
	uint32_t *name_from;       /* zone name -> memo_in name with the same owner, or ZG_NONE */
	uint64_t memo_hits, memo_misses; /* signatures, per batch, summed by rrsig_batch.c */
	bool memo_hash_ok;         /* memo_in's NSEC3 hashes were made with this run's parameters */
	bool denial_same;          /* the NSEC/NSEC3 checks would find what they found for
	                            * memo_base (memo.c, memo_denial.c) */
	bool denial_shifted;       /* ... but names came or went: indices differ */
	int64_t denial_optout_delta;  /* delegations left to opt-out that came, less those gone */
	zg_denial_plus_t *denial_plus; /* the delegations that came, with their NSEC3 hashes */
	size_t ndenial_plus;
	struct zg_denial_rec *denial_rec; /* the NSEC/NSEC3 checks' recorder (their own ctx) */
} zg_vctx_t;

#define ZG_OWNER_NONE UINT32_MAX

/*! Emit a finding about `name` (index, or ZG_OWNER_NONE) through the report. */
void zg_emit(zg_vctx_t *ctx, zg_finding_id_t id, uint32_t name, uint16_t type,
             const zg_key_t *key, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/*! Same, emitted at a severity other than the catalogue default (before policy). */
void zg_emit_sev(zg_vctx_t *ctx, zg_finding_id_t id, zg_severity_t sev, uint32_t name,
                 uint16_t type, const zg_key_t *key, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/*! Same, with a wire owner name that is not in the zone model. */
void zg_emit_owner(zg_vctx_t *ctx, zg_finding_id_t id, const uint8_t *owner, uint16_t type,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* RFC 1982 comparison of 32-bit times: <0 a before b. The only place RRSIG times compare. */
static inline int32_t zg_serial_cmp(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* check modules (run in this order by verify.c) */
void zg_check_zone(zg_vctx_t *ctx);      /* check_zone.c: origin, ttl, occluded, serial, delta, content */
void zg_check_content(zg_vctx_t *ctx);   /* check_content.c: zone.content-changed (--unsigned) */
void zg_check_keys(zg_vctx_t *ctx);      /* check_keys.c: dnskey.*, cds.* */
void zg_check_rrsigs(zg_vctx_t *ctx);    /* rrsig_batch.c: check_rrsig.c over batches, threads */
/* check_rrsig.c: rrsig.*, crypto, dnskey.revoked-signer for RRsets [first, last) */
void zg_rrsig_range(zg_vctx_t *ctx, zg_diag_t *diag, uint32_t first, uint32_t last);
void zg_check_ds(zg_vctx_t *ctx);        /* check_ds.c: ds.* (after rrsigs: needs signs_dnskey) */
/* shared by check_keys.c and check_ds.c: DS/CDS RDATA matches the key (tag, alg, digest) */
bool zg_ds_matches(const uint8_t *owner, const zg_rr_t *ds, const zg_key_t *key);
void zg_check_zonemd(zg_vctx_t *ctx);
void zg_check_nsec(zg_vctx_t *ctx);      /* check_nsec.c: nsec.*, and dispatch to NSEC3 */
/* check_rollover.c: mark keys in_prev before the signature checks; rollover.* after them */
void zg_rollover_prepare(zg_vctx_t *ctx);
void zg_check_rollover(zg_vctx_t *ctx);
/* check_rollover.c: rollover.unpublished-signer for s at name index `name`, validly signed only
 * by new keys (key one) */
void zg_rollover_unpublished(zg_vctx_t *ctx, uint32_t name, const zg_rrset_t *s,
                             const zg_key_t *key);
/* check_rollover.c: no DS matches now, but one matched a key of the previous version */
bool zg_rollover_ds_orphaned(const zg_vctx_t *ctx, const zg_zone_t *dz, const zg_rrset_t *ds);
void zg_check_nsec3(zg_vctx_t *ctx);     /* check_nsec3.c: nsec3.* (RFC 5155) */
/* denial_task.c: zg_check_nsec() on its own thread beside the signature checks (threads > 1),
 * into its own report, merged by zg_denial_finish() where zg_check_nsec() would have run */
typedef struct zg_denial_task zg_denial_task_t;
zg_denial_task_t *zg_denial_start(zg_vctx_t *ctx); /* NULL: zg_denial_finish() runs it */
void zg_denial_finish(zg_vctx_t *ctx, zg_denial_task_t *task);

/* memo_denial.c: the NSEC/NSEC3 checks' findings and counts recorded into memo_out (through a
 * sink that forwards to the caller's), or replayed from memo_in when memo.c found nothing they
 * read changed (ctx->denial_same) */
typedef struct zg_denial_rec zg_denial_rec_t;
zg_denial_rec_t *zg_memo_denial_begin(const zg_vctx_t *ctx, zg_sink_t *forward); /* NULL: none */
zg_sink_t *zg_denial_rec_sink(zg_denial_rec_t *r);
void zg_memo_denial_end(zg_vctx_t *ctx, zg_denial_rec_t *r, const zg_report_t *side,
                        zg_err_t fatal);
bool zg_memo_denial_reusable(const zg_vctx_t *ctx);
/* check_nsec3.c: the chain (entries of `stride` bytes, hash and opt-out flag at these offsets,
 * in hash order) kept with the recorded findings */
void zg_memo_denial_chain(zg_vctx_t *ctx, const void *entries, size_t stride, size_t hash_at,
                          size_t optout_at, size_t n);
/* memo.c: names of the new version plus[] and of the base minus[] have no counterpart; true if
 * the NSEC/NSEC3 checks' findings still hold (each one only moves the opt-out count) */
bool zg_memo_denial_delta(zg_vctx_t *ctx, const zg_zone_t *base, const uint32_t *plus,
                          size_t np, const uint32_t *minus, size_t nm);
bool zg_memo_denial_replay(zg_vctx_t *ctx); /* true: the run's report holds them */

/* memo.c: set up reuse (after the keys are loaded), and record the run's stats at the end */
zg_err_t zg_memo_begin(zg_vctx_t *ctx);
void zg_memo_end(zg_vctx_t *ctx);
/* the verdict of zone sig `sig` from memo_in: valid or bogus, by keys[*key] */
bool zg_memo_sig_get(const zg_vctx_t *ctx, uint32_t sig, bool *valid, size_t *key);
void zg_memo_sig_put(const zg_vctx_t *ctx, uint32_t sig, bool valid, size_t key);
/* NSEC3 hashes: zg_memo_hash_params() first, then per zone name */
void zg_memo_hash_params(zg_vctx_t *ctx, uint8_t alg, uint16_t iter, const uint8_t *salt,
                         uint8_t saltlen);
bool zg_memo_hash_get(zg_vctx_t *ctx, uint32_t name, uint8_t out[20]);
void zg_memo_hash_put(zg_vctx_t *ctx, uint32_t name, const uint8_t hash[20]);

#define ZG_MAX_NAME_TYPES 512
/* check_nsec.c: types an NSEC (nsec3 false) or NSEC3 bitmap must list for a name, ascending */
size_t zg_denial_types(const zg_zone_t *z, uint32_t name, bool nsec3, uint16_t *out);
/* check_nsec.c: compare a bitmap with the expected types; emits `id` with missing/extra types */
typedef struct {
	const char *what;     /* "NSEC", "NSEC3" */
	const uint8_t *owner; /* the name an NSEC3 is for (NULL: none named) */
	bool ent;             /* that name is an empty non-terminal */
} zg_bitmap_of_t;
void zg_check_bitmap(zg_vctx_t *ctx, zg_finding_id_t id, uint32_t at, const uint8_t *bm,
                     size_t len, const uint16_t *want, size_t nwant, const zg_bitmap_of_t *of);    /* zonemd.c: zonemd.* (RFC 8976) */

/* report internals used by verify.c and diagnosis.c */
zg_report_t *zg_report_new(const zg_policy_t *policy, zg_sink_t *extra);
zg_report_meta_t *zg_report_meta_mut(zg_report_t *rep);
zg_counts_t *zg_report_counts_mut(zg_report_t *rep);
void zg_report_add(zg_report_t *rep, const zg_finding_t *f);
zg_err_t zg_report_set_keys(zg_report_t *rep, const zg_key_t *keys, size_t n);
zg_diag_group_t *zg_report_diag_add(zg_report_t *rep);

/* diagnosis.c: collect bogus signatures during check_rrsig, summarise at the end */
zg_diag_t *zg_diag_new(void);
void zg_diag_free(zg_diag_t *d);
/* a signature claiming (alg, tag) was checked; bogus ones carry their signed data */
zg_err_t zg_diag_note(zg_vctx_t *ctx, zg_diag_t *d, const zg_rrsig_t *sig, bool bogus,
                      uint16_t covered, const uint8_t *data, size_t len);
zg_err_t zg_diag_finish(zg_vctx_t *ctx, zg_diag_t *d);
/* add src's tallies to dst (ncands: candidate keys of the run) */
zg_err_t zg_diag_merge(zg_diag_t *dst, const zg_diag_t *src, size_t ncands);
/* report.c: add src (a batch's findings and counts) to dst as if emitted there, in order */
void zg_report_merge(zg_report_t *dst, const zg_report_t *src);
/* report.c: add counts to dst's (findings[] included) */
void zg_report_add_counts(zg_report_t *dst, const zg_counts_t *c);
