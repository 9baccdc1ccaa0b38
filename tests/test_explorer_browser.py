"""explore.html in headless Chromium: opened from disk with no network, stepped,
scrubbed and jumped to by URL fragment; after every step the DOM shows exactly the
slots the table has (keys as the replay gives them, the picture as the table draws
it); nothing reaches the console; a screenshot of the expected size, not blank."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import hashtable
import pytest
from browser import HEIGHT, WIDTH, browser, missing
from explorer_cases import CASES, identity, ops_of
from hashtable.lab.explorer import replay
from hashtable.lab.explorer.page import write_page
from hashtable.lab.explorer.schema import LAYOUTS, VERSION, Trace

pytestmark = pytest.mark.skipif(missing() is not None, reason=missing() or "")

# The DOM's state of every cell in one panel, and its picture() line.
DOM_CELLS = """
return Array.from(document.querySelectorAll(`#panel-${arguments[0]} .cell`)).map((c) => [
  Number(c.dataset.bucket), c.dataset.state, c.dataset.holds,
  c.dataset.dist === undefined ? -1 : Number(c.dataset.dist), c.querySelectorAll('.node').length]);
"""


def _line(state: str, dist: int, nodes: int) -> str:
    if state in ("chain", "empty") and nodes:
        return "[]" + "*" * nodes
    if state == "empty":
        return "[]"
    if state == "tombstone":
        return "[]x"
    return "[]*" if dist == 0 else (f"[]*{dist}" if dist < 9 else "[]*9+")


def _step_label(driver: Any) -> int:
    text = driver.find_element("id", "step-label").text  # "step 3 of 9"
    return int(text.split()[1])


def _pictures(strategy: str, ops: list[tuple[Any, ...]], size: int = 8, max_load: float = 0.5) -> list[str]:
    """The table's picture() before the first operation and after each one (identity hash, mod index)."""
    table: hashtable.HashTable[Any, Any] = hashtable.HashTable(
        size=size, max_load=max_load, hash_func=identity, index="mod", strategy=strategy
    )
    pictures = [table.picture()]
    for op in ops:
        if op[0] == "set":
            table[op[1]] = op[2]
        elif op[0] == "get":
            table.get(op[1])
        else:
            del table[op[1]]
        pictures.append(table.picture())
    return pictures


def _tables(trace: Trace, last: int) -> list[str]:
    return _pictures(trace["strategy"], ops_of(trace)[:last], trace["size"], trace["max_load"])


def _assert_dom_is_step(driver: Any, trace: Trace, step: int, pictures: list[str]) -> None:
    assert _step_label(driver) == step
    assert driver.execute_script("return location.hash") == f"#step={step}"
    cells = driver.execute_script(DOM_CELLS, 0)
    states = [replay.start_state(trace), *replay.states(trace)]
    assert [c[0] for c in cells] == list(range(len(cells)))
    assert [c[2] for c in cells] == replay.contents(trace, states[step]), f"keys at step {step}"
    assert "\n".join(_line(c[1], c[3], c[4]) for c in cells) == pictures[step], f"picture at step {step}"


@pytest.fixture(scope="module")
def driver() -> Any:
    with browser() as opened:
        yield opened


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_step_shows_the_tables_slots(driver: Any, tmp_path: Path, name: str) -> None:
    trace = CASES[name]()
    last = len(trace["steps"])
    page = write_page([trace], tmp_path / "explore.html")
    pictures = _tables(trace, last)
    driver.get(page.as_uri())
    _assert_dom_is_step(driver, trace, 0, pictures)
    body = driver.find_element("tag name", "body")
    for step in range(1, last + 1):  # forward with the right arrow
        body.send_keys("\ue014")
        _assert_dom_is_step(driver, trace, step, pictures)
    body.send_keys("\ue014")  # past the end stays at the end
    _assert_dom_is_step(driver, trace, last, pictures)
    body.send_keys("\ue012")  # left arrow
    _assert_dom_is_step(driver, trace, last - 1, pictures)
    driver.find_element("id", "back").click()
    _assert_dom_is_step(driver, trace, last - 2, pictures)
    driver.find_element("id", "forward").click()
    _assert_dom_is_step(driver, trace, last - 1, pictures)
    for step in (2, 0, last):  # jump by fragment, in the same page
        driver.execute_script(f"location.hash = 'step={step}'")
        _assert_dom_is_step(driver, trace, step, pictures)
    assert driver.get_log("browser") == []


