"""Drive headless Chromium through the DevTools protocol over a pipe (no sockets, no packages).

``--remote-debugging-pipe`` makes Chromium read commands on fd 3 and write replies on fd 4,
each a JSON message ended by a NUL byte. A pipe needs no port, so it works under pytest's
``--block-network`` and never listens on the network. Used by tests/test_report_browser.py and
docs/make_screenshot.py.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

# Flags for a quiet, offline, throwaway browser (as the project's CI uses them).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
)

_KEYS = {  # key -> (code, Windows virtual key code, text typed)
    "Tab": ("Tab", 9, ""),
    "Enter": ("Enter", 13, "\r"),
    "Escape": ("Escape", 27, ""),
    " ": ("Space", 32, " "),
}


def find_chromium() -> str | None:
    """The Chromium executable: $CHROMIUM, else Debian's chromium, else a Chrome on PATH."""
    candidates = [os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"]
    for name in candidates:
        found = shutil.which(name) if name else None
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    """Chromium did not start, answer or behave as the protocol says."""


class Browser:
    """One headless Chromium process; pages are opened with ``new_page``."""

    def __init__(
        self,
        executable: str,
        profile_dir: Path,
        *,
        window: tuple[int, int] = (1280, 900),
        timeout: float = 30.0,
    ) -> None:
        self.timeout = timeout
        self._next_id = 0
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []
        self._log = (profile_dir / "chromium.log").open("wb")
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()
        # Move Chromium's ends above fd 9 so the shell's "3<&N 4>&M" cannot overwrite them.
        child_in = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(res_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(res_w)
        script = f'exec "$0" "$@" 3<&{child_in} 4>&{child_out} {child_in}<&- {child_out}>&-'
        args = [
            *CHROMIUM_FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={profile_dir / 'profile'}",
            f"--window-size={window[0]},{window[1]}",
            "about:blank",
        ]
        try:
            self.process = subprocess.Popen(
                ["bash", "-c", script, executable, *args],
                pass_fds=(child_in, child_out),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                start_new_session=True,  # its own process group, so it can be stopped whole
            )
        finally:
            os.close(child_in)
            os.close(child_out)
        self._out = os.fdopen(cmd_w, "wb", buffering=0)
        self._reader = threading.Thread(target=self._read, args=(res_r,), daemon=True)
        self._reader.start()

    def _read(self, fd: int) -> None:
        buffer = b""
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(1 << 16):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for message in messages:
                    self._replies.put(json.loads(message))
        self._replies.put(None)

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send one command and wait for its reply; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            self._out.write(json.dumps(message).encode() + b"\0")
        except BrokenPipeError as exc:
            raise BrowserError(f"Chromium exited; see {self._log.name}") from exc
        while True:
            reply = self._next(f"a reply to {method}")
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str, session: str | None) -> dict[str, Any]:
        """Wait for an event (one already received counts) and return it."""
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                self.events.remove(event)
                return event
        while True:
            event = self._next(method)
            if event.get("method") == method and event.get("sessionId") == session:
                return event
            self.events.append(event)

    def _next(self, what: str) -> dict[str, Any]:
        try:
            message = self._replies.get(timeout=self.timeout)
        except queue.Empty:
            raise BrowserError(f"no {what} within {self.timeout:.0f} s") from None
        if message is None:
            raise BrowserError(f"Chromium closed the pipe waiting for {what}; see {self._log.name}")
        return message

    def new_page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        return Page(self, target, session["sessionId"])

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        with contextlib.suppress(OSError):
            self._out.close()
        self._log.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Page:
    """One tab, with console errors collected."""

    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self.browser, self.target, self.session = browser, target, session
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def goto(self, url: str) -> None:
        """Load a URL and wait for its load event, then let scripts settle."""
        self.browser.events = [e for e in self.browser.events if e.get("sessionId") != self.session]
        reply = self.send("Page.navigate", {"url": url})
        if reply.get("errorText"):
            raise BrowserError(f"cannot load {url}: {reply['errorText']}")
        self.browser.wait_for("Page.loadEventFired", self.session)
        self.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises awaited); a thrown error raises."""
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description", str(details)))
        return reply["result"].get("value")

    def press(self, key: str) -> None:
        """A real key press (keydown, char, keyup) as a user's keyboard sends it."""
        if key in _KEYS:
            code, vk, text = _KEYS[key]
        else:  # one letter
            code, vk, text = f"Key{key.upper()}", ord(key.upper()), key
        base = {"key": key, "code": code, "windowsVirtualKeyCode": vk}
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", **base, "text": text})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **base})

    def click(self, selector: str) -> None:
        """A real mouse click at the middle of the first element matching a CSS selector."""
        box = self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            " el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + Math.min(r.height / 2, 8)]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            )

    def screenshot(self, path: Path) -> None:
        """A PNG of the viewport."""
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors seen so far on this page."""
        found = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                found.append(details.get("exception", {}).get("description", details.get("text")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(" ".join(str(a.get("value", a)) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found


def wait_until(page: Page, expression: str, timeout: float = 5.0) -> Any:
    """Poll a JavaScript expression until it is truthy; its last value."""
    deadline = time.monotonic() + timeout
    value = page.evaluate(expression)
    while not value and time.monotonic() < deadline:
        time.sleep(0.05)
        value = page.evaluate(expression)
    return value
