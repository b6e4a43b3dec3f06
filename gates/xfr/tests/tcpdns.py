"""tcpdns.py -- what the gate tests' DNS-over-TCP helpers share (xfr-relay.py, fake-signer.py):
exact reads of length-prefixed messages, a listener on a free loopback port announced in a
file, a thread per connection."""
import os
import socket
import threading


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def serve_loopback(port_file, handler, args):
    """Listen on 127.0.0.1 on a port the kernel picks, write it to port_file (atomically), and
    run handler(conn, args) in a thread per connection, forever."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(port_file + ".tmp", port_file)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handler, args=(conn, args), daemon=True).start()
