"""The core subset of the reliability suite that scripts/valgrind.sh runs under
valgrind memcheck (PYTHONMALLOC=malloc), for every strategy.

Not collected by a plain `pytest tests` (the name does not start with test_):
it re-exports chosen tests from the test modules and adds a few compact
drivers, so that every native code path (each operation, error paths,
re-entrant user code, GC traversal and clearing, iteration (the items tuple a
step refills), copies, pickling, threads,
the C API capsule)
runs at least once in a few minutes of valgrind time.

    .venv/bin/python -m pytest tests/valgrind_subset.py      # without valgrind, ~2 s
"""

from __future__ import annotations

import pytest
from helpers_reliability import run_both, threaded_workload
from soak import CONFIGS, soak_one
from test_bad_input import (  # noqa: F401 - re-exported for collection
    test_constant_hash_func_decides_hashability,
    test_eq_returning_an_object_whose_bool_raises,
    test_huge_ints_are_keys,
    test_key_whose_hash_is_minus_one,
    test_nan_keys_are_found_by_identity_only,
)
from test_bulk_update import (  # noqa: F401 - re-exported for collection
    test_a_list_changed_by_eq_during_update_ends_like_dict,
    test_mixed_sources_agree_with_storing_one_by_one,
    test_replaced_values_are_released_after_the_borrow,
)
from test_capi import (  # noqa: F401 - re-exported for collection
    probe,
    test_a_raising_eq_or_hash_propagates_unchanged,
    test_error_paths_leave_reference_counts_unchanged,
    test_new_raises_as_the_constructor_does,
    test_null_arguments_raise_system_error,
    test_reference_counts_are_exactly_the_python_methods,
    test_size_and_len_read_the_native_state_of_a_subclass,
)
from test_hostile_round3 import (  # noqa: F401 - re-exported for collection
    SWAP_SCENARIOS,
    run_swap_scenario,
    test_a_value_replaced_in_the_source_is_not_a_mutation,
    test_copy_into_a_table_new_returned_sets_items_as_dict_does,
    test_dict_source_mutated_at_constant_size,
    test_eq_not_implemented_is_not_true,
    test_eq_not_implemented_tries_the_reflected_call,
    test_merge_and_mutate,
    test_views_ignore_the_subclass_overrides,
)
from test_key_semantics import (  # noqa: F401 - re-exported for collection
    test_first_key_kept_and_found_by_every_spelling,
    test_identity_keys_are_objects_not_values,
    test_identity_relation_survives_one_pickle,
)
from test_key_semantics_reliability import (  # noqa: F401 - re-exported for collection
    test_cycle_through_key_or_eq_is_collected,
    test_eq_that_clears_the_table_ends_in_a_consistent_table,
    test_key_and_eq_functions_are_released_and_traversed,
    test_key_that_changes_the_table_gives_dicts_result_or_runtime_error,
    test_key_that_raises_leaks_nothing,
    test_stored_keys_and_their_lookup_forms_are_released,
    test_value_del_that_uses_a_transform_table_during_replacement,
)
from test_memory import (  # noqa: F401 - re-exported for collection
    paused_gc,
    test_collected_cycle_with_finalizers_frees_every_item,
    test_cycles_through_a_table_are_collected,
    test_dropping_a_table_releases_everything,
    test_gc_sees_every_key_value_and_the_hash_func,
    test_hash_func_closure_referring_to_the_table_is_collected,
)
from test_pickle_copy import (  # noqa: F401 - re-exported for collection
    test_copy_self_containing_is_shallow,
    test_round_trip_items_and_parameters,
)
from test_reentrancy import (  # noqa: F401 - re-exported for collection
    ACTIONS,
    DEL_MUTATIONS,
    HASH_MUTATIONS,
    hash_scenario,
    test_eq_that_always_mutates_gives_up_with_runtime_error,
    trap_scenario,
)
from test_reentrancy import (
    test_del_of_a_removed_key_or_value_mutates_the_table as _del_removed,
)
from test_reentrancy import (
    test_del_of_a_replaced_value_mutates_the_table as _del_replaced,
)
from test_reentrancy_iteration_gc import (  # noqa: F401 - re-exported for collection
    low_gc_threshold,
    test_equality_while_eq_mutates_a_table,
    test_finalizers_touch_a_table_in_a_garbage_cycle,
    test_gc_during_inserts_runs_finalizers_that_insert,
    test_iteration_with_delete_then_readd_is_a_runtime_error,
    test_iteration_with_mutation_matches_dict_or_raises,
    test_key_whose_hash_changes_after_insertion,
    test_update_from_a_mapping_that_mutates_the_table,
    test_update_from_pairs_that_mutate_the_table,
)
from test_views_iteration import (  # noqa: F401 - re-exported for collection
    test_a_cycle_through_the_recycled_tuple_is_collected,
    test_items_tuple_dropped_by_the_loop_is_refilled_with_the_next_item,
    test_value_released_by_a_refill_may_step_the_same_iterator,
)


@pytest.mark.parametrize("hash_index", range(len(CONFIGS)))
def test_random_operations_against_dict(strategy: str, hash_index: int) -> None:
    hash_func, pool = CONFIGS[hash_index]
    soak_one(strategy, hash_func, min(pool, 120), 400, seed=hash_index)


@pytest.mark.parametrize("action", ACTIONS)
def test_eq_mutates_the_table_mid_operation(strategy: str, action: str) -> None:
    for op in ("get", "setitem", "pop"):
        for probe_equal in (True, False):
            run_both(strategy, trap_scenario(op, action, probe_equal))


@pytest.mark.parametrize("how", DEL_MUTATIONS)
def test_del_mutates_the_table(strategy: str, how: str) -> None:
    _del_replaced(strategy, "setitem", how)
    for op in ("delitem", "popitem", "clear"):
        for victim in ("key", "value"):
            _del_removed(strategy, op, victim, how)


@pytest.mark.parametrize("how", HASH_MUTATIONS)
def test_hash_code_mutates_the_table(strategy: str, how: str) -> None:
    for op in ("get", "setitem", "delitem"):
        run_both(strategy, hash_scenario(op, how))


def test_threads(strategy: str) -> None:
    threaded_workload(strategy, threads=4, ops_per_thread=400)


@pytest.mark.parametrize("name", sorted(SWAP_SCENARIOS))
def test_semantics_swap_scenarios_in_process(name: str) -> None:
    """Round three's crash family (semantics swapped under a suspended
    operation), in this process so that memcheck sees every access."""
    run_swap_scenario(name)
