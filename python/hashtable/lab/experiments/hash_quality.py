"""(h) Hash quality on the run's keys (its first workload: the user's own with --keys):
how evenly every hash function spreads them, and how well it avalanches.

* Bucket uniformity: the chi-squared of home buckets that `HashTable.stats()` reports, in
  two tables of separate chaining with index="mask" (the hash's own low bits choose the
  bucket), one with about KEYS_PER_BUCKET keys per bucket and one with at most half a key.
* Collisions in the low 16 and 32 bits of the 64-bit hash, beside what a uniform hash
  gives the same number of keys: m(1 - (1 - 1/m)^n) distinct values out of m.
* Avalanche, SMHasher's test: keys derived from the run's by flipping one bit (of the
  last 8 bytes of a str's UTF-8 or of bytes; of the low 63 bits of an int), and for each
  input bit the share of keys whose hash flips each output bit. An ideal hash gives 0.5
  in every cell. Derived str keys are bytes, which every named hash takes, so the test
  covers python and the native hashes of `hashtable.HASH_FUNCTIONS`; a hash written in
  Python may refuse bytes, and is measured for uniformity and collisions only.

A hash is flagged when a cell departs from 0.5 by more than BIAS_SE standard errors of
that cell, 0.5/sqrt(keys): a fair hash passes that in one of its 4,096 cells in well
under one run in a hundred, while a real bias grows with the keys and stays.

hash_quality.png: a heat map per tested hash, input bit against output bit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

import hashtable
from hashtable import _hashtable

from ..experiment import Experiment, TextTable
from ..hashes import HashChoice, first_bad_key
from ..plan import Options, Plan, is_open_addressing
from ..runner import Counter, LabRun
from ..sentences import names_list
from ..workloads import Workload

NAME = "hash_quality"
# Keys whose bits are flipped, one at a time: a cell's standard error is 0.5/sqrt(keys).
AVALANCHE_KEYS, QUICK_AVALANCHE_KEYS = 1_000, 200
INPUT_BITS = 64  # bytes: the last 8; ints: the low 63, which keep a non-negative int64
OUTPUT_BITS = 64
BIAS_SE = 5.0
# An input bit fewer keys have (a short key has fewer bits) is left blank.
MIN_CELL_KEYS = 20
# Home buckets depart measurably from a uniform spread below this chi-squared p-value.
UNIFORM_P = 0.001
KEYS_PER_BUCKET = 8
COLLISION_BITS = (16, 32)


@dataclass(frozen=True)
class Flips:
    """Keys and their one-bit variants, in one list for one call of the hash (a keyed
    hash draws its key per call); `pairs[i]` holds (key, variant) positions for input bit i."""

    keys: list[Hashable]
    base: int  # how many keys, before their variants
    pairs: list[list[tuple[int, int]]]


def flips(keys: Sequence[Hashable], limit: int) -> Flips:
    """Up to `limit` of `keys` (str, bytes, or ints in 0..2**63) and their one-bit variants."""
    base: list[Hashable] = []
    for key in keys:
        if len(base) == limit:
            break
        if isinstance(key, str):
            base.append(key.encode("utf-8"))
        elif isinstance(key, bytes) or (type(key) is int and 0 <= key < 2**63):
            base.append(key)
    everything = list(base)
    pairs: list[list[tuple[int, int]]] = [[] for _ in range(INPUT_BITS)]
    for position, key in enumerate(base):
        for bit in range(INPUT_BITS):
            variant = _flip(key, bit)
            if variant is not None:
                pairs[bit].append((position, len(everything)))
                everything.append(variant)
    return Flips(everything, len(base), pairs)


def _flip(key: Hashable, bit: int) -> Hashable | None:
    """`key` with input bit `bit` flipped; None when the key has no such bit."""
    if isinstance(key, bytes):
        if bit >= 8 * len(key):
            return None
        at = len(key) - 1 - bit // 8
        return key[:at] + bytes([key[at] ^ (1 << bit % 8)]) + key[at + 1 :]
    return cast(int, key) ^ (1 << bit) if bit < 63 else None


def flip_counts(diffs: Sequence[int]) -> list[int]:
    """For each output bit, how many of `diffs` (64-bit XORs of two hashes) have it set.

    The diffs are packed into one big int, 64 bits each, so each count is one shift,
    one mask and one bit_count over all of them.
    """
    packed = int.from_bytes(b"".join(diff.to_bytes(8, "little") for diff in diffs), "little")
    lowest = int.from_bytes((1).to_bytes(8, "little") * len(diffs), "little")
    return [((packed >> bit) & lowest).bit_count() for bit in range(OUTPUT_BITS)]


def avalanche(found: Flips, hash_func: object) -> tuple[list[list[float] | None], list[int]]:
    """(rows of P(output bit flips) per input bit, or None; keys per input bit)."""
    hashes: list[int] = _hashtable._hash_keys(found.keys, cast(Any, hash_func))
    matrix: list[list[float] | None] = []
    for pairs in found.pairs:
        if len(pairs) < MIN_CELL_KEYS:
            matrix.append(None)
            continue
        counts = flip_counts([hashes[key] ^ hashes[variant] for key, variant in pairs])
        matrix.append([count / len(pairs) for count in counts])
    return matrix, [len(pairs) for pairs in found.pairs]


def worst_cell(matrix: list[list[float] | None], samples: list[int]) -> tuple[int, int, float, float] | None:
    """(input bit, output bit, P(flip), standard errors from 0.5) of the most biased cell."""
    cells = [
        (abs(p - 0.5) / (0.5 / math.sqrt(samples[i])), i, j, p)
        for i, row in enumerate(matrix)
        if row is not None
        for j, p in enumerate(row)
    ]
    if not cells:
        return None
    errors, i, j, p = max(cells)
    return i, j, p, errors


def collisions(hashes: Sequence[int], bits: int) -> int:
    """Keys whose low `bits` bits equal an earlier key's."""
    mask = (1 << bits) - 1
    return len(hashes) - len({value & mask for value in hashes})


