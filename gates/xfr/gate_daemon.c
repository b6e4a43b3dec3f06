/* gate_daemon.c -- the gate's main loop: NOTIFY listeners, control sockets, per-zone SOA refresh
 * timers, one zone check at a time. SIGTERM, SIGINT and SIGHUP stay blocked except inside ppoll(),
 * so no transfer, verification or install is ever interrupted: SIGTERM ends the loop after the
 * current check (exit 0), SIGHUP reloads the config between checks (gate_reload.c). */
#define _GNU_SOURCE /* ppoll */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gates/cli/gate.h"
#include "gates/xfr/gate_xfr.h"
#include "verifier/zone.h"

#define GATE_MAX_FDS 128

static volatile sig_atomic_t g_stop, g_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		g_reload = 1;
	} else {
		g_stop = 1;
	}
}

/* Block the signals we handle; *run gets the mask to wait with (ppoll). */
static void setup_signals(sigset_t *run)
{
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, run);
	sigdelset(run, SIGTERM);
	sigdelset(run, SIGINT);
	sigdelset(run, SIGHUP);
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* A stop asked for while a check ran is still pending: do not start the next zone's check. */
static bool stopping(void)
{
	sigset_t p;
	if (g_stop) {
		return true;
	}
	return sigpending(&p) == 0 && (sigismember(&p, SIGTERM) || sigismember(&p, SIGINT));
}

/* name is DIST.tmp.PID or DIST.prev.tmp.PID of gate_atomic_install, or a candidate's .part */
static bool leftover(const char *name, const char *dist, const char *origin)
{
	size_t n = strlen(dist), o = strlen(origin), len = strlen(name);
	if (strncmp(name, dist, n) == 0 &&
	    (strncmp(name + n, ".tmp.", 5) == 0 || strncmp(name + n, ".prev.tmp.", 10) == 0)) {
		const char *p = strrchr(name, '.') + 1;
		return *p != '\0' && strspn(p, "0123456789") == strlen(p);
	}
	return strncmp(name, origin, o) == 0 && len > o + 10 &&
	       strcmp(name + len - 10, ".zone.part") == 0;
}

static void remove_leftovers(const gate_zone_t *z, const char *dir, const char *dist)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL) {
		char path[GATE_PATH_MAX * 2];
		if (!leftover(de->d_name, dist, z->origin)) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) == 0) {
			gate_log(LOG_NOTICE, z->origin, "removed %s, left by an interrupted run",
			         path);
		}
	}
	if (d != NULL) {
		closedir(d);
	}
}

/* Temp files of a run killed mid-transfer or mid-install: never served, never reused. */
static void clean_leftovers(const gate_zone_t *z)
{
	char d1[GATE_PATH_MAX], d2[GATE_PATH_MAX];
	snprintf(d1, sizeof(d1), "%s", z->dist_file);
	snprintf(d2, sizeof(d2), "%s", z->dist_file);
	remove_leftovers(z, dirname(d1), basename(d2));
	remove_leftovers(z, z->state_dir, "\n"); /* no file name starts with a newline */
}

/* The served serial is the one in the distribution file (the last good version). */
static int zone_start(gate_zone_t *z, char *err, size_t errlen)
{
	struct stat st;
	if (stat(z->state_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "state directory %s: %s", z->state_dir,
		         errno ? strerror(errno) : "not a directory");
		return -1;
	}
	z->due_ms = 0;
	clean_leftovers(z);
	if (access(z->dist_file, F_OK) != 0) {
		gate_log(LOG_INFO, z->origin, "no version served yet (%s absent)", z->dist_file);
		return 0;
	}
	char msg[ZG_ERRMSG_LEN] = "";
	zg_zone_t *zone = NULL;
	zg_err_t r = zg_zone_load(z->dist_file, z->origin, &zone, msg, sizeof(msg));
	if (r != ZG_EOK || !zg_zone_serial(zone, &z->served)) {
		snprintf(err, errlen, "the served version %s cannot be read: %s", z->dist_file,
		         msg[0] ? msg : "no SOA");
		zg_zone_free(zone);
		return -1;
	}
	zg_zone_free(zone);
	z->has_served = true;
	gate_log(LOG_INFO, z->origin, "serving serial %u from %s", z->served, z->dist_file);
	return 0;
}

/* A stop between the install and the reload hook leaves the distribution primary on the old
 * file: hand the served file over once more (a reload of an unchanged file changes nothing). */
static void reload_served(gate_zone_t *z)
{
	char out[256];
	if (!z->has_served || z->reload_cmd[0] == '\0') {
		return;
	}
	int t = gate_hook_run(z->reload_cmd, out, sizeof(out));
	if (t != 0) {
		gate_log(LOG_WARNING, z->origin, "start: the reload command failed (status %d: %s); "
		         "serial %u is handed over with the next version", t,
		         out[0] ? out : "no output", z->served);
	} else {
		gate_log(LOG_INFO, z->origin, "start: serial %u reloaded into distribution",
		         z->served);
	}
}

