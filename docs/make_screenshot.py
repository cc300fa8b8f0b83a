"""Screenshot a report.html in headless Chromium, for the README.

    .venv/bin/python docs/make_screenshot.py factcheck-report/report.html \\
        -o docs/report-screenshot.png --claim c05

Selects a claim (as a reader's click would) so the details panel shows a verdict, reason and
quote, scrolls to the top and captures the viewport. Needs Debian's chromium
(`apt-get install chromium`) and, for Chinese text, a CJK font (`apt-get install fonts-noto-cjk`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from chromium import Browser, find_chromium  # the DevTools helper lives in tests/


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="the report.html to show")
    parser.add_argument("-o", "--out", type=Path, default=Path("docs/report-screenshot.png"))
    parser.add_argument("--claim", default="", help="claim id to select (default: the first)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args(argv)
    executable = find_chromium()
    if executable is None:
        parser.error("chromium not found: apt-get install chromium")
    if not args.report.is_file():
        parser.error(f"{args.report} is not a file")
    with (
        tempfile.TemporaryDirectory() as profile,
        Browser(executable, Path(profile), window=(args.width, args.height)) as browser,
    ):
        page = browser.new_page()
        page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": False},
        )
        page.goto(args.report.resolve().as_uri())
        selector = f"[data-claim={json.dumps(args.claim)}]" if args.claim else "mark[data-claim]"
        page.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            " if (el) el.click(); window.scrollTo(0, 0); })()"
        )
        errors = page.errors()
        if errors:
            print("console errors:", *errors, sep="\n  ", file=sys.stderr)
            return 1
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
