/* gate.h -- helpers of the gates: atomic installation of published and quarantined files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Copy src over dst atomically (temp file, fsync, rename, fsync dir); with prev, the old dst
 * stays as dst.prev. 0 on success; on failure dst is untouched and err says why. */
int gate_atomic_install(const char *src, const char *dst, bool prev, char *err, size_t errlen);

/* Run cmd with /bin/sh -c; out gets the first line of its stdout+stderr. Returns the exit
 * status (128 + signal if killed), -1 if it could not run. */
int gate_hook_run(const char *cmd, char *out, size_t outlen);
