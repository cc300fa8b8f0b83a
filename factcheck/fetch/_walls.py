"""What a page that is not the page looks like: bot walls, captchas, paywalls, empty shells.

Pure functions over a response's status, headers, final URL and body (and the extracted text,
for paywalls). A wall is never evidence: a source behind one is ``blocked`` or ``paywalled``,
and its claims stay ``unverifiable``. The signatures come from what each wall is known to
serve (../shared/seed/sources.md): Bloomberg's ``/tosv2.html`` "Are you a robot?", DataDome's
403 "You have been blocked", Cloudflare's ``cf-mitigated: challenge`` / "Just a moment...",
and generic captcha widgets, which only count on an error page or a page with little text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from factcheck.fetch._transfer import Response

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<[^>]+>", re.DOTALL | re.I)
_NOT_FREE = re.compile(
    r"""["']?isAccessibleForFree["']?\s*[:=]\s*["']?(?:false|False|FALSE)\b|"""
    r"""itemprop=["']isAccessibleForFree["'][^>]*content=["']false""",
)
# (phrase found in the lowercased page, what it shows). Strong signs: a bot wall whatever else.
_WALLS = (
    ("are you a robot", "a bot wall ('Are you a robot?')"),
    ("detected unusual activity from your computer network", "a bot wall (unusual activity)"),
    ("you have been blocked from", "a bot wall ('You have been blocked')"),
    ("captcha-delivery.com", "a DataDome captcha"),
    ("/cdn-cgi/challenge-platform/", "a Cloudflare challenge page"),
    ("checking your browser before accessing", "a Cloudflare browser check"),
    ("attention required! | cloudflare", "a Cloudflare block page"),
    ("px-captcha", "a PerimeterX captcha ('Press & Hold')"),
)
# Weak signs: only a wall when the page has little else (an error status or short text).
_CAPTCHAS = (
    ("g-recaptcha", "a reCAPTCHA"),
    ("h-captcha", "an hCaptcha"),
    ("hcaptcha.com", "an hCaptcha"),
    ("challenges.cloudflare.com/turnstile", "a Cloudflare Turnstile captcha"),
    ("verify you are human", "a captcha ('verify you are human')"),
    ("are you a human", "a captcha ('are you a human')"),
    ("access denied", "an 'Access Denied' page"),
)
_PAYWALL_PHRASES = (
    "subscribe to continue reading",
    "subscribe to read",
    "to continue reading, subscribe",
    "this article is for subscribers",
    "this content is for subscribers",
    "subscribers only",
    "already a subscriber",
    "you have reached your free article limit",
    "you've reached your free article limit",
    "create a free account to continue reading",
    "订阅后阅读全文",
    "付费阅读",
)
_JS_PHRASES = (
    "javascript is not available",
    "enable javascript",
    "javascript is disabled",
    "requires javascript",
    "you need to enable javascript",
)
_SHORT_PAGE = 1500  # characters of visible text: less than this, a captcha is the page


def _lower_sample(body: bytes) -> str:
    return body[:400_000].decode("utf-8", "replace").lower().replace("’", "'")


def _title(body: bytes) -> str:
    match = _TITLE.search(body[:200_000])
    raw = match.group(1).decode("utf-8", "replace") if match else ""
    return " ".join(raw.split())


def visible_chars(body: bytes) -> int:
    """A rough count of the characters a reader sees (tags, scripts and styles removed)."""
    return len(" ".join(_TAGS.sub(" ", body[:400_000].decode("utf-8", "replace")).split()))


def detect_block(response: Response) -> str | None:
    """Why a response is a bot wall or captcha rather than the page (the reason), else None."""
    if response.header("cf-mitigated").lower() == "challenge":
        return "a Cloudflare challenge (cf-mitigated: challenge)"
    path = urlsplit(response.final_url).path.lower()
    if path.endswith("/tosv2.html"):
        return f"a bot wall: redirected to {path} ('Are you a robot?')"
    sample = _lower_sample(response.body)
    title = _title(response.body).lower()
    if title.startswith("just a moment") and response.status_code in (403, 429, 503):
        return "a Cloudflare challenge ('Just a moment...')"
    for phrase, what in _WALLS:
        if phrase in sample:
            return what
    if response.header("x-datadome") and response.status_code in (401, 403):
        return f"a DataDome bot wall ({response.status_code} with an x-datadome header)"
    # A captcha phrase counts on an error page or a short one; the page is measured only
    # when a phrase is there (most pages have none, and measuring one is most of this check).
    captcha = next((what for phrase, what in _CAPTCHAS if phrase in sample or phrase in title), "")
    if not captcha and "captcha" in title:
        captcha = f"a captcha page ({_title(response.body)!r})"
    if captcha and (response.status_code >= 400 or visible_chars(response.body) < _SHORT_PAGE):
        return captcha
    return None


def detect_paywall(body: bytes, text: str, min_chars: int) -> str | None:
    """Why a readable page is only a teaser (the reason), else None: a page that marks itself
    not free, or stops at a subscription prompt, with less than ``min_chars`` of main text."""
    chars = len(text.strip())
    if chars >= min_chars:
        return None
    sample = body[:600_000].decode("utf-8", "replace")
    if _NOT_FREE.search(sample):
        return (
            "the page marks itself not free (schema.org isAccessibleForFree: false) and "
            f"only {chars} characters of text were readable"
        )
    lowered = sample.lower().replace("’", "'")
    for phrase in _PAYWALL_PHRASES:
        if phrase in lowered:
            return f"the text stops at a paywall ({phrase!r}) after {chars} characters"
    return None


def detect_script_only(body: bytes, text: str) -> str | None:
    """Why a page has no text to check (empty, or shown only by JavaScript), else None."""
    chars = len(text.strip())
    if chars == 0:
        return "the page has no readable text"
    if chars < 400:
        lowered = _lower_sample(body)
        if any(phrase in lowered for phrase in _JS_PHRASES):
            return f"the page shows its text only with JavaScript ({chars} characters without it)"
    return None
