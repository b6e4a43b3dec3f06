/* gate_sd.c -- systemd service notifications through libsystemd's sd_notify: READY=1, STATUS=,
 * RELOADING=1, STOPPING=1, and WATCHDOG=1 at half of WATCHDOG_USEC. Without NOTIFY_SOCKET every
 * call is a no-op, so the gate runs the same outside systemd. */
#include <stdarg.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>
#include "gates/xfr/gate_xfr.h"

static uint64_t g_wd_interval_ms; /* 0: no watchdog */
static uint64_t g_wd_last_ms;

void gate_sd_notify(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int r = sd_notify(0, msg);
	if (r < 0) {
		gate_log(LOG_DEBUG, NULL, "sd_notify: cannot send to $NOTIFY_SOCKET (%d)", r);
	}
}

void gate_sd_watchdog_init(void)
{
	uint64_t usec = 0;
	g_wd_interval_ms = 0;
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		g_wd_interval_ms = usec / 2000; /* half the timeout (sd_watchdog_enabled(3)) */
		if (g_wd_interval_ms == 0) {
			g_wd_interval_ms = 1;
		}
		gate_log(LOG_INFO, NULL, "systemd watchdog: WATCHDOG=1 every %llu ms",
		         (unsigned long long)g_wd_interval_ms);
	}
	g_wd_last_ms = 0;
}

int gate_sd_watchdog(void)
{
	if (g_wd_interval_ms == 0) {
		return -1;
	}
	uint64_t now = gate_now_ms();
	if (g_wd_last_ms == 0 || now - g_wd_last_ms >= g_wd_interval_ms) {
		gate_sd_notify("WATCHDOG=1");
		g_wd_last_ms = now;
	}
	uint64_t left = g_wd_last_ms + g_wd_interval_ms - now;
	return left > 60000 ? 60000 : (int)left;
}

/* "test.: serving 2026010104, 2026010105 blocked; ..." (a long list is cut: STATUS is a hint) */
void gate_sd_status(const gate_conf_t *conf, const char *prefix)
{
	char buf[900];
	size_t used = (size_t)snprintf(buf, sizeof(buf), "%s", prefix);
	for (size_t i = 0; i < conf->nzones && used < sizeof(buf); i++) {
		const gate_zone_t *z = &conf->zones[i];
		char served[24] = "nothing";
		if (z->has_served) {
			snprintf(served, sizeof(served), "%u", z->served);
		}
		int n = snprintf(buf + used, sizeof(buf) - used, "%s%s serving %s", i ? "; " : "",
		                 z->origin, served);
		used += n > 0 ? (size_t)n : 0;
		if (used < sizeof(buf) && z->has_candidate &&
		    (!z->has_served || gate_serial_newer(z->candidate, z->served))) {
			n = snprintf(buf + used, sizeof(buf) - used, ", %u %s%s", z->candidate,
			             gate_verdict_name(z->candidate_verdict),
			             z->hold ? " (hold)" : "");
			used += n > 0 ? (size_t)n : 0;
		}
	}
	gate_sd_notify("STATUS=%s", buf);
}

static void sink_finding(zg_sink_t *sink, const zg_finding_t *f)
{
	(void)sink;
	(void)f;
}

/* called by the verifier after each batch of RRsets (serialised by its sink lock) */
static void sink_progress(zg_sink_t *sink, uint64_t done, uint64_t total)
{
	(void)sink;
	(void)done;
	(void)total;
	gate_sd_watchdog();
}

zg_sink_t *gate_sd_sink(void)
{
	static zg_sink_t sink = { .finding = sink_finding, .progress = sink_progress };
	return g_wd_interval_ms ? &sink : NULL;
}
