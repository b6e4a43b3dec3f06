/* gate_status.c -- reading the gate's state: the daemon's view at start (served serial and its
 * earliest RRSIG expiration, last candidate, contact times, hold) and `zonegate gate status`. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include "gates/cli/cli.h"
#include "gates/xfr/gate_xfr.h"

typedef struct {
	bool found;
	int64_t serial, time, expires;
	char verdict[16];
	char text[512];
} row_t;

/* First row of sql bound to one optional integer: columns serial, time, expires, verdict, text. */
static int row(struct sqlite3 *db, const char *sql, const int64_t *param, row_t *r)
{
	sqlite3_stmt *st = NULL;
	memset(r, 0, sizeof(*r));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		return -1;
	}
	if (param != NULL) {
		sqlite3_bind_int64(st, 1, *param);
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->found = true;
		r->serial = sqlite3_column_int64(st, 0);
		r->time = sqlite3_column_int64(st, 1);
		r->expires = sqlite3_column_int64(st, 2);
		const unsigned char *v = sqlite3_column_text(st, 3), *t = sqlite3_column_text(st, 4);
		snprintf(r->verdict, sizeof(r->verdict), "%s", v ? (const char *)v : "");
		snprintf(r->text, sizeof(r->text), "%s", t ? (const char *)t : "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_SERVED[] =
	"SELECT serial, since, expires, '', '' FROM served WHERE id = 1";
static const char SQL_LAST[] =
	"SELECT serial, seen, expires, verdict, finding FROM versions ORDER BY id DESC LIMIT 1";
static const char SQL_PASSED[] = "SELECT serial, seen, expires, verdict, finding FROM versions "
	"WHERE serial = ? AND verdict = 'pass' ORDER BY id DESC LIMIT 1";
static const char SQL_BLOCKED[] =
	"SELECT serial, since, 0, state, finding FROM blocked WHERE serial = ?";

int gate_state_candidate(gate_zone_t *z, uint32_t serial, gate_cand_t *out)
{
	row_t r;
	const int64_t s = serial;
	memset(out, 0, sizeof(*out));
	if (row(z->db, SQL_BLOCKED, &s, &r) != 0) {
		return -1;
	}
	if (r.found) {
		snprintf(out->state, sizeof(out->state), "%s", r.verdict);
	}
	if (row(z->db, "SELECT serial, seen, expires, verdict, finding FROM versions WHERE serial = ?"
	        " ORDER BY id DESC LIMIT 1", &s, &r) != 0) {
		return -1;
	}
	out->seen = r.found;
	out->expires = r.expires;
	snprintf(out->verdict, sizeof(out->verdict), "%s", r.verdict);
	snprintf(out->finding, sizeof(out->finding), "%s", r.text);
	return 0;
}

static int64_t meta(struct sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			v = sqlite3_column_int64(st, 0);
		}
	}
	sqlite3_finalize(st);
	return v;
}

bool gate_state_is_blocked(gate_zone_t *z, uint32_t serial)
{
	row_t r;
	const int64_t s = serial;
	/* blocked or rejected: never transferred or handed over again */
	return row(z->db, SQL_BLOCKED, &s, &r) == 0 && r.found && strcmp(r.verdict, "approved") != 0;
}

/* The served serial comes from the distribution file; the database adds its expiration. */
void gate_state_sync_served(gate_zone_t *z)
{
	row_t r;
	if (!z->has_served || row(z->db, SQL_SERVED, NULL, &r) != 0) {
		return;
	}
	if (r.found && r.serial == z->served) {
		z->served_expires = r.expires;
		return;
	}
	const int64_t s = z->served;
	if (row(z->db, SQL_PASSED, &s, &r) == 0 && r.found) {
		z->served_expires = r.expires;
	}
	gate_log(LOG_NOTICE, z->origin, "state: recording serial %u (the distribution file) as served",
	         z->served);
	gate_state_served(z, z->served, z->served_expires, NULL, NULL, NULL);
}

int gate_state_load(gate_zone_t *z)
{
	row_t r;
	gate_state_sync_served(z);
	if (row(z->db, SQL_LAST, NULL, &r) != 0) {
		gate_log(LOG_ERR, z->origin, "state: cannot read: %s", sqlite3_errmsg(z->db));
		return -1;
	}
	/* a version that could not be verified is tried again */
	if (r.found && strcmp(r.verdict, "unverified") != 0) {
		z->has_candidate = true;
		z->candidate = (uint32_t)r.serial;
		z->candidate_verdict = strcmp(r.verdict, "pass") == 0 ? 0 : 1;
		z->candidate_expires = r.expires;
		if (gate_state_is_blocked(z, z->candidate)) {
			z->candidate_verdict = 1; /* a passing candidate rejected during a hold */
		}
	}
	z->last_contact = meta(z->db, "last_contact");
	z->last_new = meta(z->db, "last_new");
	z->hold = meta(z->db, "hold") != 0;
	if (gate_incident_open(z)) {
		gate_log(LOG_WARNING, z->origin, "open incident: serial %u blocked (%s), serving %u; it "
		         "is not transferred again", z->candidate, r.text, z->served);
	}
	return 0;
}

