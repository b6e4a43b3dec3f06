/* gate_state.c -- the gate's state per zone: SQLite (WAL, one transaction per event) in
 * STATE_DIR/gate.db. Versions seen, the served serial, blocked serials, contact times and the
 * audit log survive restarts and kill -9. A corrupt, unreadable or (with a served version) missing
 * database is an error at start, never a silent fresh start. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gates/xfr/gate_xfr.h"

#define STATE_VERSION 1

static const char SCHEMA[] =
	"CREATE TABLE versions(id INTEGER PRIMARY KEY AUTOINCREMENT, serial INTEGER NOT NULL,"
	" seen INTEGER NOT NULL, verdict TEXT NOT NULL, report TEXT, expires INTEGER, finding TEXT);"
	"CREATE TABLE served(id INTEGER PRIMARY KEY CHECK (id = 1), serial INTEGER NOT NULL,"
	" since INTEGER NOT NULL, expires INTEGER);"
	"CREATE TABLE blocked(serial INTEGER PRIMARY KEY, since INTEGER NOT NULL, finding TEXT,"
	" state TEXT NOT NULL DEFAULT 'blocked');"
	"CREATE TABLE audit(id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL,"
	" user TEXT NOT NULL, action TEXT NOT NULL, serial INTEGER, reason TEXT, findings TEXT);"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER);"
	"PRAGMA user_version = 1;";

/* The key history (gate_keys.c): added to version-1 databases in place, so an existing gate.db
 * keeps working; filled from the served version on the next verification. */
static const char SCHEMA_KEYS[] =
	"CREATE TABLE IF NOT EXISTS keys(zone TEXT NOT NULL, algorithm INTEGER NOT NULL,"
	" keytag INTEGER NOT NULL, digest BLOB NOT NULL, first_published INTEGER NOT NULL,"
	" first_signing INTEGER NOT NULL DEFAULT 0, last_signing INTEGER NOT NULL DEFAULT 0,"
	" removed INTEGER NOT NULL DEFAULT 0, signing INTEGER NOT NULL DEFAULT 0,"
	" preexisting INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(zone, algorithm, keytag, digest));";

static const char *const VERDICT[] = { "pass", "blocked", "unverified" };

const char *gate_verdict_name(int verdict)
{
	return verdict >= 0 && verdict <= 2 ? VERDICT[verdict] : "unknown";
}

