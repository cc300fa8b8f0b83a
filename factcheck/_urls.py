"""Whether an http(s) URL can be requested at all: one check for the article reader and the fetcher.

An article link or a claim-set source that fails it is listed as not cited (``claims``); a URL
that reaches the fetcher anyway (a library caller, a redirect's Location) becomes an http_error
source (``fetch``). Either way nothing is sent. The scheme is not judged here: the article
reader names odd schemes itself and the fetcher's address guard refuses them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["same_page", "url_problem"]


def url_problem(url: str) -> str | None:
    """What makes an http(s) URL impossible to request, or None when it can be: a space or a
    control character, an unclosed IPv6 bracket or junk after it, a port out of range, no host
    name, a malformed IDNA label such as "xn--". Callers add their own prefix to the phrase."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "it holds a space or a control character"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - a port out of range raises only when read
    except ValueError as exc:
        return " ".join(str(exc).split()) or type(exc).__name__
    if not host:
        return "no host name"
    authority = parts.netloc.rsplit("@", 1)[-1]
    if authority.startswith("["):
        after = authority.partition("]")[2]
        if after and not (after.startswith(":") and (after[1:].isdigit() or after == ":")):
            return f"invalid port {after.removeprefix(':')!r}"
    elif host.isascii():
        try:
            host.encode("ascii").decode("idna")  # "xn--" labels that are not Punycode
        except UnicodeError:
            return f"{host!r} is not a valid host name"
    return None


def same_page(url: str, page: str) -> bool:
    """Whether ``url`` points at ``page`` itself: the same scheme family, host, path and query,
    a fragment, a trailing slash and the case of the host aside."""
    try:
        a, b = urlsplit(url), urlsplit(page)
    except ValueError:
        return False
    return (
        a.scheme.lower() in ("http", "https")
        and b.scheme.lower() in ("http", "https")
        and a.netloc.lower() == b.netloc.lower()
        and a.path.rstrip("/") == b.path.rstrip("/")
        and a.query == b.query
    )
