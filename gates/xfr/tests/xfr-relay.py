#!/usr/bin/env python3
"""xfr-relay.py -- a DNS-over-TCP relay between the gate and the real signer, for the gate tests.
Every query goes to the signer and every answer comes back; answers to zone transfers (AXFR,
IXFR) can be changed on the way:
  --tamper      flip the last MAC byte of their TSIG record: the gate sees a signer whose
                transfers fail their TSIG check (as one signing with another secret under the
                same key name) while its SOA answers pass;
  --delay MS    wait MS milliseconds before each message: a WAN-like link, so that a transfer of
                a few MB takes measurable time on loopback (where it takes ~50 ms).
usage: xfr-relay.py [--tamper] [--delay MS] UPSTREAM_PORT PORT_FILE
Listens on 127.0.0.1 on a free port, written to PORT_FILE once it listens."""
import argparse
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpdns import recv_exact, serve_loopback  # noqa: E402

XFR_TYPES = (251, 252)  # IXFR, AXFR


def qtype_of(msg):
    i = 12
    while msg[i]:
        i += msg[i] + 1
    return struct.unpack("!H", msg[i + 1:i + 3])[0]


def relay(client, args):
    up = socket.create_connection(("127.0.0.1", args.upstream), timeout=10)
    try:
        hdr = recv_exact(client, 2)
        query = recv_exact(client, struct.unpack("!H", hdr)[0])
        xfr = qtype_of(query) in XFR_TYPES
        up.sendall(hdr + query)
        while True:
            ready, _, _ = select.select([client, up], [], [], 10)
            if client in ready and not client.recv(1, socket.MSG_PEEK):
                return  # the gate hung up
            if up not in ready:
                continue
            hdr = recv_exact(up, 2)
            msg = bytearray(recv_exact(up, struct.unpack("!H", hdr)[0]))
            if xfr and args.tamper:
                msg[-7] ^= 0xFF  # MAC | original id (2) | error (2) | other len (2, zero)
            if xfr and args.delay:
                time.sleep(args.delay / 1000)
            client.sendall(hdr + bytes(msg))
    except (EOFError, OSError):
        pass
    finally:
        up.close()
        client.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tamper", action="store_true")
    p.add_argument("--delay", type=int, default=0)
    p.add_argument("upstream", type=int)
    p.add_argument("port_file")
    args = p.parse_args()
    serve_loopback(args.port_file, relay, args)


if __name__ == "__main__":
    main()