def expected_collisions(n: int, bits: int) -> float:
    """What a uniform hash gives: n minus the expected distinct values out of 2**bits."""
    m = 2.0**bits
    return n + m * math.expm1(n * math.log1p(-1 / m))


def table_sizes(n: int) -> tuple[int, int]:
    """(about KEYS_PER_BUCKET keys per bucket, at most half a key per bucket): powers of two."""
    small = 1 << max(0, math.ceil(math.log2(max(1, n / KEYS_PER_BUCKET))))
    return small, 1 << max(0, math.ceil(math.log2(2 * n)))


def chi_squared_p(keys: Sequence[Hashable], choice: HashChoice, size: int) -> float:
    """The p-value `stats()` gives for the home buckets of `keys` in `size` buckets."""
    chaining = next(name for name in hashtable.STRATEGIES if not is_open_addressing(name))
    index = "mask" if "mask" in hashtable.INDEXES else hashtable.INDEXES[0]
    table: hashtable.HashTable[Any, None] = hashtable.HashTable(
        size=size,
        max_load=max(1.0, 2 * len(keys) / size),  # never resizes
        hash_func=cast(Any, choice.hash_func),
        strategy=chaining,
        index=index,
    )
    for key in keys:
        table[key] = None
    return float(table.stats()["chi_squared_p"])


def is_named(choice: HashChoice) -> bool:
    """python or a native hash: one that takes bytes keys."""
    return choice.hash_func is None or isinstance(choice.hash_func, str)


def measure_hash(choice: HashChoice, keys: Sequence[Hashable], found: Flips, sizes: tuple[int, int]) -> dict[str, Any]:
    """Everything this experiment reports about one hash, as results.json keeps it."""
    hashes: list[int] = _hashtable._hash_keys(list(keys), cast(Any, choice.hash_func))
    quality: dict[str, Any] = {
        "hash": choice.name,
        "description": choice.description,
        "chi_squared_p": [chi_squared_p(keys, choice, size) for size in sizes],
        "collisions": {str(bits): collisions(hashes, bits) for bits in COLLISION_BITS},
        "avalanche": None,
        "keys_per_input_bit": None,
        "worst": None,
        "flagged": False,
    }
    if is_named(choice) and found.base:
        matrix, samples = avalanche(found, choice.hash_func)
        worst = worst_cell(matrix, samples)
        quality["avalanche"] = [None if row is None else [round(p, 4) for p in row] for row in matrix]
        quality["keys_per_input_bit"] = samples
        if worst is not None:
            quality["worst"] = dict(zip(("input_bit", "output_bit", "p", "standard_errors"), worst, strict=True))
            quality["flagged"] = worst[3] > BIAS_SE
    return quality


