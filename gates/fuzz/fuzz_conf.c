/* fuzz_conf.c -- every config parser of the gates on arbitrary bytes: the policy file, the
 * gate: section (without its TSIG keys), the alerting: section and a TSIG key file. Each must
 * accept or refuse with a message; none may crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "gates/cli/alert_conf.h"
#include "gates/cli/cli.h"
#include "gates/xfr/gate_xfr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char input_path[64];

static void remove_input(void)
{
	unlink(input_path);
}

/* The parsers read files: one temp file per process, rewritten for every input. */
static const char *input_file(const uint8_t *data, size_t size)
{
	if (input_path[0] == '\0') {
		snprintf(input_path, sizeof(input_path), "/tmp/zg-fuzz-conf.XXXXXX");
		int fd = mkstemp(input_path);
		if (fd < 0) {
			abort();
		}
		close(fd);
		atexit(remove_input);
	}
	FILE *f = fopen(input_path, "wb");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		abort();
	}
	return input_path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = input_file(data, size);
	char err[1024];
	zg_policy_t policy = zg_policy_default();
	(void)cli_policy_load(path, &policy, err, sizeof(err));
	gate_conf_t conf;
	if (gate_conf_load_nokeys(path, &conf, err, sizeof(err)) == 0) {
		gate_conf_free(&conf);
	}
	cli_alert_conf_t alert;
	if (cli_alert_conf_load(path, &alert, err, sizeof(err)) == 0) {
		cli_alert_conf_free(&alert);
	}
	knot_tsig_key_t key;
	if (gate_key_load(path, &key, err, sizeof(err)) == 0) {
		knot_tsig_key_deinit(&key);
	}
	return 0;
}
