/* cmd_hsm.c -- `zonegate hsm audit` and the --hsm-token hook of verify (issue 4: placeholder). */
#include <stdio.h>
#include "gates/cli/cli.h"

int cli_cmd_hsm(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "zonegate: hsm: not implemented in this build\n");
	return CLI_EXIT_UNVERIFIED;
}

int cli_hsm_candidates(const cli_verify_opts_t *o, const char *origin, zg_candidate_key_t **keys,
                       size_t *n, char *err, size_t errlen)
{
	(void)origin;
	*keys = NULL;
	*n = 0;
	if (o->nhsm_tokens > 0) {
		snprintf(err, errlen, "--hsm-token: HSM support is not implemented in this build");
		return -1;
	}
	return 0;
}

void cli_hsm_candidates_free(zg_candidate_key_t *keys, size_t n)
{
	(void)keys;
	(void)n;
}
