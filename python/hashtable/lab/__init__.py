"""The lab: measure HashTable configurations beside dict and show what each choice does.

Run it as `python -m hashtable.lab` (or `hashtable-lab`, or `make lab`); `--help`
lists the options. The package is small and plain:

* workloads.py  the keys (stdlib identifiers, ints, floats, strings, adversarial)
* hashes.py     the hash functions (python, seed, awesome, native ones, module:function)
* plan.py       which configurations a run measures (a grid and three sweeps)
* measure.py    timing one configuration, best of runs, gc off
* runner.py     measuring a whole plan, collecting failures
* rows.py       results as flat rows with units in the column names
* findings.py   the data behind each plot and a sentence saying what it shows
* plots.py      the four PNG plots
* report.py     results.csv, results.json, index.html
* console.py    the progress bar and the terminal table
* cli.py        the command line
"""
