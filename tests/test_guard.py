"""The address guard: every spelling of a local address refused, before and at connection."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import httpcore
import pytest
from hypothesis import given
from hypothesis import strategies as st
from server import LocalServer, html

from factcheck.fetch import fetch_sources
from factcheck.fetch._guard import (
    AddressPolicy,
    DNSLookupError,
    ForbiddenAddress,
    GuardedBackend,
    GuardedTransport,
    IPAddress,
    QuickStream,
    classify,
    parse_ip,
    parse_ipv4,
    peer_refusal,
)
from factcheck.models import SourceStatus
from factcheck.settings import FetchSettings

GUARD = AddressPolicy()

SPELLINGS_OF_LOOPBACK = [
    "127.0.0.1",
    "2130706433",
    "0x7f000001",
    "0X7F000001",
    "0177.0.0.1",
    "0177.0000.0000.0001",
    "017700000001",
    "127.1",
    "127.0.1",
    "0x7f.1",
    "0x7f.0.0.0x1",
    "127.000.000.001",
]


@pytest.mark.parametrize("spelling", SPELLINGS_OF_LOOPBACK)
def test_every_ipv4_spelling_of_loopback_parses_to_127_0_0_1(spelling: str) -> None:
    """Decimal, hex, octal and short forms all mean 127.0.0.1, as inet_aton reads them."""
    assert parse_ipv4(spelling) == ipaddress.IPv4Address("127.0.0.1")


@pytest.mark.parametrize(
    "text", ["1.2.3.256", "1.2.3.4.5", "08.0.0.1", "example.com", "", "1..1", "0x1g", "1.2.3.-1"]
)
def test_non_addresses_are_not_parsed_as_ipv4(text: str) -> None:
    """Host names and malformed numbers are not addresses (they go to DNS, then the guard)."""
    assert parse_ipv4(text) is None


REFUSED_URLS = [
    *(f"http://{spelling}/" for spelling in SPELLINGS_OF_LOOPBACK),
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]:8080/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]/",
    "http://[::ffff:8.8.8.8]/",  # IPv4-mapped: refused whatever it wraps
    "http://localhost/",
    "http://LOCALHOST./admin",
    "http://app.localhost:3000/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9fea9fe/",  # 169.254.169.254
    "http://2852039166/",  # 169.254.169.254
    "http://10.0.0.1/",
    "http://012.1/",  # 10.0.0.1
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://0.0.0.0/",
    "http://0/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://[::]/",
    "http://%31%32%37.0.0.1/",
    "http://１２７.０.０.１/",
    "http://127。0。0。1/",
    "http://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 wrapping 169.254.169.254
    "https://user:password@127.0.0.1/",
    "http://127.0.0.1.:80/",
    "file:///etc/passwd",
    "ftp://example.com/file",
    "gopher://example.com/",
    "javascript:alert(1)",
    "data:text/html,hello",
    "//example.com/no-scheme",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_local_and_non_http_urls_are_refused_before_any_request(url: str) -> None:
    """Every local address spelling, localhost names and non-http schemes are refused."""
    reason = GUARD.check_url(url)
    assert reason, url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/page",
        "http://93.184.216.34/",
        "http://1572395042/",  # 93.184.216.34 as a number: public, so allowed
        "http://[2606:2800:220:1:248:1893:25c8:1946]/",
        "https://www.documentcloud.org/documents/25031741-elon-vs-openai-again",
        "https://localhost.example.com/",  # a real name that merely starts with localhost
    ],
)
def test_public_urls_pass_the_url_check(url: str) -> None:
    """Public addresses and ordinary host names are let through (names are checked later)."""
    assert GUARD.check_url(url) is None


def test_refusal_reasons_name_the_address_and_its_kind() -> None:
    """A refusal says which address a spelling means and what kind of address it is."""
    reason = GUARD.check_url("http://0x7f000001/") or ""
    assert "127.0.0.1" in reason and "loopback" in reason
    assert "link-local" in (GUARD.check_url("http://169.254.169.254/") or "")
    assert "CGNAT" in (GUARD.check_url("http://100.64.1.1/") or "")
    assert "IPv4-mapped" in (GUARD.check_url("http://[::ffff:10.0.0.1]/") or "")
    assert "only http and https" in (GUARD.check_url("file:///etc/passwd") or "")


def test_allow_private_lifts_the_address_checks_but_not_the_scheme() -> None:
    """allow_private lets local addresses through; file: links stay refused."""
    policy = AddressPolicy(allow_private=True)
    assert policy.check_url("http://127.1/") is None
    assert policy.check_url("http://localhost/") is None
    assert policy.check_url("file:///etc/passwd")


def test_allowed_networks_let_only_their_range_through() -> None:
    """An allowed range (an intranet, a test server) does not open the other local ranges."""
    policy = AddressPolicy.build(False, ["127.0.0.1/32", "10.1.0.0/16"])
    assert policy.check_url("http://127.0.0.1:8080/") is None
    assert policy.check_url("http://10.1.2.3/") is None
    assert policy.check_url("http://127.0.0.2/")
    assert policy.check_url("http://10.2.0.1/")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "169.254.0.1",
        "100.64.0.1",
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:1.2.3.4",
        "192.0.2.1",
        "198.18.0.1",
    ],
)
def test_classify_names_every_non_public_range(address: str) -> None:
    """Loopback, private, link-local, CGNAT, multicast, reserved, unspecified, mapped: refused."""
    assert classify(ipaddress.ip_address(address))


def test_classify_lets_public_addresses_through() -> None:
    """Ordinary public IPv4 and IPv6 addresses are not refused."""
    for address in ("8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"):
        assert classify(ipaddress.ip_address(address)) is None


def _spell(value: int, style: str) -> str:
    octets = [(value >> shift) & 0xFF for shift in (24, 16, 8, 0)]
    if style == "decimal":
        return str(value)
    if style == "hex":
        return hex(value)
    if style == "octal":
        return ".".join("0" + format(octet, "o") for octet in octets)
    if style == "short":
        return f"{octets[0]}.{value & 0xFFFFFF}"
    return ".".join(hex(octet) for octet in octets)


LOCAL_NETWORKS = [
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "0.0.0.0/8",
]


@given(
    network=st.sampled_from(LOCAL_NETWORKS),
    offset=st.integers(min_value=0, max_value=2**24),
    style=st.sampled_from(["decimal", "hex", "octal", "short", "hex-dotted"]),
)
def test_any_spelling_of_any_local_address_is_refused(
    network: str, offset: int, style: str
) -> None:
    """Whatever the address in a local range and however it is spelled, the guard refuses it."""
    net = ipaddress.IPv4Network(network)
    value = int(net.network_address) + offset % net.num_addresses
    spelling = _spell(value, style)
    assert parse_ipv4(spelling) == ipaddress.IPv4Address(value)
    assert GUARD.check_url(f"http://{spelling}/")


def test_ipv6_forms_parse_with_brackets_and_zone_ids() -> None:
    """Bracketed IPv6 with a zone id parses to the address without it."""
    assert parse_ip("[fe80::1%eth0]") == ipaddress.IPv6Address("fe80::1")


class _FakeInner(httpcore.AsyncNetworkBackend):
    """Records where connections were asked to go; never opens a socket."""

    def __init__(self) -> None:
        self.connected: list[str] = []

    async def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        self.connected.append(host)
        raise httpcore.ConnectError("fake backend: no sockets in this test")

    async def connect_unix_socket(self, path: str, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("unix sockets are never used")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _resolver(*answers: list[str]) -> tuple[Any, list[str]]:
    """A resolver giving each answer in turn, and the list of names it was asked."""
    asked: list[str] = []
    queue = [[ipaddress.ip_address(a) for a in answer] for answer in answers]

    async def resolve(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return resolve, asked


def test_a_name_resolving_to_a_private_address_never_connects() -> None:
    """A host name whose DNS answer is private is refused before any connection."""
    inner = _FakeInner()
    resolve, _ = _resolver(["10.0.0.7"])
    backend = GuardedBackend(GUARD, resolve, inner)
    with pytest.raises(ForbiddenAddress, match=r"10\.0\.0\.7"):
        asyncio.run(backend.connect_tcp("intranet.example", 80))
    assert inner.connected == []


def test_a_name_with_one_private_answer_among_public_ones_is_refused() -> None:
    """A DNS answer mixing public and private addresses is treated as hostile."""
    inner = _FakeInner()
    resolve, _ = _resolver(["93.184.216.34", "127.0.0.1"])
    with pytest.raises(ForbiddenAddress, match="loopback"):
        asyncio.run(GuardedBackend(GUARD, resolve, inner).connect_tcp("mixed.example", 80))
    assert inner.connected == []


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup() -> None:
    """DNS rebinding: the name is resolved once and the socket goes to that checked address,
    so a second answer (private) is never used for the same connection."""
    inner = _FakeInner()
    resolve, asked = _resolver(["93.184.216.34"], ["127.0.0.1"])
    backend = GuardedBackend(GUARD, resolve, inner)
    with pytest.raises(httpcore.ConnectError):
        asyncio.run(backend.connect_tcp("rebind.example", 80))
    assert asked == ["rebind.example"]
    assert inner.connected == ["93.184.216.34"]
    with pytest.raises(ForbiddenAddress):  # the next connection's lookup is checked again
        asyncio.run(backend.connect_tcp("rebind.example", 80))
    assert inner.connected == ["93.184.216.34"]


def test_literal_spellings_are_checked_at_connect_time_too() -> None:
    """A host httpx passes through as '0x7f000001' is refused by the backend as well."""
    inner = _FakeInner()
    with pytest.raises(ForbiddenAddress, match=r"127\.0\.0\.1"):
        asyncio.run(GuardedBackend(GUARD, None, inner).connect_tcp("0x7f000001", 80))
    assert inner.connected == []


def test_unix_sockets_are_refused() -> None:
    """A Unix socket is local by definition."""
    with pytest.raises(ForbiddenAddress):
        asyncio.run(GuardedBackend(GUARD, None, _FakeInner()).connect_unix_socket("/tmp/x"))


class _Stream:
    def __init__(self, peer: tuple[str, int]) -> None:
        self.peer = peer

    def get_extra_info(self, name: str) -> Any:
        return self.peer if name == "server_addr" else None


def test_peer_address_check_refuses_a_private_peer() -> None:
    """The address a response actually came from is checked where the transport reports it."""
    assert peer_refusal(GUARD, {"network_stream": _Stream(("10.0.0.1", 80))})
    assert peer_refusal(GUARD, {"network_stream": _Stream(("93.184.216.34", 443))}) is None
    assert peer_refusal(GUARD, {}) is None


class _Inner:
    """A connection's stream over one end of a socket pair, counting what it is asked."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.asked: list[str] = []

    def get_extra_info(self, name: str) -> Any:
        self.asked.append(name)
        if name == "socket":
            return self.sock
        return ("93.184.216.34", 443) if name == "server_addr" else None


