"""Headless Chromium for the explorer: the system's chromium and chromedriver (Debian:
`apt-get install chromium chromium-driver`), driven by Selenium; nothing is downloaded.

The browser tests open pages with it, and `python -m hashtable.lab.explorer.browser PAGE PNG
[--step N]` takes the README's screenshot the same way.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
WIDTH, HEIGHT = 1400, 900


def missing() -> str | None:
    """Why a headless browser cannot be started here, or None."""
    if not CHROMIUM.exists():
        return f"no browser: {CHROMIUM} is missing (apt-get install -y chromium chromium-driver)"
    if shutil.which("chromedriver") is None:
        return "no chromedriver on PATH (apt-get install -y chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ModuleNotFoundError:
        return "selenium is not installed (pip install --group dev)"
    return None


@contextmanager
def chromium(width: int = WIDTH, height: int = HEIGHT) -> Iterator[Any]:
    """A Selenium driver for headless system Chromium, with a fresh profile, console logs kept."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="explorer-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument(f"--window-size={width},{height}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver")))
        try:
            yield driver
        finally:
            driver.quit()


def screenshot(page: Path, png: Path, step: int | None = None, width: int = WIDTH, height: int = HEIGHT) -> Path:
    """Open `page` (at `step`) in headless Chromium and save what it shows to `png`."""
    with chromium(width, height) as driver:
        driver.get(page.resolve().as_uri() + ("" if step is None else f"#step={step}"))
        driver.save_screenshot(str(png))
    return png


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hashtable.lab.explorer.browser", description=screenshot.__doc__)
    parser.add_argument("page", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--step", type=int)
    parser.add_argument("--width", type=int, default=WIDTH)
    parser.add_argument("--height", type=int, default=HEIGHT)
    args = parser.parse_args(argv)
    reason = missing()
    if reason is not None:
        print(f"{parser.prog}: {reason}", file=sys.stderr)
        return 1
    print(screenshot(args.page, args.png, args.step, args.width, args.height))
    return 0


if __name__ == "__main__":
    sys.exit(main())