def test_a_link_opens_at_its_step_and_the_slider_scrubs(driver: Any, tmp_path: Path) -> None:
    trace = CASES["linear"]()
    pictures = _tables(trace, len(trace["steps"]))
    page = write_page([trace], tmp_path / "explore.html")
    driver.get(page.as_uri() + "#step=6")
    _assert_dom_is_step(driver, trace, 6, pictures)
    slider = driver.find_element("id", "scrub")
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).move_to_element_with_offset(slider, -slider.size["width"] // 2 + 2, 0).click().perform()
    _assert_dom_is_step(driver, trace, 0, pictures)
    ActionChains(driver).move_to_element_with_offset(slider, slider.size["width"] // 2 - 2, 0).click().perform()
    _assert_dom_is_step(driver, trace, len(trace["steps"]), pictures)
    resize = driver.find_elements("css selector", ".resize")
    assert len(resize) == 1 and "8 → 16" in resize[0].text and "9: 4→9" in resize[0].text
    assert driver.get_log("browser") == []


def test_play_runs_to_the_end_and_space_pauses(driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.support.ui import Select, WebDriverWait

    trace = CASES["quadratic"]()
    page = write_page([trace], tmp_path / "explore.html")
    driver.get(page.as_uri())
    Select(driver.find_element("id", "speed")).select_by_value("60")
    driver.find_element("tag name", "body").send_keys(" ")
    WebDriverWait(driver, 20).until(lambda d: _step_label(d) == len(trace["steps"]))
    WebDriverWait(driver, 20).until(lambda d: "play" in d.find_element("id", "play").text)
    reused = driver.find_elements("css selector", ".cell.reused")
    assert [cell.get_attribute("data-bucket") for cell in reused] == ["2"]
    assert driver.get_log("browser") == []


def _large() -> tuple[Trace, list[tuple[Any, ...]]]:
    """10,000 operations on 1,024 buckets: 700 keys that each sit at home, then lookups."""
    keys = list(range(700))
    steps: list[dict[str, Any]] = []
    for k in keys:
        steps.append(
            {
                "op": "set",
                "key": k,
                "home": k,
                "result": "inserted",
                "probes": 1,
                "comparisons": 0,
                "events": [
                    {"e": "visit", "at": k, "saw": "empty"},
                    {"e": "place", "at": k, "id": k, "dist": 0, "reused": False},
                ],
            }
        )
    for i in range(10_000 - len(keys)):
        k = (i * 7) % len(keys)
        steps.append(
            {
                "op": "get",
                "key": k,
                "home": k,
                "result": "found",
                "probes": 1,
                "comparisons": 1,
                "events": [{"e": "visit", "at": k, "saw": "key_equal"}],
            }
        )
    trace: Trace = {
        "version": VERSION,
        "strategy": "linear",
        "layout": LAYOUTS["linear"],
        "size": 1024,
        "max_load": 0.9,
        "growth": 2.0,
        "hash_func": "identity",
        "index": "mod",
        "keys": [{"repr": repr(k), "hash": hex(k)} for k in keys],
        "start": [None] * 1024,
        "steps": steps,
    }  # type: ignore[typeddict-item]
    return trace, ops_of(trace)


def test_large_input_shows_a_strip_and_a_window(driver: Any, tmp_path: Path) -> None:
    trace, ops = _large()
    table: hashtable.HashTable[Any, Any] = hashtable.HashTable(
        size=1024, max_load=0.9, hash_func=identity, index="mod", strategy="linear"
    )
    for op in ops[:700]:
        table[op[1]] = op[2]
    page = write_page([trace], tmp_path / "explore.html")
    driver.get(page.as_uri() + "#step=9999")
    assert _step_label(driver) == 9999
    assert len(driver.find_elements("css selector", "#panel-0 canvas.strip")) == 1
    cells = driver.execute_script(DOM_CELLS, 0)
    assert 0 < len(cells) <= 64
    picture = table.picture().split("\n")
    assert all(_line(c[1], c[3], c[4]) == picture[c[0]] for c in cells)
    home = trace["steps"][9998]["home"]
    assert home in [c[0] for c in cells]
    assert "load 700/1024" in driver.find_element("css selector", "#panel-0 .counts").text
    assert driver.get_log("browser") == []


def _png_size_and_colours(png: bytes) -> tuple[int, int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    chunks, at = [], 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        if kind == b"IDAT":
            chunks.append(png[at + 8 : at + 8 + length])
        at += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    return width, height, len(set(raw[: 1 << 20]))


def test_screenshot_is_the_window_and_not_blank(driver: Any, tmp_path: Path) -> None:
    trace = CASES["linear"]()
    page = write_page([trace], tmp_path / "explore.html")
    driver.get(page.as_uri() + "#step=8")
    png = driver.get_screenshot_as_png()
    (tmp_path / "explore.png").write_bytes(png)
    width, height, colours = _png_size_and_colours(png)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    assert (width, height) == tuple(inner)
    assert width <= WIDTH and height <= HEIGHT and width > 800
    assert colours > 20
    assert driver.get_log("browser") == []


# Every strategy on the same operations: 2 displaces 9's way in Robin Hood, a delete
# leaves a tombstone that quadratic reuses, the fifth key resizes every table.
SIDE_BY_SIDE_OPS: list[tuple[Any, ...]] = [
    ("set", 1, 0),
    ("set", 2, 0),
    ("set", 9, 0),
    ("get", 9),
    ("get", 17),
    ("del", 2),
    ("set", 17, 0),
    ("set", 9, 1),
    ("set", 3, 0),
    ("set", 4, 0),
    ("get", 4),
    ("del", 1),
]


def test_engine_traces_side_by_side_match_every_table(driver: Any, tmp_path: Path) -> None:
    from hashtable.lab.explorer.recording import recorder, trace

    if recorder() is None:
        pytest.skip("this build has no engine trace recorder (hashtable._hashtable._lab_trace)")
    strategies = list(hashtable.STRATEGIES)
    traces = [
        trace(SIDE_BY_SIDE_OPS, strategy=s, size=8, max_load=0.5, hash_func=identity, index="mod") for s in strategies
    ]
    pictures = [_pictures(strategy, SIDE_BY_SIDE_OPS) for strategy in strategies]
    page = write_page(traces, tmp_path / "explore.html")
    driver.get(page.as_uri())
    body = driver.find_element("tag name", "body")
    for step in range(len(SIDE_BY_SIDE_OPS) + 1):
        if step:
            body.send_keys("\ue014")
        assert _step_label(driver) == step
        for panel, recorded in enumerate(traces):
            states = [replay.start_state(recorded), *replay.states(recorded)]
            cells = driver.execute_script(DOM_CELLS, panel)
            where = f"{strategies[panel]}, step {step}"
            assert [c[2] for c in cells] == replay.contents(recorded, states[step]), where
            assert "\n".join(_line(c[1], c[3], c[4]) for c in cells) == pictures[panel][step], where
    grown = 0
    for panel, recorded in enumerate(traces):  # each resize draws where every item went
        for number, step_made in enumerate(recorded["steps"], 1):
            for event in step_made["events"]:
                if event["e"] != "resize":
                    continue
                driver.execute_script(f"location.hash = 'step={number}'")
                shown = driver.find_elements("css selector", f"#panel-{panel} .resize")
                sizes = f"{event['old_size']} → {event['new_size']}"  # a same-size rebuild clears tombstones
                assert len(shown) == 1 and sizes in shown[0].text, (strategies[panel], number)
                grown += event["new_size"] > event["old_size"]
    assert grown >= len(strategies)
    assert driver.get_log("browser") == []
