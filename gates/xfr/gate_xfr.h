/* gate_xfr.h -- the XFR gate daemon: config, TSIG keys, DNS transfers, NOTIFY, the zone pipeline. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <syslog.h>
#include <libknot/libknot.h>
#include "gates/cli/alert_conf.h"
#include "verifier/incremental.h"
#include "verifier/key_history.h"

#define GATE_PATH_MAX 4096
#define GATE_MAX_DIGEST 64    /* HMAC-SHA512 */
#define GATE_NOTIFY_MAX 4096  /* a NOTIFY is small */

typedef struct {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[160]; /* "127.0.0.1@5301" */
} gate_addr_t;

typedef struct {
	char origin[1024];           /* presentation form, with the final dot */
	gate_addr_t signer;
	char tsig_path[GATE_PATH_MAX];
	knot_tsig_key_t key;
	bool key_loaded;
	gate_addr_t listen;
	char state_dir[GATE_PATH_MAX];
	char dist_file[GATE_PATH_MAX];
	char reload_cmd[GATE_PATH_MAX + 1200];
	char ds_path[GATE_PATH_MAX];
	char policy_path[GATE_PATH_MAX];
	uint64_t fixed_time;         /* verify at this UNIX time (tests); 0: the clock */
	uint64_t refresh_ms, retry_ms, timeout_ms;
	uint64_t xfr_max_bytes;      /* max-transfer: messages of one transfer, in bytes; 0 no cap */
	uint64_t xfr_deadline_ms;    /* transfer-deadline: one transfer, start to end; 0 none */
	uint64_t expiry_margin_s;    /* expiry guard: critical below this (default 48 h) */
	uint64_t stale_s;            /* staleness: no new serial / no answer for longer; 0 off */
	const cli_alert_conf_t *alert; /* the file's `alerting:` section (gate_conf_t's); NULL none */
	/* runtime: everything from here on is carried over to the new config by a SIGHUP reload
	 * (gate_reload.c copies it from GATE_ZONE_RUNTIME on); configuration goes above */
	bool has_served, has_candidate;
	uint32_t served, candidate;  /* served serial; last candidate serial seen */
	int candidate_verdict;       /* 0 pass, 1 blocked, 2 unverified */
	uint64_t due_ms;             /* next SOA check (monotonic ms) */
	int64_t served_expires;      /* earliest RRSIG expiration of the served version; 0 unknown */
	int64_t last_contact;        /* last SOA answer from the signer (wall clock) */
	int64_t last_new;            /* last new serial from the signer (wall clock) */
	int64_t candidate_expires;   /* earliest RRSIG expiration of the last candidate */
	bool hold;                   /* verify, but hand nothing over (gate hold / resume) */
	struct sqlite3 *db;          /* gate_state.c */
	int ctl_fd;                  /* control socket STATE_DIR/control.sock owned here; -1 none */
	bool expiry_alerted;         /* the critical expiry alert went out for expiry_serial */
	bool stale_alerted;          /* the staleness alert went out (until a new serial comes) */
	uint32_t expiry_serial;
	zg_report_t *held_rep;       /* report of the passing candidate kept back (for its alert) */
	/* incremental verification (verifier/incremental.h): the served version and what its
	 * verification left, in memory; the last passing candidate's become served when it is
	 * installed (gate_cache.c). A SIGHUP reload drops them: the next check starts afresh. */
	zg_zone_t *served_zone, *pass_zone;
	zg_memo_t *served_memo, *pass_memo;
	uint32_t pass_serial;
} gate_zone_t;
#define GATE_ZONE_RUNTIME offsetof(gate_zone_t, has_served)

typedef struct {
	char path[GATE_PATH_MAX];
	gate_zone_t *zones;
	size_t nzones;
	char control_group[256];     /* `control-group:`: socket 0660 with this group; else 0600 */
	bool has_alerting;           /* the file has an `alerting:` section */
	cli_alert_conf_t *alert;     /* loaded by gate_conf_load (not _nokeys); NULL none */
} gate_conf_t;

