/* render_text.c -- the human report: verdict first, counts, diagnosis, findings, keys. */
#include <inttypes.h>
#include <time.h>
#include <libknot/descriptor.h>
#include "gates/cli/cli.h"

const char *cli_time_str(uint64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		snprintf(buf, size, "%" PRIu64, t);
	}
	return buf;
}

void cli_diag_sentence(const zg_diag_group_t *g, char *buf, size_t size)
{
	size_t same = 0;
	for (size_t i = 0; i < g->nmakers; i++) {
		same += g->makers[i].tag == g->tag;
	}
	int n = snprintf(buf, size,
	                 "key tag %u (alg %u): %u key%s published, %" PRIu64 " signatures, %" PRIu64
	                 " bogus; bogus ones were made by %zu other key%s with the same tag",
	                 g->tag, g->algorithm, g->published, g->published == 1 ? "" : "s",
	                 g->signatures, g->bogus, same, same == 1 ? "" : "s");
	if (n > 0 && (size_t)n < size && g->unattributed > 0) {
		snprintf(buf + n, size - (size_t)n, " (%" PRIu64 " not attributed to any key)",
		         g->unattributed);
	}
}

static void render_diag(const zg_report_t *rep, FILE *out)
{
	const zg_diag_group_t *d;
	size_t n = zg_report_diagnosis(rep, &d);
	if (n == 0) {
		return;
	}
	fprintf(out, "\ndiagnosis (bogus signatures by algorithm and key tag):\n");
	for (size_t i = 0; i < n; i++) {
		char line[512];
		cli_diag_sentence(&d[i], line, sizeof(line));
		fprintf(out, "  %s\n", line);
		if (d[i].nsec3_among_bogus) {
			fprintf(out, "    NSEC/NSEC3 signatures are among the bogus ones: denial of "
			             "existence fails too\n");
		}
		for (size_t k = 0; k < d[i].nmakers; k++) {
			const zg_diag_maker_t *m = &d[i].makers[k];
			fprintf(out, "    key %u made %" PRIu64 " (%s): %.24s...\n", m->tag,
			        m->signatures, m->source, m->key_b64);
		}
	}
}

static void render_group(const zg_report_group_t *g, FILE *out)
{
	fprintf(out, "  %s (%s) x%" PRIu64 ": %s\n", zg_finding_name(g->id),
	        zg_severity_name(g->severity), g->total, zg_finding_title(g->id));
	for (size_t k = 0; k < g->nexamples; k++) {
		const zg_finding_t *f = &g->examples[k];
		char tb[32] = "";
		if (f->rrtype != 0 && knot_rrtype_to_string(f->rrtype, tb, sizeof(tb)) < 0) {
			snprintf(tb, sizeof(tb), "TYPE%u", f->rrtype);
		}
		fprintf(out, "    %s %s: %s\n", f->owner ? f->owner : ".", tb,
		        f->reason ? f->reason : "");
	}
	if (g->total > g->nexamples) {
		fprintf(out, "    ... and %" PRIu64 " more\n", g->total - g->nexamples);
	}
}

static void render_keys(const zg_report_t *rep, FILE *out)
{
	const zg_report_key_t *k;
	size_t n = zg_report_keys(rep, &k);
	fprintf(out, "\nkeys (apex DNSKEY set):\n");
	for (size_t i = 0; i < n; i++) {
		char tb[32] = "-";
		if (k[i].has_expiration) {
			cli_time_str(k[i].earliest_expiration, tb, sizeof(tb));
		}
		fprintf(out, "  tag %5u alg %2u flags %3u %-3s %4u bits: %" PRIu64 " signatures, %" PRIu64
		        " valid, %" PRIu64 " bogus, earliest expiration %s%s\n", k[i].tag,
		        k[i].algorithm, k[i].flags, (k[i].flags & 1) ? "KSK" : "ZSK", k[i].bits,
		        k[i].signatures, k[i].valid, k[i].bogus, tb, k[i].ds_matched ? ", DS" : "");
	}
}

void cli_render_text(const zg_report_t *rep, FILE *out)
{
	const zg_report_meta_t *m = zg_report_meta(rep);
	const zg_counts_t *c = zg_report_counts(rep);
	char tb[32];
	fprintf(out, "%s: zone %s serial %" PRIu32 " in %s: %" PRIu64 " errors, %" PRIu64
	        " warnings, %" PRIu64 " notices\n",
	        zg_report_verdict(rep) == ZG_VERDICT_PASS ? "PASS" : "BLOCKED", m->zone,
	        m->has_serial ? m->serial : 0, m->path, c->findings[ZG_SEV_ERROR],
	        c->findings[ZG_SEV_WARNING], c->findings[ZG_SEV_NOTICE]);
	fprintf(out, "evaluated at %s%s\n", cli_time_str(m->evaluated_at, tb, sizeof(tb)),
	        m->cross_checked ? ", every signature cross-checked with libdnssec" : "");
	fprintf(out, "counts: %" PRIu64 " names, %" PRIu64 " RRsets (%" PRIu64 " authoritative), %"
	        PRIu64 " delegations (%" PRIu64 " with DS), %" PRIu64 " RRSIGs: %" PRIu64
	        " verified, %" PRIu64 " valid, %" PRIu64 " bogus\n",
	        c->names, c->rrsets, c->rrsets_authoritative, c->delegations,
	        c->secure_delegations, c->rrsigs, c->rrsigs_verified, c->rrsigs_valid,
	        c->rrsigs_bogus);
	if (c->nsec > 0 || c->nsec3 > 0) {
		fprintf(out, "denial: %" PRIu64 " NSEC, %" PRIu64 " NSEC3 (%" PRIu64 " names and ENTs "
		        "matched, %" PRIu64 " insecure delegations under opt-out)\n", c->nsec, c->nsec3,
		        c->nsec3_matched, c->nsec3_optout);
	}
	const zg_report_group_t *g;
	size_t n = zg_report_groups(rep, &g);
	fprintf(out, "by id:");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, " %s=%" PRIu64, zg_finding_name(g[i].id), g[i].total);
	}
	fprintf(out, n ? "\n" : " none\n");
	render_diag(rep, out);
	if (n > 0) {
		fprintf(out, "\nfindings:\n");
	}
	for (size_t i = 0; i < n; i++) {
		render_group(&g[i], out);
	}
	render_keys(rep, out);
}
