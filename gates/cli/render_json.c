/* render_json.c -- the JSON report (schema: verifier/REPORT.md) with jansson. */
#include <jansson.h>
#include <libknot/descriptor.h>
#include "gates/cli/cli.h"

static json_t *type_json(uint16_t type)
{
	char tb[32];
	if (type == 0) {
		return json_null();
	}
	if (knot_rrtype_to_string(type, tb, sizeof(tb)) < 0) {
		snprintf(tb, sizeof(tb), "TYPE%u", type);
	}
	return json_string(tb);
}

static json_t *finding_json(const zg_finding_t *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(zg_finding_name(f->id)));
	json_object_set_new(o, "severity", json_string(zg_severity_name(f->severity)));
	json_object_set_new(o, "owner", f->owner ? json_string(f->owner) : json_null());
	json_object_set_new(o, "type", type_json(f->rrtype));
	json_object_set_new(o, "key_tag", f->has_key ? json_integer(f->keytag) : json_null());
	json_object_set_new(o, "algorithm", f->has_key ? json_integer(f->algorithm) : json_null());
	json_object_set_new(o, "reason", json_string(f->reason ? f->reason : ""));
	return o;
}

static void add_findings(const zg_report_t *rep, json_t *root)
{
	const zg_report_group_t *g;
	size_t n = zg_report_groups(rep, &g);
	json_t *list = json_array(), *totals = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_object();
		json_object_set_new(t, "id", json_string(zg_finding_name(g[i].id)));
		json_object_set_new(t, "severity", json_string(zg_severity_name(g[i].severity)));
		json_object_set_new(t, "total", json_integer((json_int_t)g[i].total));
		json_object_set_new(t, "shown", json_integer((json_int_t)g[i].nexamples));
		json_array_append_new(totals, t);
		for (size_t k = 0; k < g[i].nexamples; k++) {
			json_array_append_new(list, finding_json(&g[i].examples[k]));
		}
	}
	json_object_set_new(root, "findings", list);
	json_object_set_new(root, "totals", totals);
}

static json_t *counts_json(const zg_counts_t *c)
{
	json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	                 "names", (json_int_t)c->names, "rrsets", (json_int_t)c->rrsets,
	                 "rrsets_authoritative", (json_int_t)c->rrsets_authoritative,
	                 "rrs", (json_int_t)c->rrs, "delegations", (json_int_t)c->delegations,
	                 "secure_delegations", (json_int_t)c->secure_delegations,
	                 "rrsigs", (json_int_t)c->rrsigs,
	                 "rrsigs_verified", (json_int_t)c->rrsigs_verified,
	                 "rrsigs_valid", (json_int_t)c->rrsigs_valid,
	                 "rrsigs_bogus", (json_int_t)c->rrsigs_bogus,
	                 "errors", (json_int_t)c->findings[ZG_SEV_ERROR],
	                 "warnings", (json_int_t)c->findings[ZG_SEV_WARNING],
	                 "notices", (json_int_t)c->findings[ZG_SEV_NOTICE]);
	json_object_set_new(o, "nsec", json_integer((json_int_t)c->nsec));
	json_object_set_new(o, "nsec3", json_integer((json_int_t)c->nsec3));
	json_object_set_new(o, "nsec3_matched", json_integer((json_int_t)c->nsec3_matched));
	json_object_set_new(o, "nsec3_optout", json_integer((json_int_t)c->nsec3_optout));
	return o;
}

static json_t *keys_json(const zg_report_t *rep)
{
	const zg_report_key_t *k;
	size_t n = zg_report_keys(rep, &k);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		char tb[32];
		json_t *o = json_pack("{s:i,s:i,s:i,s:s,s:i,s:b,s:I,s:I,s:I}", "tag", k[i].tag,
		                      "algorithm", k[i].algorithm, "flags", k[i].flags, "role",
		                      (k[i].flags & 1) ? "KSK" : "ZSK", "bits", k[i].bits, "ds_matched",
		                      k[i].ds_matched, "signatures", (json_int_t)k[i].signatures,
		                      "valid", (json_int_t)k[i].valid, "bogus", (json_int_t)k[i].bogus);
		json_object_set_new(o, "earliest_expiration",
		                    k[i].has_expiration ? json_string(cli_time_str(
		                            k[i].earliest_expiration, tb, sizeof(tb)))
		                                        : json_null());
		json_array_append_new(list, o);
	}
	return list;
}

static json_t *diag_json(const zg_diag_group_t *g)
{
	char line[512];
	cli_diag_sentence(g, line, sizeof(line));
	json_t *makers = json_array();
	size_t same = 0;
	for (size_t i = 0; i < g->nmakers; i++) {
		const zg_diag_maker_t *m = &g->makers[i];
		same += m->tag == g->tag;
		json_array_append_new(makers, json_pack("{s:i,s:I,s:s,s:s}", "key_tag", m->tag,
		                                        "signatures", (json_int_t)m->signatures,
		                                        "public_key", m->key_b64, "source", m->source));
	}
	json_t *o = json_pack("{s:i,s:i,s:i,s:I,s:I,s:f,s:i,s:I,s:b,s:s}", "algorithm",
	                      g->algorithm, "key_tag", g->tag, "published", g->published,
	                      "signatures", (json_int_t)g->signatures, "bogus", (json_int_t)g->bogus,
	                      "bogus_share", g->signatures ? (double)g->bogus / (double)g->signatures
	                                                   : 0.0,
	                      "other_keys", (int)same, "unattributed", (json_int_t)g->unattributed,
	                      "nsec3_among_bogus", g->nsec3_among_bogus, "summary", line);
	json_object_set_new(o, "makers", makers);
	return o;
}

void cli_render_json(const zg_report_t *rep, FILE *out)
{
	const zg_report_meta_t *m = zg_report_meta(rep);
	char tb[32];
	json_t *root = json_object();
	json_object_set_new(root, "schema", json_string("zonegate-report/1"));
	json_object_set_new(root, "zone", json_string(m->zone));
	json_object_set_new(root, "serial", m->has_serial ? json_integer(m->serial) : json_null());
	json_object_set_new(root, "file", json_string(m->path));
	json_object_set_new(root, "evaluated_at",
	                    json_string(cli_time_str(m->evaluated_at, tb, sizeof(tb))));
	json_object_set_new(root, "verdict", json_string(zg_report_verdict(rep) == ZG_VERDICT_PASS
	                                                         ? "pass" : "blocked"));
	json_object_set_new(root, "ds_given", json_boolean(m->ds_given));
	json_object_set_new(root, "cross_checked", json_boolean(m->cross_checked));
	json_object_set_new(root, "counts", counts_json(zg_report_counts(rep)));
	add_findings(rep, root);
	json_object_set_new(root, "keys", keys_json(rep));
	const zg_diag_group_t *d;
	size_t n = zg_report_diagnosis(rep, &d);
	json_t *diag = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(diag, diag_json(&d[i]));
	}
	json_object_set_new(root, "diagnosis", diag);
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}

void cli_render_json_error(const char *path, const char *id, const char *msg, FILE *out)
{
	json_t *root = json_pack("{s:s,s:s,s:s,s:{s:s,s:s}}", "schema", "zonegate-report/1",
	                         "file", path ? path : "", "verdict", "unverified", "error", "id",
	                         id, "message", msg);
	if (root != NULL) {
		json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(root);
	}
}