int gate_zone_open(gate_zone_t *z, bool init, char *err, size_t errlen)
{
	if (zone_start(z, err, errlen) != 0 ||
	    gate_state_open(z, init ? GATE_STATE_INIT : GATE_STATE_RUN, err, errlen) != 0) {
		return -1;
	}
	if (gate_state_load(z) != 0) {
		snprintf(err, errlen, "state database %s/gate.db cannot be read", z->state_dir);
		gate_state_close(z);
		return -1;
	}
	reload_served(z);
	return 0;
}

static int poll_timeout(const gate_conf_t *conf)
{
	uint64_t now = gate_now_ms(), next = now + 60000;
	for (size_t i = 0; i < conf->nzones; i++) {
		if (conf->zones[i].due_ms < next) {
			next = conf->zones[i].due_ms;
		}
	}
	int t = next <= now ? 0 : (int)(next - now);
	int wd = gate_sd_watchdog();
	return wd >= 0 && wd < t ? wd : t;
}

/* pollfds: the NOTIFY listeners, then the control sockets (their zones in ctl) */
static size_t poll_fds(const gate_conf_t *conf, const gate_listen_t *l, struct pollfd *pfd,
                       gate_zone_t **ctl, size_t *nl)
{
	int fds[GATE_MAX_FDS / 2];
	size_t n = gate_listen_fds(l, fds, GATE_MAX_FDS / 2);
	for (size_t i = 0; i < n; i++) {
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	}
	*nl = n;
	for (size_t i = 0; i < conf->nzones && n < GATE_MAX_FDS; i++) {
		if (conf->zones[i].ctl_fd >= 0) {
			ctl[n - *nl] = &conf->zones[i];
			pfd[n++] = (struct pollfd){ .fd = conf->zones[i].ctl_fd, .events = POLLIN };
		}
	}
	return n;
}

static void check_due(gate_conf_t *conf)
{
	uint64_t now = gate_now_ms();
	for (size_t i = 0; i < conf->nzones && !stopping(); i++) {
		if (conf->zones[i].due_ms <= now) {
			gate_zone_check(&conf->zones[i]);
			gate_sd_status(conf, "");
			gate_sd_watchdog();
		}
	}
}

static void loop(gate_conf_t *conf, gate_listen_t *l, const sigset_t *run)
{
	struct pollfd pfd[GATE_MAX_FDS];
	gate_zone_t *ctl[GATE_MAX_FDS];
	while (!g_stop) {
		if (g_reload) {
			g_reload = 0;
			gate_sd_notify("RELOADING=1\nMONOTONIC_USEC=%llu",
			               (unsigned long long)gate_now_ms() * 1000);
			gate_reload(conf, l);
			gate_sd_notify("READY=1");
			gate_sd_status(conf, "");
		}
		size_t nl = 0, n = poll_fds(conf, l, pfd, ctl, &nl);
		int t = poll_timeout(conf);
		struct timespec ts = { .tv_sec = t / 1000, .tv_nsec = (long)(t % 1000) * 1000000 };
		int r = ppoll(pfd, n, &ts, run);
		for (size_t i = 0; r > 0 && i < n && !g_stop && !g_reload; i++) {
			if ((pfd[i].revents & POLLIN) && i < nl) {
				gate_listen_handle(l, pfd[i].fd);
			} else if (pfd[i].revents & POLLIN) {
				gate_control_handle(conf, ctl[i - nl]);
			}
		}
		if (!g_reload) {
			check_due(conf);
		}
	}
}

int gate_run(const char *config_path, bool init)
{
	gate_conf_t conf;
	gate_listen_t *l = NULL;
	char err[2048];
	sigset_t run;
	setup_signals(&run); /* a SIGTERM during start waits for the loop: nothing half done */
	if (gate_conf_load(config_path, &conf, err, sizeof(err)) != 0) {
		gate_log(LOG_ERR, NULL, "%s", err);
		return 2;
	}
	int rc = 2;
	for (size_t i = 0; i < conf.nzones; i++) {
		if (gate_zone_open(&conf.zones[i], init, err, sizeof(err)) != 0) {
			gate_log(LOG_ERR, conf.zones[i].origin, "%s", err);
			goto out;
		}
	}
	if (gate_listen_open(&conf, &l, err, sizeof(err)) != 0 ||
	    gate_control_open(&conf, err, sizeof(err)) != 0) {
		gate_log(LOG_ERR, NULL, "%s", err);
		goto out;
	}
	gate_log(LOG_NOTICE, NULL, "started, %zu zone(s)", conf.nzones);
	gate_sd_watchdog_init();
	gate_sd_notify("READY=1");
	gate_sd_status(&conf, "started: ");
	loop(&conf, l, &run);
	gate_sd_notify("STOPPING=1\nSTATUS=stopping");
	gate_log(LOG_NOTICE, NULL, "stopped");
	rc = 0;
out:
	gate_control_close(&conf);
	for (size_t i = 0; i < conf.nzones; i++) {
		gate_state_close(&conf.zones[i]);
	}
	gate_listen_close(l);
	gate_conf_free(&conf);
	return rc;
}
