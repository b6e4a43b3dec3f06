#!/usr/bin/env python3
"""fake-signer.py -- a broken signer for the gate tests: DNS over TCP on 127.0.0.1 for one zone,
every answer TSIG-signed with the zone's real key (RFC 8945 4.3.3), so that what the gate gets
past its TSIG check is garbage from a signer it trusts. SOA queries get a well-formed answer
with SERIAL (or the one after the mode in the mode file); zone transfers (AXFR, IXFR) get what
the mode file says ("MODE [SERIAL]", read per connection):
  overrun     an A record whose RDLENGTH runs past the end of the message
  bad-rdata   an A record with 3 bytes of RDATA
  no-close    the opening SOA and a record, then the connection closes (no closing SOA)
  cut         a length prefix of 500 bytes, 20 bytes, then the connection closes
  wrong-id    a complete, signed transfer under another message ID
  servfail    rcode SERVFAIL
  garbage     600 random bytes as the message
  foreign     a complete, signed transfer of another zone (other.)
  big         a complete, signed transfer in one message of about 60 kB (2000 A records)
  slow        the good transfer, sent one byte every 20 ms (about 8 s in all)
  good        (or anything else) a complete, signed transfer of an unsigned zone
usage: fake-signer.py ZONE SERIAL KEY MODE_FILE PORT_FILE
KEY is "hmac-sha256:NAME:BASE64"; the port (free, chosen by the kernel) goes to PORT_FILE."""
import base64
import hashlib
import hmac
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpdns import recv_exact, serve_loopback  # noqa: E402


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.lower().encode()
    return out + b"\0"


def skip_name(msg, i):
    while msg[i]:
        if msg[i] & 0xC0 == 0xC0:
            return i + 2
        i += msg[i] + 1
    return i + 1


def request_mac(msg):
    """(qtype, question bytes, MAC of the request's TSIG or b"")"""
    qd, an, ns, ar = struct.unpack("!4H", msg[4:12])
    i = skip_name(msg, 12)
    qtype = struct.unpack("!H", msg[i:i + 2])[0]
    question = msg[12:i + 4]
    i += 4
    mac = b""
    for _ in range(an + ns + ar):
        j = skip_name(msg, i)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[j:j + 10])
        rdata = msg[j + 10:j + 10 + rdlen]
        if rtype == 250:
            k = skip_name(rdata, 0) + 8  # algorithm, time signed (6), fudge (2)
            size = struct.unpack("!H", rdata[k:k + 2])[0]
            mac = rdata[k + 2:k + 2 + size]
        i = j + 10 + rdlen
    return qtype, question, mac


def rr(owner, rtype, rdata, ttl=3600):
    return wire_name(owner) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def soa(zone, serial):
    rdata = wire_name("ns1." + zone) + wire_name("hostmaster." + zone) + \
        struct.pack("!5I", serial, 7200, 1800, 1209600, 3600)
    return rr(zone, 6, rdata)


def sign(msg, req_mac, key_name, secret):
    """msg (header counts without the TSIG) with a TSIG record appended, MAC per RFC 8945."""
    now = int(time.time())
    alg = wire_name("hmac-sha256")
    timers = struct.pack("!HIH", now >> 32, now & 0xFFFFFFFF, 300)
    variables = wire_name(key_name) + struct.pack("!HI", 255, 0) + alg + timers + \
        struct.pack("!HH", 0, 0)
    mac = hmac.new(secret, struct.pack("!H", len(req_mac)) + req_mac + msg + variables,
                   hashlib.sha256).digest()
    orig_id = msg[:2]
    rdata = alg + timers + struct.pack("!H", len(mac)) + mac + orig_id + struct.pack("!HH", 0, 0)
    tsig = wire_name(key_name) + struct.pack("!HHIH", 250, 255, 0, len(rdata)) + rdata
    ar = struct.unpack("!H", msg[10:12])[0] + 1
    return msg[:10] + struct.pack("!H", ar) + msg[12:] + tsig


def message(qid, question, answers, rcode=0):
    flags = 0x8400 | rcode  # QR, AA
    return struct.pack("!6H", qid, flags, 1, len(answers), 0, 0) + question + b"".join(answers)


def transfer(mode, zone, serial, qid, question):
    """(bytes to send raw, or None) and the unsigned message, or None"""
    head = soa(zone, serial)
    a = rr("www." + zone, 1, bytes([192, 0, 2, 1]))
    if mode == "overrun":
        bad = wire_name("www." + zone) + struct.pack("!HHIH", 1, 1, 3600, 200) + b"\1\2\3\4"
        return None, message(qid, question, [head, bad, head])
    if mode == "bad-rdata":
        return None, message(qid, question, [head, rr("www." + zone, 1, b"\1\2\3"), head])
    if mode == "no-close":
        return None, message(qid, question, [head, a])
    if mode == "cut":
        return struct.pack("!H", 500) + os.urandom(20), None
    if mode == "wrong-id":
        return None, message(qid ^ 0x5A5A, question, [head, a, head])
    if mode == "servfail":
        return None, message(qid, question, [], rcode=2)
    if mode == "garbage":
        junk = os.urandom(600)
        return struct.pack("!H", len(junk)) + junk, None
    if mode == "big":
        hosts = [rr("h%d.%s" % (i, zone), 1, bytes([192, 0, 2, i % 250])) for i in range(2000)]
        return None, message(qid, question, [head] + hosts + [head])
    if mode == "foreign":
        other = soa("other.", serial)
        return None, message(qid, question, [other, rr("www.other.", 1, b"\1\2\3\4"), other])
    ns = rr(zone, 2, wire_name("ns1." + zone))
    glue = rr("ns1." + zone, 1, bytes([192, 0, 2, 53]))
    return None, message(qid, question, [head, ns, glue, a, head])


def serve(conn, args):
    zone, serial, key_name, secret, mode_file = args
    try:
        query = recv_exact(conn, struct.unpack("!H", recv_exact(conn, 2))[0])
        qid = struct.unpack("!H", query[:2])[0]
        qtype, question, req_mac = request_mac(query)
        with open(mode_file) as f:
            words = f.read().split()
        mode = words[0] if words else "good"
        serial = int(words[1]) if len(words) > 1 else serial
        if qtype == 6:
            raw, msg = None, message(qid, question, [soa(zone, serial)])
        else:
            raw, msg = transfer(mode, zone, serial, qid, question)
        if msg is not None:
            signed = sign(msg, req_mac, key_name, secret)
            raw = struct.pack("!H", len(signed)) + signed
        if mode == "slow" and qtype != 6:
            for b in raw:
                conn.sendall(bytes([b]))
                time.sleep(0.02)
        else:
            conn.sendall(raw)
        time.sleep(0.2)  # then close: a transfer without its closing SOA ends here
    except (EOFError, OSError, IndexError, struct.error):
        pass
    finally:
        conn.close()


def main():
    zone, serial, key, mode_file, port_file = sys.argv[1:6]
    _, key_name, secret = key.split(":", 2)
    args = (zone, int(serial), key_name, base64.b64decode(secret), mode_file)
    serve_loopback(port_file, serve, args)

if __name__ == "__main__":
    main()
