"""`hashtable.STRATEGY_INFO`: the registry's facts agree with how each strategy behaves."""

from __future__ import annotations

import hashtable
import pytest
from hashtable import HashTable


def test_every_strategy_is_described() -> None:
    assert set(hashtable.STRATEGY_INFO) == set(hashtable.STRATEGIES)


@pytest.mark.parametrize("strategy", hashtable.STRATEGIES)
def test_facts_match_behaviour(strategy: str) -> None:
    info = hashtable.STRATEGY_INFO[strategy]
    refuses_full_load = False
    try:
        HashTable(strategy=strategy, max_load=2.0)
    except ValueError:
        refuses_full_load = True
    assert refuses_full_load is info["open_addressing"]
    assert HashTable(strategy=strategy, size=1).size == info["min_size"]
    keys = [k * 7919 % 1000 for k in range(200)]
    t = HashTable(dict.fromkeys(keys), strategy=strategy)
    assert (list(t) == list(dict.fromkeys(keys))) is info["insertion_ordered"]
    sizes = {HashTable(strategy=strategy, size=n).size for n in (5, 6, 7)}
    assert (sizes == {8}) is info["sizes"].startswith("a power of two")


@pytest.mark.parametrize("strategy", hashtable.STRATEGIES)
def test_recommended_parameters_make_a_working_table(strategy: str) -> None:
    recommended = hashtable.STRATEGY_INFO[strategy]["recommended"]
    t = HashTable(strategy=strategy, **recommended)
    t.update((i, i) for i in range(10_000))
    assert len(t) == 10_000 and t[9_999] == 9_999
    assert t.stats()["load_factor"] <= recommended["max_load"]