@dataclass(frozen=True)
class Section:
    """What results.json keeps under "hash_quality"."""

    workload: str
    n: int
    sizes: tuple[int, int]
    flipped_keys: int
    bias_bound: float  # |P - 0.5| that BIAS_SE standard errors make with every key
    hashes: list[dict[str, Any]]


def measure_quality(options: Options, workload: Workload, lab: LabRun, counter: Counter) -> Section:
    keys = list(workload.keys)
    found = flips(keys, QUICK_AVALANCHE_KEYS if options.quick else AVALANCHE_KEYS)
    sizes = table_sizes(len(keys))
    measured = []
    for choice in options.hashes:
        counter.step(f"hash quality: {choice.name} on {workload.name}")
        bad = first_bad_key(choice.hash_func, keys) if callable(choice.hash_func) else None
        if bad is not None:
            lab.notes.append(f"hash quality: {choice.name} {bad.error} on {workload.name}; left out")
            continue
        measured.append(measure_hash(choice, keys, found, sizes))
    bound = BIAS_SE * 0.5 / math.sqrt(found.base) if found.base else math.inf
    return Section(workload.name, len(keys), sizes, found.base, bound, measured)


# --- the finding --------------------------------------------------------------------------------


def _bias(quality: dict[str, Any]) -> float:
    return abs(float(quality["worst"]["p"]) - 0.5)


def _flagged_words(quality: dict[str, Any]) -> str:
    worst = quality["worst"]
    rows = [row for row in quality["avalanche"] if row is not None]
    if all(p == 0 for row in rows for p in row):
        what = "its hash never changed when a bit flipped"
    else:
        what = (
            f"output bit {worst['output_bit']} flips with probability {worst['p']:.2f} "
            f"when input bit {worst['input_bit']} does"
        )
    description = re.sub(r"\s*\([^()]*\)$", "", quality["description"])  # without "(native, Rust)"
    return f"{quality['hash']} (bias {_bias(quality):.2f}: {what}; {description})"


def quality_finding(section: dict[str, Any] | None) -> str:
    if not section or not section["hashes"]:
        return "No data: no hash function could hash these keys (see the notes)."
    hashes = section["hashes"]
    tested = [q for q in hashes if q["worst"] is not None]
    text = f"On the keys of {section['workload']}, "
    if tested:
        fair = [q for q in tested if not q["flagged"]]
        flagged = sorted((q for q in tested if q["flagged"]), key=_bias, reverse=True)
        text += (
            f"with one bit of {section['flipped_keys']:,} keys flipped at a time (the bound: {BIAS_SE:g} "
            f"standard errors from 0.5, {section['bias_bound']:.3f} here), "
        )
        if fair:
            worst = max(_bias(q) for q in fair)
            verb = "flip" if len(fair) > 1 else "flips"
            text += f"{names_list([q['hash'] for q in fair])} {verb} every output bit with probability 0.5 "
            text += f"within the bound (worst bias {worst:.3f})"
        if flagged:
            text += "; " if fair else ""
            verb = "exceed" if len(flagged) > 1 else "exceeds"
            text += f"{names_list([_flagged_words(q) for q in flagged])} {verb} it"
        text += ". "
    else:
        text += "no named hash could be tested for avalanche (it needs str, bytes or int keys). "
    small, large = section["sizes"]
    clumped = [q["hash"] for q in hashes if min(q["chi_squared_p"]) < UNIFORM_P]
    text += f"Over all {section['n']:,} keys, the home buckets (index='mask') at {small:,} and {large:,} buckets "
    if clumped:
        text += f"are not uniform (chi-squared p < {UNIFORM_P:g}) for {names_list(clumped)}"
    else:
        text += f"are uniform for every hash (chi-squared p >= {UNIFORM_P:g})"
    bits = COLLISION_BITS[0]
    most = max(hashes, key=lambda q: q["collisions"][str(bits)])
    expected = expected_collisions(section["n"], bits)
    text += (
        f"; in the low {bits} bits, {most['hash']}'s hashes collide {most['collisions'][str(bits)]:,} times "
        f"where a uniform hash gives {expected:,.0f}."
    )
    return text


