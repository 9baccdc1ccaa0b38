"""The lab: measure HashTable configurations beside dict and show what each choice does.

Run it as `python -m hashtable.lab` (or `hashtable-lab`, or `make lab`); `--help`
lists the options. From Python, `hashtable.lab.run(keys=..., strategies=...,
hashes=...)` returns the rows as dicts. The package is small and plain:

* workloads.py, user_keys.py  the keys (stdlib identifiers, ints, floats, strings,
                              adversarial; the user's own file or iterable)
* equality.py, by_hand.py  the equality experiment's workloads (case-variant header names for
                 key=str.casefold, unhashable objects for eq="identity") and the pure-Python
                 mappings users write for the same semantics (CaseFoldDict, IdentityDict)
* hashes.py      the hash functions (python, the native ones, seed-py, awesome, module:function)
* plan.py        the run's options, and the plan: which configurations it measures
* measure.py     timing one configuration from Python, gc off
* native.py      timing it natively: the structure alone, keys hashed in advance
* runner.py      jobs timed in interleaved rounds, collecting results and failures
* noise.py       best, median and spread of the runs; when a difference counts
* rows.py        results as flat rows with units in the column names
* summary.py     the table's columns, order and colours (terminal and HTML)
* experiment.py  what an experiment is (plan, measurement, finding, drawing) and what
                 a finding is made of
* experiments/   one module per experiment (each plot, and each finding without
                 one), and the one list, experiments.NAMES, naming them in report order
* sentences.py   the words findings share (times, ratios, stated changes)
* conductor.py   a whole run over its experiments: the plan (the grid, then what each
                 experiment asks for), measured in shared rounds, then each one's own
* cache.py       this machine's CPU cache sizes
* plot_style.py  what every plot shares (matplotlib, imported only when drawing)
* report.py      results.csv, results.json, index.html
* console.py     the progress bar and the terminal table (rich)
* args.py, cli.py, api.py  the command line, the command, and `run()`
* explorer/      `python -m hashtable.lab explore`, `explore()` and `trace()`: the engine's
                 record of each operation, replayed step by step in one HTML page
"""

from .api import run
from .explorer import explore, trace

__all__ = ["explore", "run", "trace"]
