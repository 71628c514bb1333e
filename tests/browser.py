"""A real headless Chromium for the tests that look at a page: Debian's `chromium` package driven by
Playwright (never a browser of Playwright's own download). `chromium()` skips the test, saying why,
where either is missing (`.ci/run` installs the package when absent)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def chromium() -> Iterator[Any]:
    """A Playwright browser on the system's Chromium, with a fresh profile; closed on exit."""
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium here: apt-get install chromium (.ci/run does it) to run the browser test")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    with tempfile.TemporaryDirectory(prefix="courtside-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=path, args=FLAGS, headless=True, viewport={"width": 1280, "height": 900}
        )
        try:
            yield context
        finally:
            context.close()
