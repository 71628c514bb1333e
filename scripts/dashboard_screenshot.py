#!/usr/bin/env python3
"""Screenshots of the dashboard over a journal, at a desktop's and a phone's width, in headless Chromium
(Debian's package). The README's picture is made after the demo day:

    courtside demo
    python scripts/dashboard_screenshot.py --db sqlite:///<home>/var/demo/demo.db \
        --model <home>/var/demo/model --query '?mode=live' --out docs/dashboard.png
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="the journal's SQLAlchemy URL")
    ap.add_argument("--out", type=Path, default=Path("dashboard.png"))
    ap.add_argument("--phone", type=Path, default=None, help="also a 390 px wide one here")
    ap.add_argument("--query", default="", help="e.g. '?mode=live' for that book")
    ap.add_argument("--model", default=None, help="the model whose 'results through' date is shown")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from courtside.app.config import load_settings
    from courtside.dashboard.serve import Beside, site_for

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("no chromium: apt-get install chromium")
    page_server = Beside(site_for(load_settings(None, db=args.db, model=args.model)), port=0)
    page_server.start()
    url = f"http://127.0.0.1:{page_server.port}/{args.query}"
    try:
        with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
            browser = p.chromium.launch_persistent_context(profile, executable_path=chromium, args=FLAGS)
            for path, width in ((args.out, 1280), (args.phone, 390)):
                if path is None:
                    continue
                page = browser.new_page()
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(url, wait_until="load")
                page.screenshot(path=str(path), full_page=True)
                print(f"{path} ({width} px wide) of {url}")
            browser.close()
    finally:
        page_server.stop()


if __name__ == "__main__":
    main()
