"""A local HTTP server for fault injection on 127.0.0.x (a random port).

``LocalServer`` answers from a route table: each route is a function from a :class:`Request` to
a :class:`Reply` (status, headers, body, a delay, a TCP reset, a chunked stream). The standard
misbehaving routes and the site stand-ins are in ``faults.py``. It sends no Date or Server
header, so recordings made from it are byte-for-byte stable.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """What a route sees of a request."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    server: LocalServer


@dataclass
class Reply:
    """What a route answers. ``chunks`` streams a chunked body; ``reset`` drops the connection
    with a TCP reset before answering; ``delay`` waits before the status line."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunks: Iterable[bytes] | None = None
    chunk_delay: float = 0.0
    delay: float = 0.0
    reset: bool = False
    content_length: int | None = None  # declare a length other than the body's


Route = Callable[[Request], Reply]


def html(body: bytes, status: int = 200, *extra: tuple[str, str]) -> Reply:
    return Reply(status, [("Content-Type", "text/html; charset=utf-8"), *extra], body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def send_response(self, code: int, message: str | None = None) -> None:
        # No Date or Server header: recordings made from this server are byte-for-byte stable.
        self.log_request(code)
        self.send_response_only(code, message)

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def _serve(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        request = Request(self.command, parts.path, query, dict(self.headers.items()), owner)
        owner.record(request)
        try:
            route = owner.find(parts.path)
            reply = route(request) if route else html(b"<h1>Not Found</h1>", 404)
            self._answer(reply)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True
        finally:
            owner.leave()

    def _answer(self, reply: Reply) -> None:
        stopping = self.server.owner.stopping  # a stalled answer ends when the server stops
        if reply.delay:
            stopping.wait(reply.delay)
        if reply.reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.chunks is not None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if self.command == "HEAD":
                return
            for chunk in reply.chunks:
                if reply.chunk_delay:
                    stopping.wait(reply.chunk_delay)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
            return
        length = reply.content_length if reply.content_length is not None else len(reply.body)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        if length != len(reply.body):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: LocalServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client hanging up mid-answer is one of the cases under test


class LocalServer:
    """A threaded HTTP server on a loopback address and a random port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), _Handler)
        self._server.owner = self
        self.host, self.port = host, int(self._server.server_address[1])
        self.routes: dict[str, Route] = {}
        self.prefixes: list[tuple[str, Route]] = []
        self.hits: Counter[str] = Counter()
        self.methods: Counter[str] = Counter()
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self._handlers: set[threading.Thread] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def route(self, path: str, handler: Route | Reply) -> None:
        """Answer ``path`` (exact, or a prefix when it ends with '*')."""
        route = _constant(handler) if isinstance(handler, Reply) else handler
        if path.endswith("*"):
            self.prefixes.append((path[:-1], route))
        else:
            self.routes[path] = route

    def find(self, path: str) -> Route | None:
        if path in self.routes:
            return self.routes[path]
        matches = [(prefix, route) for prefix, route in self.prefixes if path.startswith(prefix)]
        return max(matches, key=lambda item: len(item[0]))[1] if matches else None

    def record(self, request: Request) -> None:
        with self._lock:
            self.hits[request.path] += 1
            self.methods[request.method] += 1
            self.requests.append(request)
            self._handlers.add(threading.current_thread())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def start(self) -> LocalServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait (a few seconds at most) for the answers still running, so no
        handler thread outlives the test (a process with threads is not forked, see
        factcheck.judge._warm)."""
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            handlers = list(self._handlers)
        for handler in handlers:
            handler.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _constant(reply: Reply) -> Route:
    return lambda _request: reply