/* gate_conf.c: the `gate:` section of the YAML file; errors name file:line. */
int gate_conf_load(const char *path, gate_conf_t *conf, char *err, size_t errlen);
/* the same without loading the TSIG keys (control clients need not read them) */
int gate_conf_load_nokeys(const char *path, gate_conf_t *conf, char *err, size_t errlen);
void gate_conf_free(gate_conf_t *conf);
int gate_addr_parse(const char *s, uint16_t def_port, gate_addr_t *out);

/* gate_key.c: a knot `key:` section (keymgr -t) or a "name alg secret" line. */
int gate_key_load(const char *path, knot_tsig_key_t *key, char *err, size_t errlen);

/* gate_log.c: one line on stderr, zone in brackets; never secrets. */
void gate_log(int prio, const char *zone, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void gate_log_name(const char *name); /* the line prefix, "zonegate gate" unless set */
uint64_t gate_now_ms(void);
/* Wall clock in UNIX seconds for the expiry guard, staleness and the state; the environment
 * variable ZONEGATE_GATE_NOW (UNIX seconds, or +SECONDS added to the clock) injects it in tests. */
int64_t gate_wall_now(void);
/* "27d 3h", "5h 12m", "40s" (sign dropped) */
void gate_fmt_duration(int64_t secs, char *buf, size_t size);

/* gate_dns.c: SOA serial and AXFR from the signer over TCP, TSIG on every message. */
int gate_dns_soa(const gate_zone_t *z, uint32_t *serial, char *err, size_t errlen);
/* Transfer into path as zone-file text; the serial of the transferred version in *serial. */
int gate_dns_axfr(const gate_zone_t *z, const char *path, uint32_t *serial, char *err,
                  size_t errlen);

/* Any transfer: fn gets every answer RR in order; it returns 1 at the last one, 0 for more,
 * -1 (with err) to abort. base is the IXFR serial. 0 done, -1 failed, GATE_XFR_EAUTH: a response
 * was not signed with the zone's key (refused). */
#define GATE_XFR_EAUTH (-2)
typedef int (*gate_rr_fn)(void *ctx, const knot_rrset_t *rr, char *err, size_t errlen);
int gate_dns_xfr(const gate_zone_t *z, uint16_t qtype, uint32_t base, gate_rr_fn fn, void *ctx,
                 char *err, size_t errlen);

/* gate_ixfr.c: IXFR from base (our zone-file text of serial base_serial) applied into path.
 * 0 done, 1 the signer answered with a full zone or the diff does not apply: use AXFR, -1 error,
 * GATE_XFR_EAUTH the answer failed its TSIG check */
int gate_ixfr(const gate_zone_t *z, const char *base, uint32_t base_serial, const char *path,
              uint32_t *serial, char *err, size_t errlen);

/* gate_notify.c: NOTIFY listeners (UDP + TCP per distinct listen address). */
typedef struct gate_listen gate_listen_t;
int gate_listen_open(gate_conf_t *conf, gate_listen_t **out, char *err, size_t errlen);
void gate_listen_close(gate_listen_t *l);
/* pollfd array of the listeners */
size_t gate_listen_fds(const gate_listen_t *l, int *fds, size_t max);
/* The answer to the message in q (a NOTIFY of a configured zone from its signer with its key:
 * NOERROR, signed, the zone marked due; anything else refused, one log line); the caller frees
 * it. NULL: no answer (unparsable, or a response). */
knot_pkt_t *gate_notify_answer(gate_conf_t *conf, knot_pkt_t *q,
                               const struct sockaddr_storage *from);
/* handle readable fd: answers per RFC 1996 and marks the zone due */
void gate_listen_handle(gate_listen_t *l, int fd);
/* SIGHUP: listen on the addresses of conf (a new config), reusing the sockets of addresses kept;
 * on error nothing changed. l keeps its conf pointer: the caller moves the new config there. */
int gate_listen_reload(gate_listen_t *l, const gate_conf_t *conf, char *err, size_t errlen);

/* gate_zone.c: a verification's outcome for the state and the log */
/* one line naming the first error finding of a report ("no finding" for a pass) */
void gate_report_first_finding(const zg_report_t *rep, char *buf, size_t size);
/* the earliest RRSIG expiration over all keys; 0 when there is none */
int64_t gate_report_expires(const zg_report_t *rep);

/* gate_zone.c: one check of a zone: SOA, transfer, verify, install + reload or keep. */
void gate_zone_init(gate_zone_t *z);
void gate_zone_check(gate_zone_t *z);
/* Install cand (verified) over the distribution file and run the reload command; user NULL: a
 * pass, else an approval (audited with reason and findings). 0 done, 1 installed but the reload
 * failed, -1 not installed. */
int gate_zone_install(gate_zone_t *z, const char *cand, uint32_t serial, int64_t expires,
                      const char *user, const char *reason, const char *findings);
/* Hand over a passing candidate kept back (hold, or a stop before the install): 1 if done. */
int gate_zone_release(gate_zone_t *z);
void gate_candidate_path(const gate_zone_t *z, uint32_t serial, char *buf, size_t size);
bool gate_serial_newer(uint32_t a, uint32_t b); /* RFC 1982: a is newer than b */
/* "the served serial M's earliest RRSIG expires in 27d 3h (...)" into buf; true below the
 * margin (or nothing served) */
bool gate_expiry_left(const gate_zone_t *z, char *buf, size_t size);
/* the expiry guard: one line while an incident is open (warning; critical below the margin) */
void gate_expiry_guard(gate_zone_t *z);
/* staleness: the signer answered (fresh: with a new serial) / did not answer */
void gate_stale_answered(gate_zone_t *z, uint32_t soa, bool fresh);
void gate_stale_unreachable(gate_zone_t *z, const char *err);

/* gate_state.c: SQLite in STATE_DIR/gate.db (WAL, one transaction per event). */
enum { GATE_STATE_RUN, GATE_STATE_INIT, GATE_STATE_READ };
int gate_state_open(gate_zone_t *z, int mode, char *err, size_t errlen);
void gate_state_close(gate_zone_t *z);
const char *gate_verdict_name(int verdict);
int gate_state_version(gate_zone_t *z, uint32_t serial, int verdict, const char *report,
                       int64_t expires, const char *finding);
/* user NULL: the gate served a passing version; else an approval of a blocked one */
int gate_state_served(gate_zone_t *z, uint32_t serial, int64_t expires, const char *user,
                      const char *reason, const char *findings);
int gate_state_meta(gate_zone_t *z, const char *key, int64_t value);
int gate_state_audit(gate_zone_t *z, const char *user, const char *action, uint32_t serial,
                     const char *reason, const char *findings);
/* A candidate: its state in `blocked` ("" none, blocked, rejected, approved), whether a version
 * row exists, the latest row's verdict, expiration and first finding. */
typedef struct {
	bool seen;
	char state[16];
	char verdict[16];
	int64_t expires;
	char finding[512];
} gate_cand_t;
int gate_state_candidate(gate_zone_t *z, uint32_t serial, gate_cand_t *out);
int gate_state_reject(gate_zone_t *z, uint32_t serial, const char *user, const char *reason,
                      const char *findings);
int gate_state_hold(gate_zone_t *z, bool hold, const char *user, const char *reason);

/* gate_keys.c: the key history (table `keys` of gate.db) behind rollover.* timing */
/* the gate's clock for verification and the key history: verify: time:, else gate_wall_now() */
int64_t gate_zone_now(const gate_zone_t *z);
/* for verifying a candidate against prev (the served version); started from prev when empty */
int gate_keys_history(const gate_zone_t *z, const zg_zone_t *prev, zg_key_history_t **h,
                      size_t *n);
/* remember the keys of a verified version, so that serving it needs no second parse */
void gate_keys_note(const gate_zone_t *z, const zg_zone_t *zone);
/* gate_cache.c: the in-memory versions behind incremental verification */
void gate_cache_pass(gate_zone_t *z, zg_zone_t *zone, zg_memo_t *memo);
void gate_cache_served(gate_zone_t *z, uint32_t serial);
void gate_cache_drop(gate_zone_t *z);
/* the keys of the served version `serial` (remembered, or read from the distribution file) */
int gate_keys_of_served(gate_zone_t *z, uint32_t serial, zg_key_seen_t **keys, size_t *n);
/* inside gate_state_served's transaction: the history moves forward by that version */
int gate_keys_served(const gate_zone_t *z, const zg_key_seen_t *keys, size_t n, int64_t now);
void gate_keys_forget(const gate_zone_t *z);
void gate_keys_print(gate_zone_t *z, FILE *out);  /* gate status: one line per key */
struct json_t;
struct json_t *gate_keys_json(gate_zone_t *z);    /* gate status --format json: the keys */

/* gate_status.c */
int gate_state_load(gate_zone_t *z);
/* the distribution file's serial (z->served) recorded as served if the database says otherwise
 * (a stop between install and record): the key history catches up with what is served */
void gate_state_sync_served(gate_zone_t *z);
bool gate_state_is_blocked(gate_zone_t *z, uint32_t serial);
bool gate_incident_open(const gate_zone_t *z);
/* text, or with json one document (schema zonegate-gate-status/1); 0, or 2 on an error */
int gate_status(const char *config_path, bool json, FILE *out);

/* gate_control.c: the control socket (daemon side) and its client */
int gate_control_open(gate_conf_t *conf, char *err, size_t errlen);
void gate_control_close(gate_conf_t *conf);
/* accept one client on the socket of owner, read one line, answer one line */
void gate_control_handle(gate_conf_t *conf, gate_zone_t *owner);
/* client: send line to the socket of zone's state dir; the reply line in reply. 0 ok reply,
 * 1 error reply, -1 cannot talk to the gate (err says why) */
int gate_control_send(const gate_zone_t *z, const char *line, char *reply, size_t size);
gate_zone_t *gate_conf_zone(gate_conf_t *conf, const char *origin);
/* SIGHUP: bind the sockets of nc's state directories that old has none for (-1: err says why;
 * the ones bound stay in nc for gate_control_close), then hand old's sockets over to nc. */
int gate_control_open_new(gate_conf_t *nc, const gate_conf_t *old, char *err, size_t errlen);
void gate_control_take(gate_conf_t *nc, gate_conf_t *old);
/* control requests (gate_control_req.c): one reply line into reply; 0 ok, -1 error */
int gate_control_request(gate_conf_t *conf, gate_zone_t *owner, const char *user, char *line,
                         char *reply, size_t size);

/* gate_alert.c: the `alerting:` section of the gate's config, through libzgalert as
 * `zonegate verify --alert-config` does (spool, incidents, a detached sender). */
int gate_alert_load(gate_conf_t *conf, char *err, size_t errlen);
void gate_alert_free(gate_conf_t *conf);
/* a completed verification of file (report: the saved JSON report or NULL) */
void gate_alert_verdict(gate_zone_t *z, const zg_report_t *rep, const char *file,
                        const char *report);
/* file could not be verified: why is "id: message" */
void gate_alert_unverified(gate_zone_t *z, const char *file, const char *why);
/* after an install the reload command failed (msg says how) or worked (msg NULL) */
void gate_alert_distribution(gate_zone_t *z, const char *msg);
/* the expiry guard went critical for the blocked candidate: once per candidate serial */
void gate_alert_expiry(gate_zone_t *z, const char *msg);
/* the signer is stale or unreachable: once, until it produces a new serial (class signer) */
void gate_alert_stale(gate_zone_t *z, const char *msg);

/* gate_daemon.c */
/* init: create the state database even though a version is already served (adopt it) */
int gate_run(const char *config_path, bool init);
/* Open one zone: state directory, served version (temp files of an interrupted run removed, the
 * reload hook run once), state database. 0, or -1 with a one-line err naming the zone's file. */
int gate_zone_open(gate_zone_t *z, bool init, char *err, size_t errlen);

/* gate_reload.c: SIGHUP. Reads conf->path again; only when all of it loads (zones, keys,
 * alerting, state, sockets) does it replace conf, keeping each kept zone's runtime state.
 * Otherwise one error line and the running config stays. 0 reloaded, -1 kept. */
int gate_reload(gate_conf_t *conf, gate_listen_t *l);

/* gate_sd.c: sd_notify (no-ops without NOTIFY_SOCKET) */
void gate_sd_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* STATUS= with every zone's served serial and last candidate */
void gate_sd_status(const gate_conf_t *conf, const char *prefix);
void gate_sd_watchdog_init(void);
/* WATCHDOG=1 when half of WATCHDOG_USEC has passed; ms until the next one, -1 without watchdog */
int gate_sd_watchdog(void);
/* a verifier sink that keeps the watchdog fed during a long verification (NULL without one) */
zg_sink_t *gate_sd_sink(void);
