#!/usr/bin/env python3
"""kov-proxy and kov-get against real servers, as separate processes.

Usage: proxy_get_test.py --bin DIR (DIR holds kov-proxy, kov-get and kov-http).

Starts kov-http, upstreams.py (Python's http.server and two raw TCP servers), and kov-proxy
in front of them, all on free loopback ports (port 0, the port read back from each program),
then checks: bad arguments; curl and kov-get byte-exact through the proxy for a 20 MiB file
(SHA-256); 1,000 connections open through the proxy at once, each answered; a half-close and a
reset passed through; an upstream refusing connections giving the client a clean close; the
idle timeout; kov-get against kov-http, the proxy and http.server with sized and chunked
bodies (on stdout after the status line, and with -o in a file), and its errors (a server
closing mid-body, a malformed response, refused, unknown host, --timeout against a server that
never answers). Every process is killed at the end; everything runs under time limits.
Python 3 standard library only.
"""
import argparse
import asyncio
import hashlib
import os
import re
import resource
import select
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIG_FILE_BYTES = 20 << 20
CONCURRENT = 1000
processes = []


def start(args, pattern, count=1):
    """Starts a program and reads `count` matches of `pattern` (one group: a port) from its
    stdout, within 10 s."""
    # Unbuffered: readline takes a byte at a time, so select() sees what is still unread.
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    processes.append(p)
    ports, text = [], b""
    deadline = time.monotonic() + 10
    while len(ports) < count:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            raise AssertionError(f"{args[0]} did not start: {text!r}")
        line = p.stdout.readline()
        if not line:
            raise AssertionError(f"{args[0]} exited: {text!r} {p.stderr.read()!r}")
        text += line
        m = re.search(pattern, line.decode())
        if m:
            ports.append(int(m.group(1)))
    return ports


def start_proxy(bin_dir, to, *extra):
    return start([os.path.join(bin_dir, "kov-proxy"), "--listen", "127.0.0.1:0", "--to", to,
                  *extra], r"listening on 127\.0\.0\.1:(\d+)")[0]


def run(args, timeout=60):
    return subprocess.run(args, capture_output=True, timeout=timeout)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def free_port():
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok:", what, flush=True)


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.settimeout(10)
    return s


def read_to_end(s):
    data = b""
    while True:
        piece = s.recv(65536)
        if not piece:
            return data
        data += piece


def how_it_ends(s):
    """Reads to the end: "a clean end" (no bytes, then FIN), "reset", or what else came."""
    try:
        got = read_to_end(s)
        return "a clean end" if got == b"" else f"{len(got)} bytes, then a clean end"
    except ConnectionResetError:
        return "reset"


def send_then_see_end(port, data):
    with connect(port) as s:
        s.sendall(data)
        return how_it_ends(s)


class TlsClient:
    """A TLS client over a socket (ssl memory BIOs), able to send close_notify and still read
    what comes back: a TLS half-close."""

    def __init__(self, port, ca):
        self.raw = connect(port)
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        ctx = ssl.create_default_context(cafile=ca)
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing, server_hostname="localhost")
        self._until_done(self.tls.do_handshake)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.raw.close()

    def _flush(self):
        pending = self.outgoing.read()
        if pending:
            self.raw.sendall(pending)

    def _until_done(self, step):
        while True:
            try:
                result = step()
                self._flush()
                return result
            except ssl.SSLWantReadError:
                self._flush()
                piece = self.raw.recv(65536)
                if piece:
                    self.incoming.write(piece)
                else:
                    self.incoming.write_eof()

    def write(self, data):
        self._until_done(lambda: self.tls.write(data))

    def close_notify(self):
        try:
            self.tls.unwrap()  # sends close_notify; then wants the peer's, which comes later
        except ssl.SSLWantReadError:
            pass
        self._flush()

    def read_to_end(self):
        """What arrives, and how it ended: "close_notify" or the error."""
        data = b""
        while True:
            try:
                piece = self._until_done(lambda: self.tls.read(65536))
            except ssl.SSLZeroReturnError:
                return data, "close_notify"
            except (ssl.SSLError, OSError) as e:
                return data, repr(e)
            if not piece:
                return data, "close_notify"
            data += piece


