"""The explorer's browser tests' Chromium (hashtable.lab.explorer.browser): `browser()`
skips, saying why, where the system's chromium or chromedriver is missing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hashtable.lab.explorer.browser import HEIGHT, WIDTH, chromium, missing

__all__ = ["HEIGHT", "WIDTH", "browser", "missing"]


@contextmanager
def browser() -> Iterator[Any]:
    reason = missing()
    if reason is not None:
        pytest.skip(reason)
    with chromium() as driver:
        yield driver
