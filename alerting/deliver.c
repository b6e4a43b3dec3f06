/* deliver.c -- HTTP POST through libcurl (TLS verified, no redirects) and exec routes. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "alerting/deliver.h"
#include "alerting/event.h"
#include "alerting/fsutil.h"
#include "alerting/payload.h"

#define EX_TEMPFAIL_CODE 75
#define MAX_REPLY 65536

zg_alert_outcome_t zg_alert_classify(long status)
{
	if (status >= 200 && status < 300) {
		return ZG_ALERT_SENT;
	}
	if (status == 0 || status == 408 || status == 429 || status >= 500) {
		return ZG_ALERT_TRANSIENT;
	}
	return ZG_ALERT_PERMANENT;
}

/* The reply is read and dropped (bounded); it may echo what we sent. */
static size_t discard(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	size_t *total = arg;
	*total += size * nmemb;
	return *total > MAX_REPLY ? 0 : size * nmemb;
}

static void curl_common(CURL *h, const char *ca_file, uint32_t timeout_ms, size_t *sink,
                        char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L); /* always on, no option to turn it off */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca_file != NULL) {
		curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
	}
	curl_easy_setopt(h, CURLOPT_USERAGENT, "zonegate-alert/1");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
}

/* Transport errors by code only: curl's own text can carry the URL (and a Slack URL is a key). */
static void finish(CURL *h, CURLcode rc, zg_alert_attempt_t *out)
{
	long status = 0;
	curl_off_t retry = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK && retry > 0) {
		out->retry_after_ms = (uint64_t)retry * 1000u;
	}
	out->status = rc == CURLE_OK ? status : 0;
	out->outcome = zg_alert_classify(out->status);
	if (rc != CURLE_OK) {
		snprintf(out->error, sizeof(out->error), "%s", curl_easy_strerror(rc));
	} else if (out->outcome != ZG_ALERT_SENT) {
		snprintf(out->error, sizeof(out->error), "HTTP %ld", status);
	}
}

static void http_post(const zg_alert_route_t *r, const zg_alert_req_t *req,
                      zg_alert_attempt_t *out)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	size_t sink = 0;
	CURL *h = curl_easy_init();
	struct curl_slist *hl = NULL;
	for (size_t i = 0; i < req->nheaders; i++) {
		struct curl_slist *n = curl_slist_append(hl, req->headers[i]);
		hl = n ? n : hl;
	}
	if (h == NULL) {
		curl_slist_free_all(hl);
		snprintf(out->error, sizeof(out->error), "cannot create a curl handle");
		out->outcome = ZG_ALERT_TRANSIENT;
		return;
	}
	curl_common(h, r->ca_file, r->timeout_ms, &sink, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(req->body));
	CURLcode rc = curl_easy_perform(h);
	finish(h, rc, out);
	curl_easy_cleanup(h);
	/* header strings were copied by curl_slist_append and may hold a key: wipe them */
	for (struct curl_slist *p = hl; p != NULL; p = p->next) {
		explicit_bzero(p->data, strlen(p->data));
	}
	curl_slist_free_all(hl);
}

void zg_alert_http_get(const char *url, const char *ca_file, uint32_t timeout_ms,
                       zg_alert_attempt_t *out)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	size_t sink = 0;
	memset(out, 0, sizeof(*out));
	CURL *h = curl_easy_init();
	if (h == NULL) {
		out->outcome = ZG_ALERT_TRANSIENT;
		return;
	}
	curl_common(h, ca_file, timeout_ms, &sink, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, url);
	CURLcode rc = curl_easy_perform(h);
	finish(h, rc, out);
	curl_easy_cleanup(h);
}

/* ---- exec: the program gets the event on stdin and ZONEGATE_* in its environment ---- */

static void exec_child(const zg_alert_route_t *r, int in_fd, const json_t *ev)
{
	int devnull = open("/dev/null", O_WRONLY);
	if (dup2(in_fd, 0) < 0 || devnull < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0) {
		_exit(EX_TEMPFAIL_CODE);
	}
	setenv("ZONEGATE_EVENT", zg_alert_ev_str(ev, "event"), 1);
	setenv("ZONEGATE_IDEMPOTENCY_KEY", zg_alert_ev_str(ev, "idempotency_key"), 1);
	setenv("ZONEGATE_DEDUP_KEY", zg_alert_ev_str(ev, "dedup_key"), 1);
	if (r->secret != NULL) {
		setenv("ZONEGATE_SECRET", r->secret, 1);
	}
	execv(r->argv[0], (char *const *)r->argv);
	_exit(127);
}

static void write_body(int fd, const char *body)
{
	size_t len = strlen(body);
	while (len > 0) {
		ssize_t n = write(fd, body, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break; /* the program did not read it all: its exit status decides */
		}
		body += n;
		len -= (size_t)n;
	}
}

/* Wait for pid until the deadline, then SIGKILL it: no exec route can hang the sender. */
static int wait_bounded(pid_t pid, uint32_t timeout_ms, bool *timed_out)
{
	uint64_t end = zg_alert_mono_ms() + timeout_ms;
	int st = 0;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR)) {
			return st;
		}
		if (zg_alert_mono_ms() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			*timed_out = true;
			return st;
		}
		zg_alert_sleep_ms(10);
	}
}

static void exec_run(const zg_alert_route_t *r, const json_t *ev, zg_alert_attempt_t *out)
{
	char *body = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
	int p[2];
	if (body == NULL || r->argv == NULL || r->argv[0] == NULL || pipe2(p, O_CLOEXEC) != 0) {
		free(body);
		out->outcome = ZG_ALERT_TRANSIENT;
		snprintf(out->error, sizeof(out->error), "cannot start the program");
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		exec_child(r, p[0], ev);
	}
	close(p[0]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	if (pid > 0) {
		write_body(p[1], body);
	}
	close(p[1]);
	signal(SIGPIPE, old);
	free(body);
	bool timed_out = false;
	int st = pid > 0 ? wait_bounded(pid, r->timeout_ms, &timed_out) : 0;
	out->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	bool ok = pid > 0 && !timed_out && WIFEXITED(st);
	out->outcome = !ok || out->status == EX_TEMPFAIL_CODE ? ZG_ALERT_TRANSIENT
	               : out->status == 0                     ? ZG_ALERT_SENT
	                                                      : ZG_ALERT_PERMANENT;
	if (out->outcome != ZG_ALERT_SENT) {
		snprintf(out->error, sizeof(out->error), "%s",
		         pid < 0 ? "fork failed" : timed_out ? "timed out" : "program failed");
	}
}

void zg_alert_deliver(const zg_alert_conf_t *conf, const zg_alert_route_t *r, const json_t *ev,
                      zg_alert_attempt_t *out)
{
	memset(out, 0, sizeof(*out));
	if (r->kind == ZG_ALERT_EXEC) {
		exec_run(r, ev, out);
		return;
	}
	zg_alert_req_t req;
	zg_err_t ret = zg_alert_payload(conf, r, ev, zg_alert_now_ms(), &req);
	if (ret != ZG_EOK) {
		out->outcome = ret == ZG_ENOMEM ? ZG_ALERT_TRANSIENT : ZG_ALERT_PERMANENT;
		snprintf(out->error, sizeof(out->error), "cannot build the request: %s",
		         zg_strerror(ret));
		return;
	}
	http_post(r, &req, out);
	zg_alert_req_deinit(&req);
}
