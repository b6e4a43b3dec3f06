/* gate_daemon.c -- the gate's main loop: NOTIFY listeners, per-zone SOA refresh timers, one
 * zone check at a time; SIGTERM/SIGINT end the loop between checks (a transfer finishes). */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gates/xfr/gate_xfr.h"
#include "verifier/zone.h"

static volatile sig_atomic_t g_stop;
static int g_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
	if (g_pipe[1] >= 0) {
		ssize_t r = write(g_pipe[1], "x", 1);
		(void)r;
	}
}

static int setup_signals(void)
{
	if (pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		return -1;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* The served serial is the one in the distribution file (the last good version). */
static int zone_start(gate_zone_t *z)
{
	struct stat st;
	if (stat(z->state_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		gate_log(LOG_ERR, z->origin, "state directory %s: %s", z->state_dir,
		         errno ? strerror(errno) : "not a directory");
		return -1;
	}
	z->due_ms = 0;
	if (access(z->dist_file, F_OK) != 0) {
		gate_log(LOG_INFO, z->origin, "no version served yet (%s absent)", z->dist_file);
		return 0;
	}
	char msg[ZG_ERRMSG_LEN] = "";
	zg_zone_t *zone = NULL;
	zg_err_t r = zg_zone_load(z->dist_file, z->origin, &zone, msg, sizeof(msg));
	if (r != ZG_EOK || !zg_zone_serial(zone, &z->served)) {
		gate_log(LOG_ERR, z->origin, "the served version %s cannot be read: %s", z->dist_file,
		         msg[0] ? msg : "no SOA");
		zg_zone_free(zone);
		return -1;
	}
	zg_zone_free(zone);
	z->has_served = true;
	gate_log(LOG_INFO, z->origin, "serving serial %u from %s", z->served, z->dist_file);
	return 0;
}

/* The state database: corrupt, unreadable or missing with a served version is fatal. */
static int zone_state(gate_zone_t *z, bool init)
{
	char err[1024];
	if (gate_state_open(z, init ? GATE_STATE_INIT : GATE_STATE_RUN, err, sizeof(err)) != 0) {
		gate_log(LOG_ERR, z->origin, "%s", err);
		return -1;
	}
	return gate_state_load(z);
}

static int poll_timeout(const gate_conf_t *conf)
{
	uint64_t now = gate_now_ms(), next = now + 60000;
	for (size_t i = 0; i < conf->nzones; i++) {
		if (conf->zones[i].due_ms < next) {
			next = conf->zones[i].due_ms;
		}
	}
	return next <= now ? 0 : (int)(next - now);
}

/* NOTIFY listeners, then the control sockets (owner zones in ctl), then the signal pipe */
static void loop(gate_conf_t *conf, gate_listen_t *l)
{
	struct pollfd pfd[129];
	gate_zone_t *ctl[64];
	int fds[64];
	size_t n = gate_listen_fds(l, fds, 64), nc = 0;
	for (size_t i = 0; i < n; i++) {
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	}
	for (size_t i = 0; i < conf->nzones && nc < 64; i++) {
		if (conf->zones[i].ctl_fd >= 0) {
			ctl[nc] = &conf->zones[i];
			pfd[n + nc++] = (struct pollfd){ .fd = conf->zones[i].ctl_fd, .events = POLLIN };
		}
	}
	pfd[n + nc] = (struct pollfd){ .fd = g_pipe[0], .events = POLLIN };
	while (!g_stop) {
		int r = poll(pfd, n + nc + 1, poll_timeout(conf));
		for (size_t i = 0; r > 0 && i < n + nc && !g_stop; i++) {
			if ((pfd[i].revents & POLLIN) && i < n) {
				gate_listen_handle(l, pfd[i].fd);
			} else if (pfd[i].revents & POLLIN) {
				gate_control_handle(conf, ctl[i - n]);
			}
		}
		uint64_t now = gate_now_ms();
		for (size_t i = 0; i < conf->nzones && !g_stop; i++) {
			if (conf->zones[i].due_ms <= now) {
				gate_zone_check(&conf->zones[i]);
			}
		}
	}
}

int gate_run(const char *config_path, bool init)
{
	gate_conf_t conf;
	gate_listen_t *l = NULL;
	char err[1024];
	if (gate_conf_load(config_path, &conf, err, sizeof(err)) != 0) {
		gate_log(LOG_ERR, NULL, "%s", err);
		return 2;
	}
	int rc = 2;
	for (size_t i = 0; i < conf.nzones; i++) {
		if (zone_start(&conf.zones[i]) != 0 || zone_state(&conf.zones[i], init) != 0) {
			goto out;
		}
	}
	if (setup_signals() != 0 || gate_listen_open(&conf, &l, err, sizeof(err)) != 0 ||
	    gate_control_open(&conf, err, sizeof(err)) != 0) {
		gate_log(LOG_ERR, NULL, "%s", err);
		goto out;
	}
	gate_log(LOG_NOTICE, NULL, "started, %zu zone(s)", conf.nzones);
	loop(&conf, l);
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
