"""A one-directory HTTPS server for the fetch test: 127.0.0.1, a free port (printed), stops by itself.

serve.py DIR CERT KEY LOG     serves DIR; logs "PATH ACCEPT" per request to LOG
"""
import http.server
import ssl
import sys
import threading

root, cert, key, log = sys.argv[1:5]


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def do_GET(self):
        with open(log, "a") as f:
            f.write(f"{self.path} {self.headers.get('Accept')}\n")
        super().do_GET()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
threading.Timer(60, server.shutdown).start()
server.serve_forever()