def test_quick_stream_says_a_socket_is_readable_when_data_or_the_end_waits() -> None:
    """An idle connection is readable (to be dropped by the pool) exactly when the server sent
    something or closed it, or the socket itself is closed."""
    ours, theirs = socket.socketpair()
    try:
        stream = QuickStream(_Inner(ours))  # type: ignore[arg-type]
        assert stream.get_extra_info("is_readable") is False
        theirs.sendall(b"x")
        assert stream.get_extra_info("is_readable") is True
        ours.recv(1)
        assert stream.get_extra_info("is_readable") is False
        theirs.close()
        assert stream.get_extra_info("is_readable") is True
        ours.close()
        assert stream.get_extra_info("is_readable") is True
    finally:
        ours.close()
        theirs.close()


def test_quick_stream_asks_the_peer_address_once_and_passes_the_rest_on() -> None:
    """The server's address (checked on every response) is asked of the inner stream once;
    other questions go to it every time."""
    ours, theirs = socket.socketpair()
    try:
        inner = _Inner(ours)
        stream = QuickStream(inner)  # type: ignore[arg-type]
        peers = [stream.get_extra_info("server_addr") for _ in range(3)]
        assert peers == [("93.184.216.34", 443)] * 3
        assert stream.get_extra_info("ssl_object") is None
        assert stream.get_extra_info("ssl_object") is None
        assert inner.asked == ["socket", "server_addr", "ssl_object", "ssl_object"]
        assert peer_refusal(GUARD, {"network_stream": stream}) is None
    finally:
        ours.close()
        theirs.close()


