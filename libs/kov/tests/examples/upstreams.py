#!/usr/bin/env python3
"""Servers no one here wrote the protocol code of, for the kov-proxy and kov-get tests.

Usage: upstreams.py DIR. Starts, each on a free loopback port, and prints one "NAME PORT" line
per server once all listen:
  http   Python's http.server serving DIR (HTTP/1.1, keep-alive, Content-Length), plus
         /chunked (the first MiB of DIR/random.bin in chunks of varying sizes, with chunk
         extensions and a trailer), /truncated (Content-Length 1000000, 1000 bytes sent, then
         the close), /truncated-chunked (a chunk cut short) and /bad-length (a Content-Length
         that is not a number).
  sink   reads until the client's end of stream, then answers the SHA-256 (hex) of what it
         read and closes: the answer arrives only if a half-close reached it.
  reset  reads a little, then resets the connection (SO_LINGER 0 and close).
Runs until killed. Python 3 standard library only.
"""
import hashlib
import http.server
import os
import socket
import socketserver
import struct
import sys
import threading

CHUNKED_SOURCE_BYTES = 1 << 20


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: 1,000 connections would flood the log
        pass

    def do_GET(self):
        special = {
            "/chunked": self.send_chunked,
            "/truncated": self.send_truncated,
            "/truncated-chunked": self.send_truncated_chunked,
            "/bad-length": self.send_bad_length,
        }.get(self.path)
        if special is None:
            super().do_GET()
        else:
            special()

    def send_chunked(self):
        with open(os.path.join(self.directory, "random.bin"), "rb") as f:
            data = f.read(CHUNKED_SOURCE_BYTES)
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Trailer", "X-Checksum")
        self.end_headers()
        at, size, n = 0, 1, 0
        while at < len(data):
            piece = data[at:at + size]
            ext = ';name="quoted;value"' if n % 3 == 0 else (";flag" if n % 3 == 1 else "")
            self.wfile.write(b"%x%s\r\n%s\r\n" % (len(piece), ext.encode(), piece))
            at += len(piece)
            size = size * 3 + 7 if size < 200000 else 1
            n += 1
        self.wfile.write(b"0;end=1\r\nX-Checksum: %s\r\n\r\n" %
                         hashlib.sha256(data).hexdigest().encode())
        self.close_connection = True

    def send_truncated(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        self.wfile.write(b"x" * 1000)
        self.wfile.flush()
        self.close_connection = True

    def send_truncated_chunked(self):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"5\r\nhello\r\n3e8\r\nonly this")
        self.wfile.flush()
        self.close_connection = True

    def send_bad_length(self):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nhello")
        self.close_connection = True


class HttpServer(http.server.ThreadingHTTPServer):
    request_queue_size = 1024  # 1,000 connections arrive at once
    daemon_threads = True


class SinkHandler(socketserver.BaseRequestHandler):
    def handle(self):
        digest = hashlib.sha256()
        while True:
            data = self.request.recv(65536)
            if not data:
                break
            digest.update(data)
        self.request.sendall(digest.hexdigest().encode() + b"\n")


class ResetHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.recv(1)
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # Closed here: socketserver would shut the sending side down first, a clean FIN.
        self.request.close()


class TcpServer(socketserver.ThreadingTCPServer):
    request_queue_size = 1024
    daemon_threads = True
    allow_reuse_address = True


def main():
    directory = sys.argv[1]
    servers = {
        "http": HttpServer(("127.0.0.1", 0),
                           lambda *a: Handler(*a, directory=directory)),
        "sink": TcpServer(("127.0.0.1", 0), SinkHandler),
        "reset": TcpServer(("127.0.0.1", 0), ResetHandler),
    }
    for name, server in servers.items():
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(name, server.server_address[1], flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
