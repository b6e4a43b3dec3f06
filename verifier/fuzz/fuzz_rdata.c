/* fuzz_rdata.c -- RDATA walker and RRSIG parser/signed-data builder on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "verifier/rdata.h"
#include "verifier/rrsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 65535 + 2) {
		return 0;
	}
	uint16_t type = (uint16_t)(data[0] << 8 | data[1]);
	uint8_t *rd = malloc(size - 2 + 1);
	if (rd == NULL) {
		return 0;
	}
	memcpy(rd, data + 2, size - 2);
	(void)zg_rdata_canonicalize(type, rd, (uint16_t)(size - 2));
	zg_rrsig_t sig;
	if (zg_rrsig_parse(rd, size - 2, &sig) == ZG_EOK) {
		static const uint8_t owner[] = { 1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
		zg_rdata_ref_t rr = { .rdata = rd, .rdlen = (uint16_t)(size - 2) };
		zg_dynbuf_t buf;
		zg_dynbuf_init(&buf, 1u << 20);
		(void)zg_rrsig_signed_data(&sig, owner, type, &rr, 1, &buf);
		zg_dynbuf_deinit(&buf);
	}
	free(rd);
	return 0;
}
