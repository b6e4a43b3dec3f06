/* publish_state.h -- `zonegate publish --state DIR`: the XFR gate's state database for a file
 * pipeline (versions seen, the published serial, the key history behind rollover.* timing). */
#pragma once

#include "gates/cli/cli.h"

typedef struct pub_state pub_state_t;

/* NULL when out of memory; nothing is opened before the zone is loaded */
pub_state_t *pub_state_new(const cli_verify_opts_t *o);
/* the cli_history_fn of publish --state (arg: the pub_state_t): opens DIR/gate.db */
int pub_state_history(void *arg, const zg_zone_t *zone, const zg_zone_t *prev,
                      zg_key_history_t **h, size_t *n, char *msg, size_t msglen);
/* the verdict (0 pass, 1 blocked, 2 unverified) of the candidate behind rep; 0 recorded (or no
 * state was opened), -1 the database refused it */
int pub_state_version(pub_state_t *s, const zg_report_t *rep, int verdict, const char *report);
/* the candidate behind rep is now the distribution file: the key history moves forward */
int pub_state_published(pub_state_t *s, const zg_report_t *rep);
void pub_state_free(pub_state_t *s);
