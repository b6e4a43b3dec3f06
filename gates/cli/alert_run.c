/* alert_run.c -- result lines, saved reports, the detached sender forked by `zonegate verify`. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "alerting/fsutil.h"
#include "gates/cli/alert_run.h"
#include "gates/cli/cli.h"

static struct timespec started;

/* The verification's wall time is measured from process start: loading is part of it. */
__attribute__((constructor)) static void note_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &started);
}

double cli_alert_elapsed_s(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - started.tv_sec) +
	       (double)(now.tv_nsec - started.tv_nsec) / 1e9;
}

void cli_alert_checkpoint(const char *where)
{
	const char *at = getenv("ZONEGATE_TEST_CRASH_AT");
	if (at != NULL && strcmp(at, where) == 0) {
		raise(SIGKILL); /* the kill -9 of the crash tests, at an exact point */
	}
}

static const char *outcome_name(int o)
{
	switch (o) {
	case ZG_ALERT_DELIVERED: return "delivered";
	case ZG_ALERT_RETRY: return "will retry";
	case ZG_ALERT_FAILED: return "failed permanently";
	case ZG_ALERT_ESCALATED: return "escalated to the fallback routes";
	default: break;
	}
	return "?";
}

void cli_alert_print_result(const zg_alert_result_t *r, void *arg)
{
	FILE *out = arg ? arg : stdout;
	char status[32] = "no response";
	bool exec = r->route && r->route->kind == ZG_ALERT_EXEC;
	if (r->status > 0 || (exec && r->status == 0)) {
		snprintf(status, sizeof(status), "%s %ld", exec ? "exit" : "HTTP", r->status);
	}
	fprintf(out, "%s (%s) [%s] %s: %s, %s%s%s\n", r->route_name,
	        r->route ? zg_alert_kind_name(r->route->kind) : "unconfigured", r->zone, r->event,
	        outcome_name(r->outcome), status, r->error && r->error[0] ? ": " : "",
	        r->error ? r->error : "");
}

/* "example._2027010101_1767225600123.json": safe characters only. */
static void report_name(const zg_report_t *rep, char *out, size_t size)
{
	const zg_report_meta_t *m = zg_report_meta(rep);
	char zone[128];
	size_t i = 0;
	for (; m->zone[i] != '\0' && i + 1 < sizeof(zone); i++) {
		char ch = m->zone[i];
		bool safe = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		            ch == '-' || (ch >= 'A' && ch <= 'Z');
		zone[i] = safe ? ch : '_';
	}
	zone[i] = '\0';
	snprintf(out, size, "%s_%" PRIu32 "_%" PRIu64 ".json", zone[0] ? zone : "root",
	         m->has_serial ? m->serial : 0, zg_alert_now_ms());
}

void cli_alert_save_report(const cli_alert_conf_t *c, const zg_report_t *rep, char *out,
                           size_t size)
{
	char name[200], *text = NULL;
	size_t len = 0;
	out[0] = '\0';
	if (zg_alert_mkdir(c->conf.report_dir, NULL) != ZG_EOK) {
		return;
	}
	FILE *f = open_memstream(&text, &len);
	if (f == NULL) {
		return;
	}
	cli_render_json(rep, f);
	fclose(f);
	report_name(rep, name, sizeof(name));
	if (text != NULL && zg_alert_atomic_write(c->conf.report_dir, name, text, len) == ZG_EOK) {
		snprintf(out, size, "%s/%s", c->conf.report_dir, name);
	}
	free(text);
}

/* The grandchild: never returns, never flushes the parent's stdio buffers (_exit). */
/* The detached sender keeps no inherited descriptor: a daemon's listening sockets, control
 * socket and database must not outlive it in a sender that retries for sender-window. */
static void sender_main(const cli_alert_conf_t *c, bool heartbeat)
{
	sigset_t none; /* the XFR gate blocks SIGTERM/SIGHUP outside ppoll: the sender must not */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close_range(0, ~0U, 0);
	int fd = open("/dev/null", O_RDWR); /* becomes 0 */
	if (fd == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (heartbeat && c->conf.heartbeat_url != NULL) {
		long status = 0;
		char err[256];
		zg_alert_heartbeat(&c->conf, &status, err, sizeof(err));
	}
	if (c->background) {
		zg_alert_flush_opts_t fo = { .wait_ms = c->sender_window_ms, .refresh = true };
		zg_alert_flush(&c->conf, &fo, NULL, NULL, NULL, NULL, 0);
	}
	_exit(0);
}

void cli_alert_spawn_sender(const cli_alert_conf_t *c, bool heartbeat)
{
	if (!c->background && !(heartbeat && c->conf.heartbeat_url != NULL)) {
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "zonegate: alert: cannot start the sender; the spool keeps the "
		                "alerts for `zonegate alert flush`\n");
		return;
	}
	if (pid == 0) {
		setsid();
		pid_t g = fork();
		if (g == 0) {
			sender_main(c, heartbeat);
		}
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
}
