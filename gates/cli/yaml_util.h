/* yaml_util.h -- shared by the config parsers of gates/cli: load a YAML document, durations. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

/* Load the one document of path; 0, or -1 with "path:line: reason" in err. */
int cli_yaml_load(const char *path, yaml_document_t *doc, char *err, size_t errlen);
/* "250ms", "10s", "5m", "2h", "1d"; a bare number is seconds. 0 or -1. */
int cli_parse_duration_ms(const char *s, uint64_t *out);
