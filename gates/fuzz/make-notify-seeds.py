#!/usr/bin/env python3
"""make-notify-seeds.py DIR -- seed messages for fuzz_notify: byte 0 picks the sender (even: the
zone's signer 127.0.0.1, odd: 127.0.0.2), the rest is a DNS message (RFC 1035 4.1, NOTIFY RFC
1996, TSIG RFC 8945 with a wrong MAC: the check runs, and fails)."""
import os, struct, sys

def name(s):
    out = b""
    for label in s.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"

def msg(opcode, qname, qtype, additional=b"", arcount=0, qr=0):
    flags = (qr << 15) | (opcode << 11) | (1 << 10)
    return struct.pack(">HHHHHH", 0x1234, flags, 1, 0, 0, arcount) + name(qname) + \
        struct.pack(">HH", qtype, 1) + additional

def tsig(key, mac):
    rdata = name("hmac-sha256.") + struct.pack(">HIH", 0, 1798761600, 300) + \
        struct.pack(">H", len(mac)) + mac + struct.pack(">HHH", 0x1234, 0, 0)
    return name(key) + struct.pack(">HHIH", 250, 255, 0, len(rdata)) + rdata

seeds = {
    "notify-unsigned": b"\0" + msg(4, "test.", 6),
    "notify-other-host": b"\1" + msg(4, "test.", 6),
    "notify-bad-mac": b"\0" + msg(4, "test.", 6, tsig("xfr-key.", b"\xaa" * 32), 1),
    "notify-unknown-key": b"\0" + msg(4, "test.", 6, tsig("other-key.", b"\x55" * 32), 1),
    "notify-unknown-zone": b"\0" + msg(4, "other.", 6),
    "axfr": b"\0" + msg(0, "test.", 252),
    "ixfr": b"\0" + msg(0, "test.", 251),
    "query-a": b"\0" + msg(0, "test.", 1),
    "response": b"\0" + msg(4, "test.", 6, qr=1),
    "truncated": b"\0" + msg(4, "test.", 6)[:15],
}
os.makedirs(sys.argv[1], exist_ok=True)
for n, data in seeds.items():
    with open(os.path.join(sys.argv[1], n), "wb") as f:
        f.write(data)
