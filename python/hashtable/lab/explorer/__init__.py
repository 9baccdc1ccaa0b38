"""The explorer: the engine's trace of each operation, replayed in one self-contained page.

* schema.py     the trace as plain data (snapshot, steps, events)
* recording.py  `trace(ops, ...)`: the engine records a run; the explorer's default operations
* replay.py     the buckets after each step, from the snapshot and the events; their picture()
* page.py       explore.html: explore.js and explore.css inline, the traces as embedded JSON
* command.py    `python -m hashtable.lab explore` and `explore(keys, ...)`
"""

from .command import explore
from .recording import trace

__all__ = ["explore", "trace"]
