#!/usr/bin/env python3
"""A local AWS Lambda Runtime API for tests and the bench (no AWS).

    runtime_api.py [--port N]      prints "PORT <n>" on stdout once it listens on 127.0.0.1

The runtime under test (bootstrap) talks to /2018-06-01/runtime/... exactly as on Lambda:
  GET  invocation/next              blocks until an event is queued; Lambda-Runtime-* headers
  POST invocation/{id}/response     202; recorded
  POST invocation/{id}/error        202; recorded with Lambda-Runtime-Function-Error-Type
  POST init/error                   202; recorded
The test drives it on /test/...:
  POST /test/invoke?timeout=S[&deadline_ms=N]
                                    queues the body as an event (Lambda-Runtime-Deadline-Ms N ms
                                    ahead, default 30 s), waits for the runtime's answer and
                                    returns {"kind": "response"|"error", "error_type", "body"}
                                    (504 when none came in time)
  GET  /test/init_error?timeout=S   the init/error report as {"error_type","body"} (504 if none)
  GET  /test/stats                  {"next_calls": n, "first_next_ns": monotonic ns or null}
  POST /test/reset                  forget the stats (before starting another runtime)
"""
import argparse
import json
import queue
import select
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PREFIX = "/2018-06-01/runtime/"


class State:
    def __init__(self):
        self.events = queue.Queue()
        self.lock = threading.Condition()
        self.results = {}  # request id -> result dict
        self.init_error = None
        self.next_calls = 0
        self.first_next_ns = None


STATE = State()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes

    def log_message(self, fmt, *args):  # quiet
        pass

    def client_gone(self):
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, payload=b"", headers=None):
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        if url.path == PREFIX + "invocation/next":
            with STATE.lock:
                STATE.next_calls += 1
                if STATE.first_next_ns is None:
                    STATE.first_next_ns = time.monotonic_ns()
            # A runtime killed while waiting must not swallow the next event: hand events only to
            # a caller whose connection is still open.
            while True:
                try:
                    rid, event, trace, budget_ms = STATE.events.get(timeout=0.05)
                except queue.Empty:
                    if self.client_gone():
                        return
                    continue
                if self.client_gone():
                    STATE.events.put((rid, event, trace, budget_ms))
                    return
                break
            deadline = int(time.time() * 1000) + budget_ms
            self.reply(200, event, {
                "Content-Type": "application/json",
                "Lambda-Runtime-Aws-Request-Id": rid,
                "Lambda-Runtime-Deadline-Ms": str(deadline),
                "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:pgrest",
                "Lambda-Runtime-Trace-Id": trace,
            })
        elif url.path == "/test/init_error":
            timeout = float(q.get("timeout", ["5"])[0])
            with STATE.lock:
                STATE.lock.wait_for(lambda: STATE.init_error is not None, timeout)
                err = STATE.init_error
            self.reply(200, err) if err else self.reply(504, {"error": "no init/error"})
        elif url.path == "/test/stats":
            with STATE.lock:
                self.reply(200, {"next_calls": STATE.next_calls, "first_next_ns": STATE.first_next_ns})
        else:
            self.reply(404, {"error": "unknown path " + url.path})

    def do_POST(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        data = self.body()
        if url.path.startswith(PREFIX + "invocation/"):
            parts = url.path[len(PREFIX + "invocation/"):].split("/")
            if len(parts) != 2 or parts[1] not in ("response", "error"):
                return self.reply(404, {"errorMessage": "unknown path", "errorType": "InvalidRequest"})
            with STATE.lock:
                if parts[0] not in STATE.results or STATE.results[parts[0]] is not None:
                    return self.reply(400, {"errorMessage": "unknown or answered request id",
                                            "errorType": "InvalidRequestID"})
                STATE.results[parts[0]] = {
                    "kind": parts[1],
                    "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                    "body": data.decode("utf-8", "replace"),
                }
                STATE.lock.notify_all()
            self.reply(202, {"status": "OK"})
        elif url.path == PREFIX + "init/error":
            with STATE.lock:
                STATE.init_error = {
                    "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                    "body": data.decode("utf-8", "replace"),
                }
                STATE.lock.notify_all()
            self.reply(202, {"status": "OK"})
        elif url.path == "/test/invoke":
            timeout = float(q.get("timeout", ["10"])[0])
            budget_ms = int(q.get("deadline_ms", ["30000"])[0])
            rid = str(uuid.uuid4())
            trace = "Root=1-%08x-%s;Parent=%s;Sampled=0" % (int(time.time()), uuid.uuid4().hex[:24],
                                                           uuid.uuid4().hex[:16])
            with STATE.lock:
                STATE.results[rid] = None
            STATE.events.put((rid, data, trace, budget_ms))
            with STATE.lock:
                STATE.lock.wait_for(lambda: STATE.results[rid] is not None, timeout)
                result = STATE.results.pop(rid)
            if result is None:
                self.reply(504, {"error": "the runtime did not answer within %ss" % timeout})
            else:
                self.reply(200, result)
        elif url.path == "/test/reset":
            with STATE.lock:
                STATE.next_calls = 0
                STATE.first_next_ns = None
                STATE.init_error = None
            self.reply(200, {"status": "OK"})
        else:
            self.reply(404, {"error": "unknown path " + url.path})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A runtime killed while it waits on invocation/next is expected in tests: stay quiet.
        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    print("PORT", server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
