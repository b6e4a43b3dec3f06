/* gate.h -- helpers of the gates: atomic installation of published and quarantined files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Copy src over dst atomically (temp file, fsync, rename, fsync dir); with prev, the old dst
 * stays as dst.prev. 0 on success; on failure dst is untouched and err says why. */
int gate_atomic_install(const char *src, const char *dst, bool prev, char *err, size_t errlen);
