/* gate_ixfr.c -- IXFR (RFC 1995) applied to the last good version: the base is zone-file text
 * written by this gate (one RR per line, knot_rrset_txt_dump), so deletions match lines exactly;
 * anything that does not match means "transfer the whole zone instead". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gates/xfr/gate_xfr.h"

typedef struct {
	char **line;
	bool *gone;
	size_t n, cap;
} lines_t;

typedef struct {
	lines_t base;       /* the last good version */
	size_t *order;      /* base indexes sorted by text, for lookups */
	lines_t add;        /* added lines, in order */
	char *txt;
	size_t txtlen;
	uint32_t base_serial, serial;
	size_t nrr;
	bool adding;        /* inside the additions of a delta */
	bool full;          /* the signer answered with a whole zone (AXFR style) */
	size_t soa_idx;     /* the latest added SOA */
} ixfr_t;

static int push(lines_t *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		char **nl = realloc(l->line, cap * sizeof(*nl));
		bool *ng = nl == NULL ? NULL : realloc(l->gone, cap * sizeof(*ng));
		if (nl != NULL) {
			l->line = nl;
		}
		if (ng == NULL) {
			return -1;
		}
		l->gone = ng;
		l->cap = cap;
	}
	l->line[l->n] = strdup(s);
	l->gone[l->n] = false;
	return l->line[l->n++] == NULL ? -1 : 0;
}

static void lines_free(lines_t *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->line[i]);
	}
	free(l->line);
	free(l->gone);
}

static const lines_t *g_sort_base; /* qsort has no context argument */

static int by_text(const void *a, const void *b)
{
	return strcmp(g_sort_base->line[*(const size_t *)a], g_sort_base->line[*(const size_t *)b]);
}

static int load_base(ixfr_t *x, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int rc = f == NULL ? -1 : 0;
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		rc = push(&x->base, line);
	}
	free(line);
	if (f != NULL) {
		fclose(f);
	}
	x->order = rc == 0 ? malloc((x->base.n ? x->base.n : 1) * sizeof(size_t)) : NULL;
	if (x->order == NULL) {
		return -1;
	}
	for (size_t i = 0; i < x->base.n; i++) {
		x->order[i] = i;
	}
	g_sort_base = &x->base;
	qsort(x->order, x->base.n, sizeof(size_t), by_text);
	return 0;
}

/* Delete one RR: from the base (first live copy) or from what an earlier delta added. */
static int delete_line(ixfr_t *x, const char *s)
{
	size_t lo = 0, hi = x->base.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(x->base.line[x->order[mid]], s) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	for (; lo < x->base.n && strcmp(x->base.line[x->order[lo]], s) == 0; lo++) {
		if (!x->base.gone[x->order[lo]]) {
			x->base.gone[x->order[lo]] = true;
			return 0;
		}
	}
	for (size_t i = 0; i < x->add.n; i++) {
		if (!x->add.gone[i] && strcmp(x->add.line[i], s) == 0) {
			x->add.gone[i] = true;
			return 0;
		}
	}
	return -1;
}

/* The answer's records: SOA(new) [SOA(old) dels... SOA(new) adds...]... SOA(new). */
static int ixfr_rr(void *ctx, const knot_rrset_t *rr, char *err, size_t errlen)
{
	ixfr_t *x = ctx;
	bool soa = rr->type == KNOT_RRTYPE_SOA;
	uint32_t s = soa ? knot_soa_serial(rr->rrs.rdata) : 0;
	if (x->nrr++ == 0) {
		x->serial = s;
		x->adding = true; /* so that the first old SOA opens the deletions */
		if (!soa || s == x->base_serial) {
			snprintf(err, errlen, soa ? "already at serial %u" : "no leading SOA", s);
			return -1;
		}
		return 0;
	}
	if (x->nrr == 2 && (!soa || s != x->base_serial)) {
		x->full = true; /* AXFR-style answer */
		snprintf(err, errlen, "the signer sent the whole zone");
		return -1;
	}
	if (soa && x->adding && s == x->serial) {
		return 1; /* closing SOA */
	}
	if (soa) {
		x->adding = !x->adding || s != x->serial ? !x->adding : x->adding;
	}
	if (knot_rrset_txt_dump(rr, &x->txt, &x->txtlen, &KNOT_DUMP_STYLE_DEFAULT) < 0) {
		snprintf(err, errlen, "cannot render a record");
		return -1;
	}
	if (x->adding) {
		if (soa) {
			x->soa_idx = x->add.n;
		}
		return push(&x->add, x->txt) == 0 ? 0 : -1;
	}
	if (delete_line(x, x->txt) != 0) {
		x->full = true;
		snprintf(err, errlen, "the diff deletes a record the last good version lacks");
		return -1;
	}
	return 0;
}

/* The new version: its SOA first, the surviving base lines, the surviving additions. */
static int write_result(const ixfr_t *x, const char *path)
{
	char tmp[GATE_PATH_MAX + 32];
	snprintf(tmp, sizeof(tmp), "%s.part", path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		return -1;
	}
	int bad = x->soa_idx >= x->add.n || x->add.gone[x->soa_idx] ||
	          fputs(x->add.line[x->soa_idx], f) < 0;
	for (size_t i = 0; !bad && i < x->base.n; i++) {
		bad = !x->base.gone[i] && fputs(x->base.line[i], f) < 0;
	}
	for (size_t i = 0; !bad && i < x->add.n; i++) {
		bad = i != x->soa_idx && !x->add.gone[i] && fputs(x->add.line[i], f) < 0;
	}
	bad = bad || fflush(f) != 0 || fsync(fileno(f)) != 0; /* on disk before the rename */
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int gate_ixfr(const gate_zone_t *z, const char *base, uint32_t base_serial, const char *path,
              uint32_t *serial, char *err, size_t errlen)
{
	ixfr_t x = { .base_serial = base_serial, .txtlen = 4096, .soa_idx = SIZE_MAX };
	x.txt = malloc(x.txtlen);
	int rc = -1;
	if (x.txt == NULL || load_base(&x, base) != 0) {
		snprintf(err, errlen, "cannot read the last good version %s: %s", base,
		         strerror(errno));
		rc = 1;
	} else if ((rc = gate_dns_xfr(z, KNOT_RRTYPE_IXFR, base_serial, ixfr_rr, &x, err,
	                              errlen)) != 0) {
		rc = rc == GATE_XFR_EAUTH ? rc : (x.full ? 1 : -1);
	} else if (write_result(&x, path) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	} else {
		rc = 0;
	}
	*serial = x.serial;
	lines_free(&x.base);
	lines_free(&x.add);
	free(x.order);
	free(x.txt);
	return rc;
}