static int db_err(struct sqlite3 *db, const char *path, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "state database %s: %s: %s", path, what,
	         db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

/* One integer from a query (no parameters); -1 on error. */
static int query_int(struct sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The database is whole and ours: quick_check says ok, user_version is ours. */
static int db_check(struct sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
	}
	const char *txt = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (txt == NULL || strcmp(txt, "ok") != 0) {
		snprintf(err, errlen, "state database %s is corrupt or unreadable: %s", path,
		         txt ? txt : sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	int64_t v = 0;
	if (query_int(db, "PRAGMA user_version", &v) != 0 || v != STATE_VERSION) {
		snprintf(err, errlen, "state database %s is not a zonegate gate database (version %lld)",
		         path, (long long)v);
		return -1;
	}
	return 0;
}

static int db_create(struct sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_exec(db, SCHEMA, NULL, NULL, &msg);
	}
	if (rc == SQLITE_OK) {
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "state database %s: cannot create: %s", path,
		         msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int gate_state_open(gate_zone_t *z, int mode, char *err, size_t errlen)
{
	char path[GATE_PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/gate.db", z->state_dir);
	bool exists = access(path, F_OK) == 0;
	if (!exists && (mode == GATE_STATE_READ || (mode == GATE_STATE_RUN && z->has_served))) {
		snprintf(err, errlen, "state database %s is missing%s", path,
		         mode == GATE_STATE_READ ? "" : " while a version is served: refusing a fresh "
		         "start that would forget the history (start once with --init to adopt it)");
		return -1;
	}
	int flags = mode == GATE_STATE_READ ? SQLITE_OPEN_READONLY
	                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	struct sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		db_err(db, path, "cannot open", err, errlen);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	int rc = exists ? db_check(db, path, err, errlen) : db_create(db, path, err, errlen);
	if (rc == 0 && mode != GATE_STATE_READ &&
	    (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", NULL, NULL, NULL) !=
	     SQLITE_OK)) {
		rc = db_err(db, path, "cannot switch to WAL", err, errlen);
	}
	if (rc == 0 && mode != GATE_STATE_READ &&
	    sqlite3_exec(db, SCHEMA_KEYS, NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_err(db, path, "cannot add the key history", err, errlen);
	}
	if (rc != 0) {
		sqlite3_close(db);
		return -1;
	}
	z->db = db;
	return 0;
}

void gate_state_close(gate_zone_t *z)
{
	gate_keys_forget(z);
	if (z->db != NULL) {
		sqlite3_close(z->db);
		z->db = NULL;
	}
}

/* Run sql with the integer/text parameters given by fmt ('i' int64, 't' text). */
static int exec_params(struct sqlite3 *db, const char *sql, const char *fmt, const int64_t *iv,
                       const char *const *tv)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		return -1;
	}
	size_t ni = 0, nt = 0;
	for (int i = 0; fmt[i]; i++) {
		if (fmt[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, iv[ni++]);
		} else {
			sqlite3_bind_text(st, i + 1, tv[nt++], -1, SQLITE_TRANSIENT);
		}
	}
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int audit(struct sqlite3 *db, int64_t now, const char *user, const char *action,
                 uint32_t serial, const char *reason, const char *findings)
{
	const int64_t iv[] = { now, serial };
	const char *tv[] = { user, action, reason ? reason : "", findings ? findings : "" };
	return exec_params(db, "INSERT INTO audit(time, user, action, serial, reason, findings) "
	                   "VALUES(?, ?, ?, ?, ?, ?)", "ittitt", iv, tv);
}

static int finish(gate_zone_t *z, int rc, const char *what)
{
	if (rc == 0 && sqlite3_exec(z->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
		return 0;
	}
	gate_log(LOG_ERR, z->origin, "state: cannot record %s: %s", what, sqlite3_errmsg(z->db));
	sqlite3_exec(z->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int gate_state_version(gate_zone_t *z, uint32_t serial, int verdict, const char *report,
                       int64_t expires, const char *finding)
{
	int64_t now = gate_wall_now();
	int rc = sqlite3_exec(z->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	const int64_t vi[] = { serial, now, expires };
	const char *vt[] = { gate_verdict_name(verdict), report, finding ? finding : "" };
	if (rc == 0) {
		rc = exec_params(z->db, "INSERT INTO versions(serial, seen, verdict, report, expires, "
		                 "finding) VALUES(?, ?, ?, ?, ?, ?)", "iittit", vi, vt);
	}
	if (rc == 0 && verdict == 1) {
		rc = exec_params(z->db, "INSERT OR REPLACE INTO blocked(serial, since, finding) "
		                 "VALUES(?, ?, ?)", "iit", vi, &vt[2]);
	}
	if (rc == 0) {
		rc = audit(z->db, now, "gate", gate_verdict_name(verdict), serial, NULL, finding);
	}
	return finish(z, rc, "the version");
}

/* The served version's keys move the key history forward in the same transaction (only what
 * resolvers were served counts); keys that cannot be read leave the history as it was. */
int gate_state_served(gate_zone_t *z, uint32_t serial, int64_t expires, const char *user,
                      const char *reason, const char *findings)
{
	int64_t now = gate_wall_now();
	zg_key_seen_t *keys = NULL;
	size_t nkeys = 0;
	bool have_keys = gate_keys_of_served(z, serial, &keys, &nkeys) == 0;
	int rc = sqlite3_exec(z->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	const int64_t iv[] = { serial, now, expires };
	if (rc == 0) {
		rc = exec_params(z->db, "INSERT OR REPLACE INTO served(id, serial, since, expires) "
		                 "VALUES(1, ?, ?, ?)", "iii", iv, NULL);
	}
	if (rc == 0 && have_keys) {
		rc = gate_keys_served(z, keys, nkeys, gate_zone_now(z));
	}
	free(keys);
	if (rc == 0 && user != NULL) {
		rc = exec_params(z->db, "UPDATE blocked SET state = 'approved' WHERE serial = ?", "i",
		                 iv, NULL);
	}
	if (rc == 0) {
		rc = audit(z->db, now, user ? user : "gate", user ? "approve" : "serve", serial, reason,
		           findings);
	}
	return finish(z, rc, "the served version");
}

int gate_state_meta(gate_zone_t *z, const char *key, int64_t value)
{
	const int64_t iv[] = { value };
	const char *tv[] = { key };
	if (exec_params(z->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", "ti", iv,
	                tv) != 0) {
		gate_log(LOG_ERR, z->origin, "state: cannot record %s: %s", key, sqlite3_errmsg(z->db));
		return -1;
	}
	return 0;
}

int gate_state_audit(gate_zone_t *z, const char *user, const char *action, uint32_t serial,
                     const char *reason, const char *findings)
{
	int rc = sqlite3_exec(z->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	if (rc == 0) {
		rc = audit(z->db, gate_wall_now(), user, action, serial, reason, findings);
	}
	return finish(z, rc, "the audit record");
}

int gate_state_reject(gate_zone_t *z, uint32_t serial, const char *user, const char *reason,
                      const char *findings)
{
	int64_t now = gate_wall_now();
	int rc = sqlite3_exec(z->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	const int64_t iv[] = { serial, now };
	const char *tv[] = { findings ? findings : "" };
	if (rc == 0) {
		rc = exec_params(z->db, "INSERT INTO blocked(serial, since, finding, state) "
		                 "VALUES(?, ?, ?, 'rejected') ON CONFLICT(serial) DO UPDATE SET "
		                 "state = 'rejected'", "iit", iv, tv);
	}
	if (rc == 0) {
		rc = audit(z->db, now, user, "reject", serial, reason, findings);
	}
	return finish(z, rc, "the rejection");
}

int gate_state_hold(gate_zone_t *z, bool hold, const char *user, const char *reason)
{
	int64_t now = gate_wall_now();
	int rc = sqlite3_exec(z->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	const int64_t iv[] = { hold ? 1 : 0 };
	const char *tv[] = { "hold" };
	if (rc == 0) {
		rc = exec_params(z->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", "ti", iv,
		                 tv);
	}
	if (rc == 0) {
		rc = audit(z->db, now, user, hold ? "hold" : "resume", z->served, reason, NULL);
	}
	return finish(z, rc, hold ? "the hold" : "the resume");
}
