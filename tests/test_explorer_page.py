"""The page writer and the explore command, without a browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from explorer_cases import CASES, ops_of
from hashtable.lab.__main__ import main
from hashtable.lab.errors import LabError
from hashtable.lab.explorer.page import page_data, render_page, write_page
from hashtable.lab.explorer.recording import default_ops, recorder, trace
from hashtable.lab.explorer.schema import check


def _embedded(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="trace-data">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1).replace("<\\/", "</"))


def test_page_is_one_file_that_loads_nothing() -> None:
    page = render_page([CASES["linear"]()])
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "http://" not in page and "https://" not in page
    assert "<script src" not in page and '<link rel="stylesheet"' not in page
    assert page.count("<script") == 2 and page.count("<style>") == 1


def test_embedded_data_round_trips_and_names_each_op() -> None:
    linear = CASES["linear"]()
    data = _embedded(render_page([linear]))
    assert data["traces"] == [linear]
    ops = data["ops"]
    assert isinstance(ops, list) and len(ops) == len(linear["steps"])
    assert ops[0] == {"op": "set", "repr": "1", "hash": "0x0000000000000001"}


def test_a_key_cannot_close_the_script_block(tmp_path: Path) -> None:
    hostile = CASES["chaining"]()
    hostile["keys"][0]["repr"] = "'</script><script>alert(1)</script>'"
    page = write_page([hostile], tmp_path / "explore.html").read_text(encoding="utf-8")
    assert page.count("</script>") == 2
    assert _embedded(page)["traces"] == [hostile]


def test_traces_side_by_side_must_share_their_operations() -> None:
    with pytest.raises(ValueError, match="same operations"):
        page_data([CASES["linear"](), CASES["quadratic"]()])
    with pytest.raises(ValueError, match="at least one"):
        page_data([])


def test_schema_check_names_what_is_wrong() -> None:
    bad = CASES["linear"]()
    bad["steps"][1]["events"][0]["saw"] = "maybe"
    with pytest.raises(ValueError, match="step 1: visit saw 'maybe'"):
        check(bad)
    bad = CASES["linear"]()
    bad["layout"] = "chains"
    with pytest.raises(ValueError, match="layout"):
        check(bad)


def test_default_ops_insert_look_up_delete_and_insert_again() -> None:
    ops = default_ops(["a", "b", "c", "d"], ["x"])
    assert [op[0] for op in ops] == ["set"] * 4 + ["get"] * 5 + ["del"] * 2 + ["set"] * 2
    assert [op[1] for op in ops if op[0] == "del"] == ["a", "d"]


def test_trace_says_when_the_engine_cannot_record() -> None:
    if recorder() is not None:
        pytest.skip("this build records traces")
    with pytest.raises(LabError, match="does not record traces"):
        trace([("set", 1, 1)], strategy="linear")


def test_explore_command_reports_bad_arguments(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["explore", "--strategy", "nope", "--out", str(tmp_path / "e.html")]) == 2
    assert "unknown strategy 'nope'" in capsys.readouterr().err
    assert main(["explore", "--int"]) == 2
    assert "--column and --int need --keys FILE" in capsys.readouterr().err
    assert main(["explore", "--keys", str(tmp_path / "absent.txt")]) == 2
    assert "cannot read it" in capsys.readouterr().err


NO_RECORDER = "this build has no engine trace recorder (hashtable._hashtable._lab_trace)"


@pytest.mark.skipif(recorder() is None, reason=NO_RECORDER)
def test_explore_command_writes_the_page(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("\n".join(f"word{i}" for i in range(60)), encoding="utf-8")
    out = tmp_path / "explore.html"
    assert (
        main(["explore", "--keys", str(words), "--strategy", "linear", "robin_hood", "swiss", "--out", str(out)]) == 0
    )
    data = _embedded(out.read_text(encoding="utf-8"))
    traces = data["traces"]
    assert isinstance(traces, list) and [t["strategy"] for t in traces] == ["linear", "robin_hood", "swiss"]
    assert "wrote" in capsys.readouterr().out


def test_explore_command_runs_ops_from_a_file_through_the_recorder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's plumbing, with the recorder replaced by one that hands back the hand-written
    linear case: the keys are numbered and hashed as the table would, and the page embeds the result."""
    from hashtable.lab.explorer import recording

    linear = CASES["linear"]()
    seen: dict[str, object] = {}

    def fake(hashes: list[int], ops: list[tuple[str, int]], **params: object) -> str:
        seen.update(hashes=hashes, ops=ops, params=params)
        return json.dumps({"size": 8, "start": linear["start"], "steps": linear["steps"]})

    monkeypatch.setattr(recording, "recorder", lambda: fake)
    script = tmp_path / "ops.txt"
    script.write_text("\n".join(f"{op[0]} {op[1]}" for op in ops_of(linear)) + "\n", encoding="utf-8")
    out = tmp_path / "page.html"
    argv = ["explore", "--ops", str(script), "--int", "--hash", "explorer_cases:identity", "--strategy", "linear"]
    assert main([*argv, "--index", "mod", "--out", str(out)]) == 0
    assert seen["hashes"] == [1, 9, 17, 25, 2, 3]
    assert seen["ops"] == [(step["op"], step["key"]) for step in linear["steps"]]
    assert seen["params"] == {"strategy": "linear", "index": "mod", "max_load": 0.5, "growth": 2.0, "size": 8}
    data = _embedded(out.read_text(encoding="utf-8"))
    traces = data["traces"]
    assert isinstance(traces, list) and traces[0]["keys"] == linear["keys"] and traces[0]["steps"] == linear["steps"]
    assert "wrote" in capsys.readouterr().out
    script.write_text("get seven\n", encoding="utf-8")
    assert main(["explore", "--ops", str(script), "--int", "--out", str(out)]) == 2
    assert "'seven' is not an int" in capsys.readouterr().err


@pytest.mark.skipif(recorder() is None, reason=NO_RECORDER)
def test_the_lab_report_gets_an_explorer_page_of_its_first_keys(tmp_path: Path) -> None:
    from hashtable.lab.explorer.command import LAB_KEYS, LAB_PAGE, lab_page
    from hashtable.lab.workloads import make_workload

    workload = make_workload("ints", 500, 0)
    assert lab_page(tmp_path, workload, ("chaining", "compact"), None) == LAB_PAGE
    data = _embedded((tmp_path / LAB_PAGE).read_text(encoding="utf-8"))
    traces = data["traces"]
    assert isinstance(traces, list) and [t["strategy"] for t in traces] == ["chaining", "compact"]
    inserted = [step for step in traces[0]["steps"] if step["op"] == "set" and step["result"] == "inserted"]
    assert len({step["key"] for step in inserted}) == LAB_KEYS  # each key, some of them twice (deleted, then back)