# ---------------------------------------------------------------- against the local server


@pytest.fixture
def second_server() -> Any:
    """A server on 127.0.0.2, which the test guard (127.0.0.1 allowed) must refuse."""
    with LocalServer("127.0.0.2") as server:
        server.route("/*", lambda request: html(b"<p>secret</p>"))
        yield server


def test_the_test_server_itself_is_refused_without_an_allowance(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """With the default guard a link to 127.0.0.1 is forbidden_address and never requested."""
    settings = FetchSettings(timeout=2.0)
    [source] = fetch_sources([("S1", f"{local_server.url}/article")], settings)
    assert source.status is SourceStatus.FORBIDDEN_ADDRESS
    assert "loopback" in source.reason
    assert local_server.hits["/article"] == 0


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port2}/secret",
        "http://2130706434:{port2}/secret",  # 127.0.0.2 as a number
        "http://0x7f000002:{port2}/secret",
        "http://127.2:{port2}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.2]:{port2}/secret",
        "http://localhost:{port2}/secret",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_a_private_address_is_refused_and_never_sent(
    local_server: LocalServer,
    second_server: LocalServer,
    fetch_settings: FetchSettings,
    target: str,
) -> None:
    """A public-looking page redirecting to a local address: forbidden_address, and the local
    server behind it receives nothing."""
    location = target.format(port2=second_server.port)
    url = f"{local_server.url}/redirect-to?url={location}"
    [source] = fetch_sources([("S1", url)], fetch_settings)
    assert source.status is SourceStatus.FORBIDDEN_ADDRESS, source.reason
    assert "redirect 1" in source.reason
    assert second_server.requests == []


