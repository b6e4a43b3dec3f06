/* fuzz_zone.c -- zone text -> zg_zone_load() -> zg_verify(): must never crash or leak. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "verifier/verify.h"
#include "verifier/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("zone", 0);
	if (fd < 0) {
		return 0;
	}
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	zg_zone_t *zone = NULL;
	char msg[ZG_ERRMSG_LEN];
	if (zg_zone_load(path, NULL, &zone, msg, sizeof(msg)) == ZG_EOK) {
		zg_verify_opts_t opts = { .now = 1798761600 };
		zg_report_t *rep = NULL;
		if (zg_verify(zone, &opts, &rep) == ZG_EOK) {
			zg_report_free(rep);
		}
		zg_zone_free(zone);
	}
	close(fd);
	return 0;
}
