/* alert_conf.h -- the `alerting:` section of the zonegate YAML config -> zg_alert_conf_t. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include "alerting/alert.h"

#define CLI_ALERT_MAX_ROUTES 32
#define CLI_ALERT_MAX_ARGS 16

typedef struct {
	zg_alert_conf_t conf;                        /*!< what the library gets */
	zg_alert_route_t routes[CLI_ALERT_MAX_ROUTES];
	const char *argv[CLI_ALERT_MAX_ROUTES][CLI_ALERT_MAX_ARGS + 1];
	bool background;          /*!< deliver: background (default) or spool-only */
	uint64_t sender_window_ms; /*!< how long the sender forked by verify keeps retrying */
	char **strings;           /*!< every string above (secrets wiped on free) */
	size_t nstrings;
} cli_alert_conf_t;

/*!
 * \brief Parse FILE; unknown keys and bad values are errors naming file:line. Secrets come from
 *        files or environment variables only and are never part of the message in err.
 * \return 0 on success; -1 with a one-line message in err.
 */
int cli_alert_conf_load(const char *path, cli_alert_conf_t *c, char *err, size_t errlen);
/*! \brief Release everything; secrets are wiped first. Safe on a zeroed or half-filled struct. */
void cli_alert_conf_free(cli_alert_conf_t *c);
