#!/usr/bin/env python3
"""A UDP relay in front of a CoAPS server that goes silent part-way through an exchange.

usage: cutoff_proxy.py TARGET_PORT KEEP [SECONDS]

Relays datagrams between clients on 127.0.0.1 and the server on 127.0.0.1:TARGET_PORT, each client
through an upstream socket of its own, so DTLS sessions pass through untouched. The DTLS handshake
always passes; of the server's application-data records (DTLS content type 23, the only plaintext
the relay reads) the first KEEP reach the clients and later ones are dropped, as when a server
goes away mid-exchange or a block-wise transfer is cut off. Prints its port on stdout, then relays
for SECONDS (default 60) and exits.
"""
import select
import socket
import sys
import time

APPLICATION_DATA = 23

target = ("127.0.0.1", int(sys.argv[1]))
keep = int(sys.argv[2])
deadline = time.monotonic() + (float(sys.argv[3]) if len(sys.argv) > 3 else 60.0)

front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(("127.0.0.1", 0))
print(front.getsockname()[1], flush=True)

upstream = {}  # client address -> its socket to the server
client_of = {}  # upstream socket -> client address
passed = 0
while time.monotonic() < deadline:
    ready, _, _ = select.select([front, *client_of], [], [], 0.2)
    for sock in ready:
        data, addr = sock.recvfrom(65536)
        if sock is front:
            if addr not in upstream:
                up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                up.connect(target)
                upstream[addr] = up
                client_of[up] = addr
            upstream[addr].send(data)
            continue
        if data and data[0] == APPLICATION_DATA:
            if passed >= keep:
                continue
            passed += 1
        front.sendto(data, client_of[sock])