def test_a_name_resolving_to_a_private_address_is_refused_through_fetch(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Through the whole fetcher: a DNS answer pointing at 127.0.0.2 gives forbidden_address."""
    resolve, _ = _resolver(["127.0.0.2"])
    policy = AddressPolicy.build(False, fetch_settings.allowed_networks)
    transport = GuardedTransport(policy, resolver=resolve)
    [source] = fetch_sources(
        [("S1", f"http://internal.example:{local_server.port}/article")],
        fetch_settings,
        transport=transport,
    )
    assert source.status is SourceStatus.FORBIDDEN_ADDRESS
    assert "resolves to 127.0.0.2" in source.reason


def test_a_dns_failure_is_a_network_error_without_retries(fetch_settings: FetchSettings) -> None:
    """A name that does not resolve is network_error, asked once (not retried)."""
    asked: list[str] = []

    async def fail(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        raise DNSLookupError(f"DNS lookup for {host} failed: Name or service not known")

    transport = GuardedTransport(AddressPolicy(), resolver=fail)
    [source] = fetch_sources(
        [("S1", "http://no-such-host.example/")], fetch_settings, transport=transport
    )
    assert source.status is SourceStatus.NETWORK_ERROR
    assert "DNS lookup" in source.reason
    assert asked == ["no-such-host.example"]


def test_allow_private_reaches_the_local_server(local_server: LocalServer) -> None:
    """--allow-private lifts the guard: the same loopback link is fetched."""
    settings = FetchSettings(timeout=2.0, allow_private=True, wayback=False)
    [source] = fetch_sources([("S1", f"{local_server.url}/article")], settings)
    assert source.status is SourceStatus.OK
