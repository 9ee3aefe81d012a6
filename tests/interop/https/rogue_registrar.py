"""A registrar that lies, for the pledge's refusal tests: 127.0.0.1, a free port (printed), stops by itself.

rogue_registrar.py CERT KEY MODE MASA_KEY MASA_CERT PINNED IOT_VOUCHER TMPDIR

It shows CERT in TLS, reads the pledge's JWS voucher-request and answers with a voucher that the
real MASA key signed (made with iot-voucher create and sign), wrong in the way MODE says:
  wrong-nonce   another nonce
  wrong-serial  another serial-number
  pinned        right for this pledge, pinning PINNED (which CERT does not chain to)
Telemetry posts are answered 200.
"""
import base64
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading

cert, key, mode, masa_key, masa_cert, pinned, iot_voucher, tmp = sys.argv[1:9]


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not self.path.endswith("/requestvoucher"):
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        request = json.loads(b64url(json.loads(body)["payload"]))
        leaves = request["ietf-voucher-request:voucher"]
        nonce = leaves["nonce"]
        serial = leaves["serial-number"]
        if mode == "wrong-nonce":
            nonce = base64.b64encode(os.urandom(16)).decode()
        if mode == "wrong-serial":
            serial = serial + "-OTHER"
        description = os.path.join(tmp, "rogue-voucher.json")
        subprocess.run([iot_voucher, "create", "--assertion", "proximity", "--serial-number", serial,
                        "--nonce", nonce, "--pinned-domain-cert", pinned, "-o", description], check=True)
        signed = subprocess.run([iot_voucher, "sign", "--format", "jws", "--key", masa_key, "--cert", masa_cert,
                                 description], check=True, capture_output=True).stdout
        self.send_response(200)
        self.send_header("Content-Type", "application/voucher-jws+json")
        self.send_header("Content-Length", str(len(signed)))
        self.end_headers()
        self.wfile.write(signed)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
threading.Timer(60, server.shutdown).start()
server.serve_forever()
