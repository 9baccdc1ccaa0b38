"""The `equality` experiment's workloads: keys that need `key=` or `eq=`.

* ``headers``: HTTP header names, each inserted in one capitalisation and looked
  up and deleted in another ("content-type", "CONTENT-TYPE", "cOnTeNt-TyPe"). The
  common header names come first, then vendor-style names ("X-Cache-Origin-Policy")
  made of their words, as many as n asks. Timed in `HashTable(key=str.casefold)`.
* ``identity``: lists and dicts (unhashable) as keys, looked up as the same
  objects; the absent keys are equal copies of present ones, which an identity
  table must not find. Timed in `HashTable(eq="identity")`.

Each is timed in every strategy, beside the mapping a user writes by hand for it
(by_hand.py) and beside a plain dict given keys the caller has already transformed
(folded, or replaced by their `id()`): the floor, what the same lookups cost when
the transform is done once, outside the timed loop. Only the view from Python is
timed: the structure alone is the same as on any str or int keys, and what `key=`
and `eq=` cost is all on the Python side.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from .by_hand import CaseFoldDict, IdentityDict
from .hashes import HashChoice
from .workloads import Workload, missing_count

EXPERIMENT = "equality"

# Common request and response header names (the IANA registry's most used, and some
# de-facto X- ones), in their canonical spelling.
HEADER_NAMES: tuple[str, ...] = (
    "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Accept-Ranges",
    "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods",
    "Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
    "Access-Control-Request-Headers", "Access-Control-Request-Method", "Age", "Allow", "Alt-Svc",
    "Authorization", "Cache-Control", "Clear-Site-Data", "Connection", "Content-Disposition",
    "Content-Encoding", "Content-Language", "Content-Length", "Content-Location", "Content-Range",
    "Content-Security-Policy", "Content-Type", "Cookie", "Cross-Origin-Embedder-Policy",
    "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy", "Date", "DNT", "Early-Data", "ETag",
    "Expect", "Expires", "Forwarded", "From", "Host", "If-Match", "If-Modified-Since", "If-None-Match",
    "If-Range", "If-Unmodified-Since", "Keep-Alive", "Last-Modified", "Link", "Location",
    "Max-Forwards", "Origin", "Pragma", "Priority", "Proxy-Authenticate", "Proxy-Authorization",
    "Range", "Referer", "Referrer-Policy", "Retry-After", "Sec-CH-UA", "Sec-CH-UA-Mobile",
    "Sec-CH-UA-Platform", "Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User",
    "Server", "Server-Timing", "Set-Cookie", "Strict-Transport-Security", "TE", "Timing-Allow-Origin",
    "Trailer", "Transfer-Encoding", "Upgrade", "Upgrade-Insecure-Requests", "User-Agent", "Vary", "Via",
    "WWW-Authenticate", "X-Content-Type-Options", "X-Correlation-ID", "X-Forwarded-For",
    "X-Forwarded-Host", "X-Forwarded-Proto", "X-Frame-Options", "X-Powered-By", "X-Real-IP",
    "X-Request-ID", "X-Requested-With", "X-XSS-Protection",
)  # fmt: skip


@dataclass(frozen=True)
class Semantics:
    """One workload of the experiment: how the table is built, and what it is compared with."""

    workload: str
    description: str
    table_kwargs: dict[str, Any]  # what HashTable(...) gets besides the lab's parameters
    label: str  # the row's `semantics` column
    hash: HashChoice  # the table's hash: Python's, or identity's own
    by_hand: Callable[[], Any]  # the pure-Python mapping with the same semantics
    by_hand_name: str
    floor_key: Callable[[Any], Hashable]  # what a dict's caller does to each key beforehand
    floor_words: str


SEMANTICS: dict[str, Semantics] = {
    "headers": Semantics(
        "headers",
        "HTTP header names, inserted in one capitalisation, looked up and deleted in another",
        {"key": str.casefold},
        "key=str.casefold",
        HashChoice("python", None, "builtin", "Python's built-in hash() of the folded name"),
        CaseFoldDict,
        "CaseFoldDict",
        str.casefold,
        "names folded by the caller beforehand",
    ),
    "identity": Semantics(
        "identity",
        "lists and dicts as keys, found only as the same object; the absent keys are equal copies",
        {"eq": "identity"},
        'eq="identity"',
        HashChoice("identity", None, "builtin", "the object's identity (eq='identity' without a hash_func)"),
        IdentityDict,
        "IdentityDict",
        id,
        "id(k) computed by the caller beforehand",
    ),
}
EQUALITY_WORKLOADS: tuple[str, ...] = tuple(SEMANTICS)


def table_kwargs(label: str) -> dict[str, Any]:
    """HashTable's extra keywords for a Config's `semantics` ("" for none)."""
    if not label:
        return {}
    return next(dict(s.table_kwargs) for s in SEMANTICS.values() if s.label == label)


def make_equality_workload(name: str, n: int, seed: int) -> Workload:
    """n keys of workload `name`, with the spellings (or objects) lookups use, and absent keys."""
    rng = random.Random(f"{name}:{seed}")
    if name == "headers":
        return _headers(n, rng)
    if name == "identity":
        return _identity(n)
    raise ValueError(f"unknown equality workload {name!r}")


def floor_workload(workload: Workload) -> Workload:
    """The same workload with every key transformed beforehand, for a plain dict."""
    transform = SEMANTICS[workload.name].floor_key
    return Workload(
        workload.name,
        [transform(key) for key in workload.keys],
        [transform(key) for key in workload.missing],
        workload.note,
        [transform(key) for key in workload.lookup_keys],
    )


# --- headers --------------------------------------------------------------------------------


def header_names(count: int, rng: random.Random) -> list[str]:
    """`count` header names distinct under casefold: the common ones, then vendor-style ones."""
    names = dict.fromkeys(name.casefold() for name in HEADER_NAMES)
    chosen = list(HEADER_NAMES[:count])
    words = sorted({word for name in HEADER_NAMES for word in name.split("-")})
    while len(chosen) < count:
        name = "-".join(["X", *rng.sample(words, rng.randint(2, 4))])
        if name.casefold() not in names:
            names[name.casefold()] = None
            chosen.append(name)
    return chosen


_SPELLINGS: tuple[Callable[[str, random.Random], str], ...] = (
    lambda name, _: name,
    lambda name, _: name.lower(),
    lambda name, _: name.upper(),
    lambda name, rng: "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name),
)


def _two_spellings(name: str, rng: random.Random) -> tuple[str, str]:
    """Two different spellings of `name` (the same only when it has no letter to change)."""
    first, second = rng.sample(_SPELLINGS, 2)
    insert, lookup = first(name, rng), second(name, rng)
    if insert == lookup:
        lookup = insert.swapcase()
    return insert, lookup


def _headers(n: int, rng: random.Random) -> Workload:
    names = header_names(n + missing_count(n), rng)
    rng.shuffle(names)
    present, absent = names[:n], names[n:]
    pairs = [_two_spellings(name, rng) for name in present]
    missing: list[Hashable] = [_SPELLINGS[rng.randrange(len(_SPELLINGS))](name, rng) for name in absent]
    return Workload("headers", [insert for insert, _ in pairs], missing, "", [lookup for _, lookup in pairs])


# --- identity -------------------------------------------------------------------------------


def _objects(start: int, count: int) -> Iterator[Any]:
    for i in range(start, start + count):
        yield [i, "row"] if i % 2 == 0 else {"id": i}


def _identity(n: int) -> Workload:
    keys = list(_objects(0, n))
    # Equal to present keys, but other objects: an identity table must miss every one.
    missing = list(_objects(0, missing_count(n)))
    return Workload("identity", keys, missing, "", keys)
