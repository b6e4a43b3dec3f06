/* yaml_util.h -- shared by the config parsers of gates/cli: load a YAML document, durations. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

/* What a config parser carries: the file, its document, where its one-line error goes. */
typedef struct {
	const char *path;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
} cli_yaml_ctx_t;

/* "path:line: " + the formatted reason into c->err (n NULL: line 1); always -1 */
int cli_yaml_bad(const cli_yaml_ctx_t *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the value of a scalar node; NULL for anything else (or no node) */
const char *cli_yaml_scalar(const yaml_node_t *n);

/* Load the one document of path; 0, or -1 with "path:line: reason" in err. */
int cli_yaml_load(const char *path, yaml_document_t *doc, char *err, size_t errlen);
/* "250ms", "10s", "5m", "2h", "1d"; a bare number is seconds. 0 or -1. */
int cli_parse_duration_ms(const char *s, uint64_t *out);
