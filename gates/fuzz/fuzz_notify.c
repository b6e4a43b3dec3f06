/* fuzz_notify.c -- the XFR gate's listener on arbitrary messages: byte 0 picks the sender
 * (even: the zone's signer, odd: another host), the rest is what arrived. The answer must be
 * built (or none) without a crash, and only a correctly signed NOTIFY may mark the zone due. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gates/xfr/gate_xfr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gate_conf_t *conf_once(void)
{
	static gate_conf_t conf;
	static gate_zone_t zone;
	if (conf.nzones == 0) {
		gate_zone_init(&zone);
		snprintf(zone.origin, sizeof(zone.origin), "test.");
		if (gate_addr_parse("127.0.0.1", 53, &zone.signer) != 0 ||
		    knot_tsig_key_init_str(&zone.key,
		                           "hmac-sha256:xfr-key:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0") !=
		            KNOT_EOK) {
			abort();
		}
		zone.key_loaded = true;
		conf.zones = &zone;
		conf.nzones = 1;
	}
	return &conf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > GATE_NOTIFY_MAX + 1) {
		return 0;
	}
	gate_conf_t *conf = conf_once();
	struct sockaddr_storage from = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&from;
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl((data[0] & 1) ? 0x7f000002 : 0x7f000001);
	uint8_t *wire = malloc(size - 1 + 1);
	if (wire == NULL) {
		return 0;
	}
	memcpy(wire, data + 1, size - 1);
	conf->zones[0].due_ms = UINT64_MAX;
	knot_pkt_t *q = knot_pkt_new(wire, (uint16_t)(size - 1), NULL);
	knot_pkt_t *resp = q ? gate_notify_answer(conf, q, &from) : NULL;
	if (conf->zones[0].due_ms == 0 && (q == NULL || q->tsig_rr == NULL || (data[0] & 1))) {
		abort(); /* marked due without a signed NOTIFY from the signer */
	}
	knot_pkt_free(resp);
	knot_pkt_free(q);
	free(wire);
	return 0;
}
