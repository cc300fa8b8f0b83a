"""The address guard: a cited link may only reach public http(s) servers.

An article is untrusted input. Without a guard, a link (or a redirect from a public page) to
``http://169.254.169.254/`` or ``http://127.1:8080/admin`` would make the tool read the cloud
metadata service or a local admin page and quote it in a report. So:

* only ``http`` and ``https`` URLs are fetched;
* a host written as an address, in any spelling the system resolver accepts (``2130706433``,
  ``0x7f000001``, ``0177.0.0.1``, ``127.1``, ``[::ffff:127.0.0.1]``, full-width digits...), is
  checked before any request is made, on the first URL and on every redirect hop;
* a host name is resolved once, at connection time, by :class:`GuardedBackend`, every address
  it resolves to is checked, and the connection is made to the checked address itself, so a DNS
  answer that changes between check and connect (DNS rebinding) cannot slip through.

``FetchSettings.allow_private`` lifts the guard; ``FetchSettings.allowed_networks`` lets chosen
ranges through (an intranet, a test server) while keeping the rest refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import select
import socket
import ssl
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Dots that IDNA maps to "." (ideographic, full-width, half-width ideographic full stops).
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_HEX = re.compile(r"0x[0-9a-f]*")
_OCT = re.compile(r"0[0-7]+")
_DEC = re.compile(r"[0-9]+")


class DNSLookupError(httpcore.ConnectError):
    """A host name that does not resolve (not worth retrying)."""


class ForbiddenAddress(Exception):
    """A connection the guard refused; ``reason`` says which address and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise_host(host: str) -> str:
    """The host as a resolver sees it: percent-decoded, NFKC-folded, lowercase, no brackets,
    zone id or trailing dot."""
    host = unicodedata.normalize("NFKC", unquote(host)).translate(_DOTS).strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.split("%", 1)[0]  # IPv6 zone id (fe80::1%eth0)
    return host.rstrip(".")


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any spelling ``inet_aton`` accepts (1 to 4 parts, each decimal, octal
    with a leading 0, or hex with 0x; the last part fills the remaining bytes), else None."""
    parts = host.lower().split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        if _HEX.fullmatch(part):
            numbers.append(int(part[2:] or "0", 16))
        elif _OCT.fullmatch(part):
            numbers.append(int(part, 8))
        elif _DEC.fullmatch(part) and not (len(part) > 1 and part.startswith("0")):
            numbers.append(int(part))
        else:
            return None
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (4 - len(leading)):
        return None
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> IPAddress | None:
    """The address a host stands for when it is written as one (any spelling), else None."""
    host = normalise_host(host)
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            return None
    return parse_ipv4(host)


def classify(ip: IPAddress) -> str | None:
    """Why an address must not be fetched from ("loopback", "private", ...), or None if public."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            inner = classify(ip.ipv4_mapped)
            return f"an IPv4-mapped IPv6 address ({ip.ipv4_mapped}{', ' + inner if inner else ''})"
        embedded = _embedded_ipv4(ip)
        if embedded is not None and classify(embedded) is not None:
            return f"an IPv6 address wrapping {embedded} ({classify(embedded)})"
    if ip.is_unspecified:
        return "unspecified (it reaches this machine)"
    if ip.is_loopback:
        return "loopback (this machine)"
    if ip.is_link_local:
        return "link-local (169.254.0.0/16 holds cloud metadata services)"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "shared CGNAT space (100.64.0.0/10)"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv6Address) and ip in _NAT64:
        return "a NAT64 address"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private (a local network)"
    if not ip.is_global:
        return "not publicly routable"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside a 6to4, Teredo or NAT64 address, which tunnels reach."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses a fetch may connect to."""

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def build(cls, allow_private: bool, allowed_networks: Iterable[str] = ()) -> AddressPolicy:
        """A policy from settings values; network strings like "10.1.0.0/16" or "127.0.0.1"."""
        networks = tuple(ipaddress.ip_network(text, strict=False) for text in allowed_networks)
        return cls(allow_private=allow_private, allowed_networks=networks)

    def check_ip(self, ip: IPAddress) -> str | None:
        """What makes an address refused ("loopback (this machine)", ...), or None when it may
        be connected to."""
        if self.allow_private or any(ip in network for network in self.allowed_networks):
            return None
        return classify(ip)

    def check_url(self, url: str) -> str | None:
        """The reason a URL is refused before any request (scheme, a literal address, a
        localhost name), or None. Host names are checked again on the resolved address."""
        try:
            parts = urlsplit(url)
            hostname = parts.hostname
        except ValueError:
            return f"{url} is not a valid URL"
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return f"only http and https links are fetched, not {scheme or 'a relative'} links"
        if not hostname:
            return f"{url} has no host"
        host = normalise_host(hostname)
        ip = parse_ip(host)
        if ip is not None:
            reason = self.check_ip(ip)
            return f"host {hostname} is the address {ip}, which is {reason}" if reason else None
        if (host == "localhost" or host.endswith(".localhost")) and not self.allow_private:
            return f"{hostname} names this machine (loopback)"
        return None


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The addresses the system resolver gives for a host, in its order of preference."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DNSLookupError(f"DNS lookup for {host} failed: {exc}") from exc
    addresses: list[IPAddress] = []
    for family, *_rest, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if ip not in addresses:
                addresses.append(ip)
    if not addresses:
        raise DNSLookupError(f"DNS lookup for {host} gave no address")
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, resolving each host once and connecting only to checked
    addresses."""

    def __init__(
        self,
        policy: AddressPolicy,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.policy = policy
        self._resolve = resolver or system_resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        """The checked addresses for a host; raises ForbiddenAddress if any of them is refused
        (a name pointing at both a public and a private address is treated as hostile)."""
        literal = parse_ip(host)
        found = [literal] if literal is not None else await self._resolve(host, port)
        for ip in found:
            reason = self.policy.check_ip(ip)
            if reason:
                verb = "is the address" if literal is not None else "resolves to"
                raise ForbiddenAddress(f"{host} {verb} {ip}, which is {reason}")
        return found

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable checked address (the TLS name stays the host's)."""
        error: httpcore.ConnectError | None = None
        for ip in await self.addresses(host, port):
            try:
                stream = await self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
            else:
                return QuickStream(stream)
        assert error is not None  # addresses() never returns an empty list
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are local by definition: always refused."""
        raise ForbiddenAddress(f"unix socket {path} is local")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class QuickStream(httpcore.AsyncNetworkStream):
    """A connection's stream, answering httpcore's two frequent questions itself.

    The pool asks every idle connection whether its socket is readable (closed by the server)
    each time it hands a request out or takes one back, and the fetcher asks each response
    for the server's address (``peer_refusal``): the anyio stream builds its whole table of
    socket attributes for each answer, a system call for the peer's address included. Here
    "is_readable" is one poll of the socket, and the peer's address is asked once.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")
        self._peer: object = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return QuickStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return _readable(self._socket)
        if info == "server_addr":
            if self._peer is None:
                self._peer = self._inner.get_extra_info(info)
            return self._peer
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket | None) -> bool:
    """Whether reading the socket would return at once (data, or the end of a closed
    connection), as httpcore's own check: a socket that is gone counts as readable."""
    number = -1 if sock is None else sock.fileno()
    if number < 0:
        return True
    poll = select.poll()
    poll.register(number, select.POLLIN)
    return bool(poll.poll(0))


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (so vcrpy records and replays it) over a :class:`GuardedBackend`.

    ``trust_env`` is off: through a proxy the guard would only see the proxy's address.
    ``network_backend`` replaces the guarded one (an offline run passes one that never connects).
    """

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        resolver: Resolver | None = None,
        limits: httpx.Limits | None = None,
        verify: ssl.SSLContext | bool = True,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        limits = limits or httpx.Limits()
        # One SSL context (loading the CA bundle costs tens of ms) for both pools.
        context = httpx.create_ssl_context(verify=verify, trust_env=False)
        super().__init__(trust_env=False, limits=limits, verify=context)
        self.policy = policy
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=network_backend or GuardedBackend(policy, resolver),
        )


def peer_refusal(policy: AddressPolicy, extensions: dict[str, object]) -> str | None:
    """Second check on the address a response actually came from, where the transport
    reports it (httpcore's ``network_stream``); None when allowed or unknown."""
    stream = extensions.get("network_stream")
    get_extra_info = getattr(stream, "get_extra_info", None)
    if get_extra_info is None:
        return None
    peer: Sequence[object] | None = get_extra_info("server_addr")
    if not peer:
        return None
    try:
        ip = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
    except ValueError:
        return None
    return policy.check_ip(ip)