bool gate_incident_open(const gate_zone_t *z)
{
	return z->has_candidate && z->candidate_verdict == 1 &&
	       (!z->has_served || gate_serial_newer(z->candidate, z->served));
}

static void print_expiry(FILE *out, int64_t expires, int64_t now)
{
	char tb[64], db[64];
	if (expires <= 0) {
		fputs("  earliest RRSIG expiration: unknown\n", out);
		return;
	}
	gate_fmt_duration(expires - now, db, sizeof(db));
	fprintf(out, "  earliest RRSIG expiration: %s (%s %s)\n",
	        cli_time_str((uint64_t)expires, tb, sizeof(tb)), expires >= now ? "in" : "expired",
	        db);
}

/* What `gate status` shows of a zone, read once for both renderings. */
typedef struct {
	row_t served, last, blk;
	bool open; /* the last candidate is blocked (or rejected) and newer than the served one */
	bool hold;
} zstat_t;

static void gather(gate_zone_t *z, zstat_t *s)
{
	row(z->db, SQL_SERVED, NULL, &s->served);
	row(z->db, SQL_LAST, NULL, &s->last);
	s->open = s->last.found && row(z->db, SQL_BLOCKED, &s->last.serial, &s->blk) == 0 &&
	          s->blk.found && strcmp(s->blk.verdict, "approved") != 0 &&
	          (!s->served.found || gate_serial_newer((uint32_t)s->last.serial,
	                                                 (uint32_t)s->served.serial));
	s->hold = meta(z->db, "hold") != 0;
}

static void print_zone(FILE *out, gate_zone_t *z, const zstat_t *s)
{
	char tb[64];
	fprintf(out, "zone %s\n", z->origin);
	if (s->served.found) {
		fprintf(out, "  served serial: %lld\n", (long long)s->served.serial);
	} else {
		fputs("  served serial: none\n", out);
	}
	print_expiry(out, s->served.found ? s->served.expires : 0, gate_wall_now());
	if (s->last.found) {
		fprintf(out, "  last candidate: %lld %s%s%s\n", (long long)s->last.serial,
		        s->last.verdict, s->last.text[0] ? ": " : "", s->last.text);
	} else {
		fputs("  last candidate: none\n", out);
	}
	if (s->open) {
		fprintf(out, "  open incident: serial %lld %s since %s: %s\n", (long long)s->blk.serial,
		        s->blk.verdict, cli_time_str((uint64_t)s->blk.time, tb, sizeof(tb)), s->blk.text);
	} else {
		fputs("  open incident: none\n", out);
	}
	fprintf(out, "  hold: %s\n", s->hold ? "yes" : "no");
	gate_keys_print(z, out); /* the key history, one line per key */
}

static json_t *time_json(int64_t t)
{
	char tb[64];
	return t > 0 ? json_string(cli_time_str((uint64_t)t, tb, sizeof(tb))) : json_null();
}

static json_t *zone_json(gate_zone_t *z, const zstat_t *s)
{
	int64_t exp = s->served.found ? s->served.expires : 0;
	json_t *last = s->last.found
		? json_pack("{s:I, s:s, s:s}", "serial", (json_int_t)s->last.serial, "verdict",
		            s->last.verdict, "finding", s->last.text)
		: json_null();
	json_t *inc = s->open
		? json_pack("{s:I, s:s, s:o, s:s}", "serial", (json_int_t)s->blk.serial, "state",
		            s->blk.verdict, "since", time_json(s->blk.time), "finding", s->blk.text)
		: json_null();
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "zone", z->origin,
	                 "served_serial", s->served.found ? json_integer(s->served.serial)
	                                                  : json_null(),
	                 "earliest_expiration", time_json(exp), "expires_in_seconds",
	                 exp > 0 ? json_integer(exp - gate_wall_now()) : json_null(),
	                 "last_candidate", last, "open_incident", inc, "hold", s->hold, "keys",
	                 gate_keys_json(z));
}

int gate_status(const char *config_path, bool json, FILE *out)
{
	gate_conf_t conf;
	char err[1024];
	if (gate_conf_load(config_path, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "zonegate: gate status: %s\n", err);
		return 2;
	}
	int rc = 0;
	json_t *zones = json ? json_array() : NULL;
	for (size_t i = 0; i < conf.nzones; i++) {
		gate_zone_t *z = &conf.zones[i];
		zstat_t s;
		if (gate_state_open(z, GATE_STATE_READ, err, sizeof(err)) != 0) {
			fprintf(stderr, "zonegate: gate status: [%s] %s\n", z->origin, err);
			json_array_append_new(zones, json_pack("{s:s, s:s}", "zone", z->origin, "error",
			                                       err));
			rc = 2;
			continue;
		}
		gather(z, &s);
		if (json) {
			json_array_append_new(zones, zone_json(z, &s));
		} else {
			print_zone(out, z, &s);
		}
		gate_state_close(z);
	}
	if (json) {
		json_t *doc = json_pack("{s:s, s:o}", "schema", "zonegate-gate-status/1", "zones",
		                        zones);
		if (doc == NULL || json_dumpf(doc, out, JSON_INDENT(2)) != 0) {
			rc = 2;
		}
		fputc('\n', out);
		json_decref(doc);
	}
	gate_conf_free(&conf);
	return rc;
}