def quality_table(section: dict[str, Any] | None) -> list[TextTable]:
    if not section or not section["hashes"]:
        return []
    small, large = section["sizes"]
    n = section["n"]
    headings = (
        "hash",
        f"chi2 p\n{small:,} buckets",
        f"chi2 p\n{large:,} buckets",
        *(f"low {bits} bits\ncollisions" for bits in COLLISION_BITS),
        "avalanche\nbias",
    )
    lines = []
    for q in section["hashes"]:
        bias = "-" if q["worst"] is None else f"{_bias(q):.3f}" + (" *" if q["flagged"] else "")
        collided = [f"{q['collisions'][str(bits)]:,}" for bits in COLLISION_BITS]
        lines.append([q["hash"], *(f"{p:.3g}" for p in q["chi_squared_p"]), *collided, bias])
    uniform = [f"{expected_collisions(n, bits):,.1f}" for bits in COLLISION_BITS]
    lines.append(["(a uniform hash)", "-", "-", *uniform, "0"])
    title = (
        f"Hash quality on {section['workload']} (n={n:,}; chi2 p below {UNIFORM_P:g}: not uniform; "
        f"*: avalanche bias over {BIAS_SE:g} standard errors)"
    )
    return [TextTable(title, headings, lines)]


# --- the plot -----------------------------------------------------------------------------------


def heat_maps(section: dict[str, Any] | None, path: Path) -> None:
    from matplotlib.figure import Figure

    from ..plot_style import no_data, save

    tested = [q for q in (section or {}).get("hashes", []) if q["avalanche"] is not None]
    columns = min(4, max(1, len(tested)))
    lines = max(1, math.ceil(len(tested) / columns))
    figure = Figure(figsize=(3.3 * columns + 1.2, 3.2 * lines + 1.0))
    figure.subplots_adjust(left=0.06, right=0.88, bottom=0.1, top=1 - 0.8 / (3.2 * lines + 1.0), hspace=0.4)
    axes = figure.subplots(lines, columns, squeeze=False)
    image = None
    for i, ax in enumerate(axes.flat):
        if i >= len(tested):
            ax.set_visible(i == 0)
            if i == 0:
                no_data(ax, "no data: avalanche needs str, bytes or int keys and a named hash")
            continue
        q = tested[i]
        cells = [[math.nan] * OUTPUT_BITS if row is None else row for row in q["avalanche"]]
        image = ax.imshow(cells, cmap="RdBu_r", vmin=0, vmax=1, origin="lower", aspect="auto", interpolation="nearest")
        mark = ", over the bound" if q["flagged"] else ""
        ax.set_title(f"{q['hash']}: bias {_bias(q):.2f}{mark}", fontsize=10, color="#a00" if q["flagged"] else "black")
        ax.set_xlabel("output bit", fontsize=9)
        if i % columns == 0:
            ax.set_ylabel("input bit flipped", fontsize=9)
    if image is not None:
        bar = figure.colorbar(image, ax=axes.ravel().tolist(), fraction=0.025, pad=0.02)
        bar.set_label("P(output bit flips); 0.5 is ideal")
    keys = section["flipped_keys"] if section else 0
    workload = section["workload"] if section else "?"
    figure.suptitle(
        f"(h) Avalanche on the keys of {workload}: {keys:,} keys, one input bit flipped at a time "
        "(bytes: from the last byte's lowest bit; ints: from bit 0); blank: too few keys that long"
    )
    save(figure, path)


class HashQuality(Experiment):
    """Measured on its own, after the timed rounds: nothing here is timed."""

    def runs(self, options: Options, plan: Plan) -> int:
        return len(options.hashes)

    def measure(
        self, options: Options, plan: Plan, workloads: dict[str, Workload], lab: LabRun, counter: Counter
    ) -> None:
        section = measure_quality(options, workloads[options.workloads[0]], lab, counter)
        lab.sections[NAME] = asdict(section)


EXPERIMENT = HashQuality(
    NAME,
    title="(h) Hash quality on the keys: avalanche, uniformity and collisions",
    baseline="an ideal hash: each output bit flips with probability 0.5; a uniform hash's buckets and collisions",
    finding=lambda results: quality_finding(results.sections.get(NAME)),
    tables=lambda results: quality_table(results.sections.get(NAME)),
    filename="hash_quality.png",
    draw=lambda results, path: heat_maps(results.sections.get(NAME), path),
)