class Test:
    def __init__(self, bin_dir, tmp):
        self.bin = bin_dir
        self.tmp = tmp
        self.big = os.urandom(BIG_FILE_BYTES)
        with open(os.path.join(tmp, "random.bin"), "wb") as f:
            f.write(self.big)
        with open(os.path.join(tmp, "small.txt"), "wb") as f:
            f.write(b"small file\n")

    def kov_get(self, url, *options):
        return run([os.path.join(self.bin, "kov-get"), *options, url])

    def kov_get_body(self, url, *options):
        """kov-get -o FILE: the result, and the body read back from FILE (None if absent)."""
        path = os.path.join(self.tmp, "body.out")
        if os.path.exists(path):
            os.remove(path)
        r = self.kov_get(url, "-o", path, *options)
        body = None
        if os.path.exists(path):
            with open(path, "rb") as f:
                body = f.read()
        return r, body

    def setup(self):
        self.kov_http = start([os.path.join(self.bin, "kov-http"), "--listen", "127.0.0.1:0"],
                              r"listening on 127\.0\.0\.1:(\d+)")[0]
        self.http, self.sink, self.reset = start(
            [sys.executable, os.path.join(HERE, "upstreams.py"), self.tmp], r"\w+ (\d+)", 3)
        # By name: kov's DNS answers localhost from /etc/hosts (::1 may refuse: Happy Eyeballs).
        self.proxy_kov_http = start_proxy(self.bin, f"localhost:{self.kov_http}")
        self.proxy_http = start_proxy(self.bin, f"127.0.0.1:{self.http}")
        self.proxy_sink = start_proxy(self.bin, f"127.0.0.1:{self.sink}")
        self.proxy_reset = start_proxy(self.bin, f"127.0.0.1:{self.reset}")
        self.proxy_refused = start_proxy(self.bin, f"127.0.0.1:{free_port()}")
        self.proxy_idle = start_proxy(self.bin, f"127.0.0.1:{self.sink}", "--idle-timeout", "1")

    def bad_arguments(self):
        proxy = os.path.join(self.bin, "kov-proxy")
        for args in ([], ["--listen", "127.0.0.1:0"], ["--to", "x:1"],
                     ["--listen", "nonsense", "--to", "x:1"],
                     ["--listen", "127.0.0.1:0", "--to", "no-port"],
                     ["--listen", "127.0.0.1:0", "--to", "x:1", "--idle-timeout", "0"],
                     ["--listen", "127.0.0.1:0", "--to", "x:1", "--bogus", "1"]):
            r = run([proxy, *args], timeout=10)
            check(r.returncode == 2 and b"usage: kov-proxy" in r.stderr,
                  f"kov-proxy {' '.join(args)}: exit 2 with a usage message")
        for args in ([], ["ftp://x/"], ["https://x:99999/"], ["http://h:99999/"], ["-x", "http://h/"],
                     ["-o"], ["http://h/", "-o"], ["--timeout", "0", "http://h/"],
                     ["--timeout", "soon", "http://h/"], ["--timeout", "-1", "http://h/"],
                     ["http://h/", "--timeout"]):
            r = run([os.path.join(self.bin, "kov-get"), *args], timeout=10)
            check(r.returncode == 2 and b"usage: kov-get" in r.stderr,
                  f"kov-get {' '.join(args)}: exit 2 with a usage message")

    def big_bodies(self):
        url = f"http://127.0.0.1:{self.proxy_http}/random.bin"
        r = run(["curl", "-sS", "--fail", "--max-time", "60", url])
        check(r.returncode == 0 and sha(r.stdout) == sha(self.big),
              "curl through the proxy to http.server: 20 MiB byte-exact")
        r, body = self.kov_get_body(url)
        check(r.returncode == 0 and body is not None and sha(body) == sha(self.big) and
              r.stdout.startswith(b"HTTP/1.") and b" 200 " in r.stdout and
              r.stdout.endswith(b"\n") and r.stdout.count(b"\n") == 1,
              "kov-get -o through the proxy to http.server: 20 MiB byte-exact in the file, "
              "the status line alone on stdout")
        r = self.kov_get(f"http://127.0.0.1:{self.http}/random.bin")
        status, _, rest = r.stdout.partition(b"\n")
        check(r.returncode == 0 and status.startswith(b"HTTP/1.") and b" 200 " in status and
              sha(rest) == sha(self.big),
              "kov-get from http.server: the status line, then 20 MiB byte-exact on stdout")

    def kov_get_bodies(self):
        for port, where in ((self.kov_http, "kov-http"), (self.proxy_kov_http, "the proxy")):
            r = self.kov_get(f"http://localhost:{port}/")
            check(r.returncode == 0 and r.stdout == b"HTTP/1.1 200 OK\nHello, world!" and
                  r.stderr == b"",
                  f"kov-get from {where} to kov-http by name: status line and sized body "
                  "on stdout")
        r = run(["curl", "-sS", "--max-time", "30", f"http://localhost:{self.proxy_kov_http}/"])
        check(r.returncode == 0 and r.stdout == b"Hello, world!",
              "curl through the proxy to kov-http: sized body")
        r = self.kov_get(f"http://127.0.0.1:{self.kov_http}/", "-i")
        check(r.returncode == 0 and r.stdout.startswith(b"HTTP/1.1 200 OK\r\n") and
              b"\r\nContent-Length: 13\r\n\r\nHello, world!" in r.stdout,
              "kov-get -i: the head on stdout before the body")
        r, body = self.kov_get_body(f"http://127.0.0.1:{self.kov_http}/", "-i")
        check(r.returncode == 0 and r.stdout.startswith(b"HTTP/1.1 200 OK\r\n") and
              r.stdout.endswith(b"\r\nContent-Length: 13\r\n\r\n") and body == b"Hello, world!",
              "kov-get -i -o: the head on stdout, the body alone in the file")
        first_mib = self.big[:1 << 20]
        for port, where in ((self.http, "http.server"), (self.proxy_http, "the proxy")):
            r, body = self.kov_get_body(f"http://127.0.0.1:{port}/chunked")
            check(r.returncode == 0 and body is not None and sha(body) == sha(first_mib),
                  f"kov-get from {where}: chunked body with extensions and a trailer")
        r = run(["curl", "-sS", "--max-time", "30",
                 f"http://127.0.0.1:{self.proxy_http}/chunked"])
        check(r.returncode == 0 and sha(r.stdout) == sha(first_mib),
              "curl through the proxy: the same chunked body")
        r = self.kov_get(f"http://127.0.0.1:{self.proxy_http}/small.txt")
        check(r.returncode == 0 and
              re.fullmatch(rb"HTTP/1\.[01] 200 [^\n]*\nsmall file\n", r.stdout) is not None,
              "kov-get: a small sized body after the status line")
        r = self.kov_get(f"http://127.0.0.1:{self.http}/missing")
        check(r.returncode == 0 and re.match(rb"HTTP/1\.[01] 404 ", r.stdout) is not None,
              "kov-get: a 404 is a response like any other (status on stdout, exit 0)")

    def kov_get_errors(self):
        cases = (
            (f"http://127.0.0.1:{self.http}/truncated", b"closed before the end of the body"),
            (f"http://127.0.0.1:{self.proxy_http}/truncated", b"closed before the end of the body"),
            (f"http://127.0.0.1:{self.http}/truncated-chunked",
             b"closed before the end of the body"),
            (f"http://127.0.0.1:{self.http}/bad-length", b"malformed or contradictory"),
            (f"http://127.0.0.1:{free_port()}/", b"cannot connect"),
            ("http://no-such-host.invalid/", b"cannot connect to no-such-host.invalid:80"),
        )
        for url, message in cases:
            r = self.kov_get(url)
            check(r.returncode == 1 and message in r.stderr,
                  f"kov-get {url}: exit 1, '{message.decode()}' ({r.stderr.decode().strip().splitlines()[-1]})")
        r = self.kov_get(f"http://127.0.0.1:{self.proxy_refused}/")
        check(r.returncode == 1 and b"closed before the end of the head" in r.stderr,
              "kov-get through a proxy whose upstream refuses: a clean close, exit 1")
        r = self.kov_get(f"http://127.0.0.1:{self.http}/", "-o",
                         os.path.join(self.tmp, "no-such-dir", "body"))
        check(r.returncode == 1 and b"cannot open" in r.stderr and r.stdout == b"",
              "kov-get -o into a missing directory: exit 1 before any request")

    def kov_get_timeout(self):
        # The sink accepts and reads, and answers only after the client's end of stream, which
        # kov-get never sends: a server that accepts and never answers.
        for url in (f"http://127.0.0.1:{self.sink}/", f"http://127.0.0.1:{self.proxy_sink}/"):
            started = time.monotonic()
            r = run([os.path.join(self.bin, "kov-get"), "--timeout", "0.5", url], timeout=30)
            took = time.monotonic() - started
            check(r.returncode == 1 and b"timed out" in r.stderr and r.stdout == b"" and
                  0.5 <= took < 10,
                  f"kov-get --timeout 0.5 against {url} that never answers: exit 1 after "
                  f"{took:.2f} s, '{r.stderr.decode().strip()}'")
        r = self.kov_get(f"http://127.0.0.1:{self.kov_http}/", "--timeout", "20")
        check(r.returncode == 0 and r.stdout == b"HTTP/1.1 200 OK\nHello, world!",
              "kov-get --timeout 20: a prompt answer is unaffected")

    def kov_get_https(self):
        """kov-get against `openssl s_server -www` with a certificate from a CA made here."""
        d = self.tmp
        key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        with open(os.path.join(d, "san.ext"), "w") as f:
            f.write("subjectAltName=DNS:localhost\n")
        for args in (["openssl", "req", "-x509", *key, "-keyout", f"{d}/ca.key", "-out",
                      f"{d}/ca.pem", "-days", "2", "-subj", "/CN=kov-get-test-ca"],
                     ["openssl", "req", *key, "-keyout", f"{d}/tls.key", "-out", f"{d}/tls.csr",
                      "-subj", "/CN=localhost"],
                     ["openssl", "x509", "-req", "-in", f"{d}/tls.csr", "-CA", f"{d}/ca.pem",
                      "-CAkey", f"{d}/ca.key", "-CAcreateserial", "-out", f"{d}/tls.pem",
                      "-days", "2", "-extfile", f"{d}/san.ext"]):
            check(run(args).returncode == 0, f"{' '.join(args[:3])}: test certificate made")
        port = free_port()
        server = subprocess.Popen(["openssl", "s_server", "-www", "-accept", f"127.0.0.1:{port}",
                                   "-cert", f"{d}/tls.pem", "-key", f"{d}/tls.key"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, bufsize=0)
        try:
            seen, deadline = b"", time.monotonic() + 10
            while b"ACCEPT" not in seen and time.monotonic() < deadline:
                if select.select([server.stdout], [], [], deadline - time.monotonic())[0]:
                    seen += server.stdout.readline()
            check(b"ACCEPT" in seen, f"openssl s_server started ({seen!r})")
            url = f"https://localhost:{port}/"
            r = self.kov_get(url, "--cacert", f"{d}/ca.pem")
            check(r.returncode == 0 and r.stdout.startswith(b"HTTP/1.0 200 ok\n<HTML>"),
                  f"kov-get --cacert over TLS: exit 0 and the page ({r.stderr!r})")
            r = self.kov_get(url)
            check(r.returncode == 1 and b"verification failed" in r.stderr and r.stdout == b"",
                  f"kov-get without the CA: exit 1, a verification error ({r.stderr!r})")
            r = self.kov_get(url, "--insecure")
            check(r.returncode == 0 and r.stdout.startswith(b"HTTP/1.0 200 ok"),
                  f"kov-get --insecure: exit 0 ({r.stderr!r})")
        finally:
            server.kill()
            server.wait()
            server.stdout.close()
        self.kov_http_tls(f"{d}/ca.pem", f"{d}/tls.pem", f"{d}/tls.key")
        self.proxy_tls(f"{d}/ca.pem", f"{d}/tls.pem", f"{d}/tls.key")

    def kov_http_tls(self, ca, cert, key):
        """kov-http --tls-cert/--tls-key, fetched by curl (two requests on one connection) and
        by kov-get; an idle connection ended with close_notify; SIGTERM stops it with exit 0."""
        server = subprocess.Popen([os.path.join(self.bin, "kov-http"), "--listen", "127.0.0.1:0",
                                   "--tls-cert", cert, "--tls-key", key, "--idle-timeout", "1"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        try:
            ready = select.select([server.stdout], [], [], 10)[0]
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)",
                          server.stdout.readline().decode() if ready else "")
            check(m is not None, "kov-http with TLS started")
            url = f"https://localhost:{m.group(1)}/"
            r = run(["curl", "-sS", "--max-time", "20", "--cacert", ca, url, url])
            check(r.returncode == 0 and r.stdout == b"Hello, world!" * 2,
                  f"curl --cacert against kov-http over TLS, keep-alive ({r.stderr!r})")
            r = self.kov_get(url, "--cacert", ca)
            check(r.returncode == 0 and r.stdout == b"HTTP/1.1 200 OK\nHello, world!",
                  f"kov-get --cacert against kov-http over TLS ({r.stderr!r})")
            # Without close_notify the quiet connection's end would raise SSLEOFError.
            tls = ssl.create_default_context(cafile=ca)
            with socket.create_connection(("127.0.0.1", int(m.group(1))), timeout=10) as raw, \
                    tls.wrap_socket(raw, server_hostname="localhost",
                                    suppress_ragged_eofs=False) as s:
                try:
                    end = s.recv(1)
                except ssl.SSLError as e:
                    end = e
                check(end == b"", f"kov-http over TLS ends an idle connection with close_notify "
                                  f"({end!r})")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            err = server.stderr.read()
            server.stdout.close()
            server.stderr.close()
        check(server.returncode == 0, f"kov-http with TLS exits 0 on SIGTERM ({err[-2000:]!r})")

    def proxy_tls(self, ca, cert, key):
        """kov-proxy --tls-cert/--tls-key: curl and kov-get through it over TLS; close_notify
        passing through as a half-close both ways; a client that closes without close_notify
        logged as a truncation, the upstream connection reset."""
        tls_args = ["--tls-cert", cert, "--tls-key", key]
        port = start_proxy(self.bin, f"127.0.0.1:{self.http}", *tls_args)
        r = run(["curl", "-sS", "--max-time", "60", "--cacert", ca,
                 f"https://localhost:{port}/random.bin"])
        check(r.returncode == 0 and sha(r.stdout) == sha(self.big),
              f"curl --cacert through the TLS proxy: 20 MiB byte-exact ({r.stderr!r})")
        port = start_proxy(self.bin, f"127.0.0.1:{self.kov_http}", *tls_args)
        r = self.kov_get(f"https://localhost:{port}/", "--cacert", ca)
        check(r.returncode == 0 and r.stdout == b"HTTP/1.1 200 OK\nHello, world!",
              f"kov-get --cacert through the TLS proxy to kov-http ({r.stderr!r})")

        log_path = os.path.join(self.tmp, "proxy_tls.err")
        with socket.socket() as upstream, open(log_path, "wb") as log:
            upstream.bind(("127.0.0.1", 0))
            upstream.listen(4)
            upstream.settimeout(10)
            proxy = subprocess.Popen([os.path.join(self.bin, "kov-proxy"), "--listen",
                                      "127.0.0.1:0", "--to",
                                      f"127.0.0.1:{upstream.getsockname()[1]}", *tls_args],
                                     stdout=subprocess.PIPE, stderr=log, bufsize=0)
            processes.append(proxy)
            ready = select.select([proxy.stdout], [], [], 10)[0]
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)",
                          proxy.stdout.readline().decode() if ready else "")
            check(m is not None, "kov-proxy with TLS started")
            port = int(m.group(1))

            data = os.urandom(300_000)
            with TlsClient(port, ca) as c:
                c.write(data)
                c.close_notify()
                conn, _ = upstream.accept()
                with conn:
                    conn.settimeout(10)
                    got = read_to_end(conn)
                    check(got == data, "the client's close_notify reaches upstream as a FIN, "
                                       "after all its bytes")
                    conn.sendall(b"answer")
                    conn.shutdown(socket.SHUT_WR)
                    answer, end = c.read_to_end()
                check(answer == b"answer" and end == "close_notify",
                      f"upstream's end reaches the client as close_notify ({answer!r}, {end})")

            with TlsClient(port, ca) as c:
                c.write(b"partial")
                c.raw.shutdown(socket.SHUT_WR)  # a FIN without close_notify
                conn, _ = upstream.accept()
                with conn:
                    conn.settimeout(10)
                    check(how_it_ends(conn) == "reset",
                          "a client closing without close_notify: the upstream connection reset")
            deadline = time.monotonic() + 10
            while b"without close_notify" not in open(log_path, "rb").read() \
                    and time.monotonic() < deadline:
                time.sleep(0.05)
            check(b"without close_notify" in open(log_path, "rb").read(),
                  "the truncation is logged")

    def half_close(self):
        data = os.urandom(300_000)
        with connect(self.proxy_sink) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            answer = read_to_end(s)
        check(answer == sha(data).encode() + b"\n",
              "half-close through the proxy: the upstream saw the end, the answer came back")

    def reset_passes_through(self):
        outcome = send_then_see_end(self.proxy_reset, b"x")
        check(outcome == "reset", f"an upstream reset reaches the client as a reset ({outcome})")

    def client_reset(self):
        """The test is the upstream here, to see what reaches it when the client resets."""
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            listener.settimeout(10)
            proxy = start_proxy(self.bin, f"127.0.0.1:{listener.getsockname()[1]}")
            client = connect(proxy)
            upstream, _ = listener.accept()
            with upstream:
                upstream.settimeout(10)
                client.sendall(b"ping")
                check(upstream.recv(4) == b"ping", "bytes reach the test's upstream")
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()  # a reset
                outcome = how_it_ends(upstream)
        check(outcome == "reset", f"a client reset reaches the upstream as a reset ({outcome})")

    def refused(self):
        outcome = send_then_see_end(self.proxy_refused, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        check(outcome == "a clean end", f"upstream refusing: the client sees {outcome}")

    def idle_timeout(self):
        with connect(self.proxy_idle) as s:
            started = time.monotonic()
            s.sendall(b"some bytes")  # activity: the second of quiet starts after them
            got = read_to_end(s)  # the sink answers only at the end of the stream: no bytes
            elapsed = time.monotonic() - started
        check(got == b"" and 0.9 <= elapsed < 5,
              f"idle timeout 1 s: both sides closed after {elapsed:.2f} s of quiet")

    def concurrent(self, port, path, body, where):
        async def one(i, all_answered, answered):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                writer.write(f"GET {path} HTTP/1.1\r\nHost: c{i}\r\n\r\n".encode())
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))
                got = await reader.readexactly(length)
                ok = head.startswith(b"HTTP/1.1 200") and got == body
                answered.append(ok)
                if len(answered) == CONCURRENT:
                    all_answered.set()
                # Keep the connection (keep-alive) until every one was answered: all of them
                # were open through the proxy at once.
                await all_answered.wait()
                return ok
            finally:
                writer.close()

        async def all_of_them():
            all_answered, answered = asyncio.Event(), []
            return await asyncio.wait_for(
                asyncio.gather(*(one(i, all_answered, answered) for i in range(CONCURRENT))),
                timeout=120)

        results = asyncio.run(all_of_them())
        check(len(results) == CONCURRENT and all(results),
              f"{CONCURRENT} connections open at once through the proxy to {where}, all answered")

    def run(self):
        self.setup()
        self.bad_arguments()
        self.kov_get_bodies()
        self.big_bodies()
        self.kov_get_errors()
        self.kov_get_timeout()
        self.kov_get_https()
        self.half_close()
        self.reset_passes_through()
        self.client_reset()
        self.refused()
        self.idle_timeout()
        self.concurrent(self.proxy_kov_http, "/", b"Hello, world!", "kov-http")
        self.concurrent(self.proxy_http, "/small.txt", b"small file\n", "http.server")
        for p in processes[:2]:
            check(p.poll() is None, f"{os.path.basename(p.args[0])} still running at the end")
        for p in processes[2:]:
            check(p.poll() is None, f"kov-proxy --to {p.args[4]} still running at the end")


def stop_all():
    """Stops every process; the kov programs must exit 0 on SIGTERM (under the sanitizers, a
    leak or an error found at exit makes that fail)."""
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    failed = []
    for p in processes:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        if os.path.basename(p.args[0]).startswith("kov-") and p.returncode != 0:
            failed.append(f"{' '.join(p.args)}: exit {p.returncode}: {p.stderr.read()[-3000:]!r}")
    return failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    def out_of_time(*_):
        raise TimeoutError("the test took longer than its 280 s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(280)  # the whole test, whatever hangs; the processes are still stopped
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 16384), hard))  # children inherit it
    tmp = tempfile.mkdtemp(prefix="kov-proxy-test-")
    try:
        Test(args.bin, tmp).run()
    finally:
        failed = stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    check(not failed, "every kov program exited 0 on SIGTERM" + "".join("\n  " + f for f in failed))
    print("all passed")


if __name__ == "__main__":
    main()
