"""Real TCP and UDP flows for the MUD enforcement test.

serve SPEC...        listen on tcp:ADDR:PORT / udp:ADDR:PORT; TCP answers "ok", UDP echoes
tcp DST PORT [SRC [SPORT]]   exit 0 when a connection gets "ok", 1 when it times out or is refused, 2 when it cannot bind
udp DST PORT [SRC]           exit 0 when the datagram is echoed, 1 otherwise
"""
import socket
import sys
import threading

TIMEOUT = 1.0


def listen(proto, addr, port):
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    if proto == "tcp":
        s.listen(16)
    return s


def serve_tcp(s):
    while True:
        c, _ = s.accept()
        try:
            c.sendall(b"ok\n")
        finally:
            c.close()


def serve_udp(s):
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(data, peer)


def main(argv):
    cmd = argv[1]
    if cmd == "serve":
        threads = []
        for spec in argv[2:]:
            proto, rest = spec.split(":", 1)
            addr, port = rest.rsplit(":", 1)
            fn = serve_tcp if proto == "tcp" else serve_udp
            # bound before "ready" is printed, so no flow races the listener
            t = threading.Thread(target=fn, args=(listen(proto, addr, int(port)),), daemon=True)
            t.start()
            threads.append(t)
        print("ready", flush=True)
        threading.Event().wait(120)  # stops by itself
        return 0
    dst, port = argv[2], int(argv[3])
    src = argv[4] if len(argv) > 4 else ""
    sport = int(argv[5]) if len(argv) > 5 else 0
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    kind = socket.SOCK_STREAM if cmd == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(TIMEOUT)
    if src or sport:
        try:
            s.bind((src, sport))
        except OSError as e:  # a broken test, not a dropped flow
            print(f"flow: cannot bind {src}:{sport}: {e}", file=sys.stderr)
            return 2
    try:
        if cmd == "tcp":
            s.connect((dst, port))
            return 0 if s.recv(16) == b"ok\n" else 1
        s.sendto(b"ping", (dst, port))
        data, _ = s.recvfrom(2048)
        return 0 if data == b"ping" else 1
    except OSError:
        return 1
    finally:
        s.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
