/* report.c -- aggregate findings (capped per id), counts, keys and diagnosis for the renderers. */
#include <stdlib.h>
#include <string.h>
#include "verifier/arena.h"
#include "verifier/internal/vctx.h"
#include "verifier/report.h"

struct zg_report {
	zg_policy_t policy;
	zg_sink_t *extra;
	zg_report_meta_t meta;
	zg_counts_t counts;
	zg_report_group_t group[ZG_F_COUNT]; /* by id */
	zg_finding_t *examples[ZG_F_COUNT];
	zg_report_group_t view[ZG_F_COUNT];  /* occurred ids, catalogue order */
	size_t nview;
	zg_report_key_t *keys;
	size_t nkeys;
	zg_diag_group_t *diag;
	size_t ndiag, capdiag;
};

zg_report_t *zg_report_new(const zg_policy_t *policy, zg_sink_t *extra)
{
	zg_report_t *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return NULL;
	}
	r->policy = policy ? *policy : zg_policy_default();
	r->extra = extra;
	for (unsigned i = 0; i < ZG_F_COUNT; i++) {
		r->group[i].id = (zg_finding_id_t)i;
	}
	return r;
}

static void free_example(zg_finding_t *f)
{
	free((char *)f->owner);
	free((char *)f->reason);
}

void zg_report_free(zg_report_t *rep)
{
	if (rep == NULL) {
		return;
	}
	for (unsigned i = 0; i < ZG_F_COUNT; i++) {
		for (size_t k = 0; k < rep->group[i].nexamples; k++) {
			free_example(&rep->examples[i][k]);
		}
		free(rep->examples[i]);
	}
	free(rep->keys);
	free(rep->diag);
	free(rep);
}

static void rebuild_view(zg_report_t *r)
{
	r->nview = 0;
	for (unsigned i = 0; i < ZG_F_COUNT; i++) {
		if (r->group[i].total > 0) {
			r->view[r->nview++] = r->group[i];
		}
	}
}

static void keep_example(zg_report_t *r, const zg_finding_t *f)
{
	zg_report_group_t *g = &r->group[f->id];
	if (g->nexamples >= r->policy.max_examples) {
		return;
	}
	if (r->examples[f->id] == NULL) {
		r->examples[f->id] = calloc(r->policy.max_examples, sizeof(zg_finding_t));
		if (r->examples[f->id] == NULL) {
			return; /* the count still holds; only the example is lost */
		}
	}
	zg_finding_t copy = *f;
	copy.owner = f->owner ? strdup(f->owner) : NULL;
	copy.reason = f->reason ? strdup(f->reason) : NULL;
	r->examples[f->id][g->nexamples++] = copy;
	g->examples = r->examples[f->id];
}

void zg_report_add(zg_report_t *r, const zg_finding_t *f)
{
	if ((unsigned)f->id >= ZG_F_COUNT) {
		return;
	}
	zg_report_group_t *g = &r->group[f->id];
	if (g->total == 0 || f->severity > g->severity) {
		g->severity = f->severity;
	}
	g->total++;
	r->counts.findings[f->severity]++;
	keep_example(r, f);
	rebuild_view(r);
	if (r->extra != NULL && r->extra->finding != NULL) {
		r->extra->finding(r->extra, f);
	}
}

void zg_report_merge(zg_report_t *dst, const zg_report_t *src)
{
	for (unsigned i = 0; i < ZG_F_COUNT; i++) {
		const zg_report_group_t *s = &src->group[i];
		zg_report_group_t *d = &dst->group[i];
		if (s->total == 0) {
			continue;
		}
		for (size_t k = 0; k < s->nexamples; k++) {
			keep_example(dst, &s->examples[k]); /* first examples in batch order */
		}
		if (d->total == 0 || s->severity > d->severity) {
			d->severity = s->severity;
		}
		d->total += s->total;
	}
	zg_report_add_counts(dst, &src->counts);
	rebuild_view(dst);
}

void zg_report_add_counts(zg_report_t *dst, const zg_counts_t *c)
{
	uint64_t *dc = (uint64_t *)&dst->counts;
	const uint64_t *sc = (const uint64_t *)c;
	for (size_t k = 0; k < sizeof(zg_counts_t) / sizeof(uint64_t); k++) {
		dc[k] += sc[k];
	}
}

zg_report_meta_t *zg_report_meta_mut(zg_report_t *rep)
{
	return &rep->meta;
}

zg_counts_t *zg_report_counts_mut(zg_report_t *rep)
{
	return &rep->counts;
}

zg_err_t zg_report_set_keys(zg_report_t *rep, const zg_key_t *keys, size_t n)
{
	free(rep->keys);
	rep->keys = n ? calloc(n, sizeof(*rep->keys)) : NULL;
	if (n && rep->keys == NULL) {
		return ZG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const zg_key_t *k = &keys[i];
		rep->keys[i] = (zg_report_key_t){ .tag = k->tag, .flags = k->flags,
			.algorithm = k->algorithm, .bits = k->pk ? zg_pubkey_bits(k->pk) : 0,
			.ds_matched = k->ds_matched, .signatures = k->sigs, .valid = k->valid,
			.bogus = k->bogus, .has_expiration = k->has_exp,
			.earliest_expiration = k->earliest_exp };
	}
	rep->nkeys = n;
	return ZG_EOK;
}

zg_diag_group_t *zg_report_diag_add(zg_report_t *rep)
{
	if (zg_array_reserve(&rep->diag, &rep->capdiag, rep->ndiag, sizeof(zg_diag_group_t), 4) !=
	    ZG_EOK) {
		return NULL;
	}
	zg_diag_group_t *g = &rep->diag[rep->ndiag++];
	memset(g, 0, sizeof(*g));
	return g;
}

zg_verdict_t zg_report_verdict(const zg_report_t *rep)
{
	return rep->counts.findings[ZG_SEV_ERROR] > 0 ? ZG_VERDICT_BLOCKED : ZG_VERDICT_PASS;
}

const zg_report_meta_t *zg_report_meta(const zg_report_t *rep)
{
	return &rep->meta;
}

const zg_counts_t *zg_report_counts(const zg_report_t *rep)
{
	return &rep->counts;
}

size_t zg_report_groups(const zg_report_t *rep, const zg_report_group_t **groups)
{
	*groups = rep->view;
	return rep->nview;
}

size_t zg_report_keys(const zg_report_t *rep, const zg_report_key_t **keys)
{
	*keys = rep->keys;
	return rep->nkeys;
}

size_t zg_report_diagnosis(const zg_report_t *rep, const zg_diag_group_t **groups)
{
	*groups = rep->diag;
	return rep->ndiag;
}

uint64_t zg_report_count(const zg_report_t *rep, zg_finding_id_t id)
{
	return (unsigned)id < ZG_F_COUNT ? rep->group[id].total : 0;
}
