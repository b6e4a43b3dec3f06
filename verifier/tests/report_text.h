/* report_text.h -- for the verifier's tests: a fixture loaded by its path under fixtures/
 * (ZG_FIXTURES overrides), and everything a run reports as text (each finding through a sink,
 * then the counts, keys and diagnosis), so two runs compare with one strcmp(). Include after
 * <cmocka.h>. */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "verifier/finding.h"
#include "verifier/report.h"
#include "verifier/zone.h"

static inline zg_zone_t *load(const char *rel)
{
	const char *dir = getenv("ZG_FIXTURES");
	char path[4096], msg[ZG_ERRMSG_LEN] = "";
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "fixtures", rel);
	zg_zone_t *z = NULL;
	if (zg_zone_load(path, NULL, &z, msg, sizeof(msg)) != ZG_EOK) {
		fail_msg("cannot load %s: %s", path, msg);
	}
	return z;
}

/* ---- a text dump of everything a run reports ---- */

typedef struct {
	zg_sink_t base;
	char *buf;
	size_t len, cap;
} text_sink_t;

static inline void put(text_sink_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void put(text_sink_t *t, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
		assert_non_null(t->buf);
	}
	memcpy(t->buf + t->len, line, (size_t)n + 1);
	t->len += (size_t)n;
}

static inline void on_finding(zg_sink_t *s, const zg_finding_t *f)
{
	put((text_sink_t *)s, "%s %d %s %u %u/%u %s\n", zg_finding_name(f->id), f->severity,
	    f->owner, f->rrtype, f->keytag, f->algorithm, f->reason ? f->reason : "");
}

static inline void dump_report(text_sink_t *t, const zg_report_t *rep)
{
	const zg_counts_t *c = zg_report_counts(rep);
	put(t, "verdict %d counts %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu\n",
	    zg_report_verdict(rep), c->names, c->rrsets, c->rrs, c->delegations,
	    c->secure_delegations, c->rrsets_authoritative, c->rrsigs, c->rrsigs_verified,
	    c->rrsigs_valid, c->rrsigs_bogus, c->nsec, c->nsec3, c->nsec3_matched, c->nsec3_optout);
	const zg_report_key_t *k = NULL;
	size_t nk = zg_report_keys(rep, &k);
	for (size_t i = 0; i < nk; i++) {
		put(t, "key %u %u %u sigs %lu valid %lu bogus %lu exp %u\n", k[i].tag, k[i].algorithm,
		    k[i].bits, k[i].signatures, k[i].valid, k[i].bogus, k[i].earliest_expiration);
	}
	const zg_diag_group_t *g = NULL;
	size_t ng = zg_report_diagnosis(rep, &g);
	for (size_t i = 0; i < ng; i++) {
		put(t, "diag %u/%u pub %u sigs %lu bogus %lu unattributed %lu makers %zu\n", g[i].tag,
		    g[i].algorithm, g[i].published, g[i].signatures, g[i].bogus, g[i].unattributed,
		    g[i].nmakers);
	}
}

