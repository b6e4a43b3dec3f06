/* alert_run.h -- helpers of `zonegate alert` and the verify hooks: logging, reports, the sender. */
#pragma once

#include "alerting/alert.h"
#include "gates/cli/alert_conf.h"
#include "verifier/report.h"

/*! \brief Print one delivery result as one line (no URL, no secret). */
void cli_alert_print_result(const zg_alert_result_t *r, void *arg);

/*! \brief Save the JSON report into the report dir atomically; path into out ("" on failure). */
void cli_alert_save_report(const cli_alert_conf_t *c, const zg_report_t *rep, char *out,
                           size_t size);

/*!
 * \brief Detach a sender (double fork, new session, stdio on /dev/null) that pings the heartbeat
 *        (if heartbeat is true) and, with deliver: background, flushes the spool for up to
 *        sender-window. Returns at once: the verdict is never delayed.
 */
void cli_alert_spawn_sender(const cli_alert_conf_t *c, bool heartbeat);

/*! \brief Seconds since the process started (the verification's wall time). */
double cli_alert_elapsed_s(void);

/*! \brief Crash points for the kill tests: ZONEGATE_TEST_CRASH_AT=state-written|spooled. */
void cli_alert_checkpoint(const char *where);
