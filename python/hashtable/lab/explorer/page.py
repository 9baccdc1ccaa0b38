"""explore.html: one self-contained page (script, styles and traces inline; nothing loaded).

`write_page(traces, path)` embeds the traces as JSON in a `<script
type="application/json">` block that explore.js reads; `"</"` is escaped so no
key can close the block early, and every key's repr is HTML-safe only through
`textContent` in the script (never innerHTML).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .schema import Trace, check

# Past this many buckets a panel shows the overview strip and a window of WINDOW buckets.
FULL_LIMIT = 256
WINDOW = 48

LEGEND = (
    "Green outline: the key's home bucket. Blue: slots the probe visited, numbered in order; "
    "red: a hash or key that did not match; green: found or placed. Striped amber: a tombstone. "
    "An orange bar: an item moved there in this step. +d: an item's displacement from its home."
)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def page_data(traces: Sequence[Trace]) -> dict[str, Any]:
    """What the page embeds: the traces, and the operations they share (key repr, hash)."""
    if not traces:
        raise ValueError("the explorer needs at least one trace")
    first = traces[0]
    count = len(first["steps"])
    for trace in traces:
        check(trace)
        if len(trace["steps"]) != count:
            raise ValueError("every trace must run the same operations")
    ops = []
    for step in first["steps"]:
        key = first["keys"][step["key"]]
        ops.append({"op": step["op"], "repr": key["repr"], "hash": key["hash"]})
    return {"traces": list(traces), "ops": ops, "full_limit": FULL_LIMIT, "window": WINDOW}


def render_page(traces: Sequence[Trace], title: str = "hashtable explorer") -> str:
    data = json.dumps(page_data(traces), separators=(",", ":")).replace("</", "<\\/")
    panels = "\n".join(
        f'<section class="panel" id="panel-{i}" data-strategy="{html.escape(t["strategy"])}">'
        f"<h2>{html.escape(t['strategy'])}</h2>"
        f'<div class="counts"></div><div class="path"></div><div class="buckets"></div></section>'
        for i, t in enumerate(traces)
    )
    first = traces[0]
    settings = (
        f"size {first['size']}, max_load {first['max_load']:g}, growth {first['growth']:g}, "
        f"hash {first['hash_func']}, index {first['index']}"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{html.escape(title)}</title>
<style>{_asset("explore.css")}</style>
</head><body>
<h1>{html.escape(title)}</h1>
<p class="lede">The engine's own record of every operation, replayed: {html.escape(settings)}.
Every strategy runs the same operations, kept in step.</p>
<div class="controls">
<button id="back" title="step back (left arrow)">◀</button>
<button id="play" title="play or pause (space)">▶ play</button>
<button id="forward" title="step forward (right arrow)">▶|</button>
<input id="scrub" type="range" min="0" value="0" aria-label="step">
<label>speed <select id="speed"><option value="1">1/s</option><option value="4" selected>4/s</option>
<option value="15">15/s</option><option value="60">60/s</option></select></label>
<span id="step-label"></span>
</div>
<div class="op"><span>operation</span><b id="op"></b><span>hash</span><span id="hash"></span></div>
<div class="panels">
{panels}
</div>
<p class="legend">{html.escape(LEGEND)}</p>
<script type="application/json" id="trace-data">{data}</script>
<script>{_asset("explore.js")}</script>
</body></html>
"""


def write_page(traces: Sequence[Trace], path: Path, title: str = "hashtable explorer") -> Path:
    path.write_text(render_page(traces, title), encoding="utf-8")
    return path
