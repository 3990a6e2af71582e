"""`make soak`'s harness (`benchmarks/soak.py`) on a few seconds at a low rate: it starts the layout on
the test's backend, drives it, samples memory and connections, compares the replica with postings and
judges; and its verdict fails when events are lost, memory grows or connections pile up."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.soak import SoakPlan, judge, run
from tests import databases


@pytest.fixture
def served_coder(coder_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The served matching loads the classification-only coder instead of training one: its cache, and no
    labelled titles (with the shared data's, it would train a coder of its own, a minute or more)."""
    monkeypatch.setenv("MATCHING_CODER_CACHE", str(coder_cache))
    monkeypatch.setenv("LINGONG_SHARED_DATA", str(tmp_path / "none"))


@pytest.fixture(scope="module")
def passing() -> dict[str, Any]:
    """A report every check of which passed (as the short run below makes, by hand)."""
    window = {"all": {"errors": 0}}
    conns = {
        "first_half_median": 3,
        "second_half_median": 3,
        "first_half_peak": 5,
        "second_half_peak": 9,
        "last": 3,
    }
    return {
        "windows": [window, window],
        "events": {"lost": 0, "caught_up": True},
        "memory": {"judged": True, "processes": {"1 serve": {"growth_pct": 1.2}}},
        "connections": {"judged": True, "databases": {"postings": conns, "matching": conns}},
    }


# The soak's own layout is PostgreSQL; once per `make test` (the harness starts servers: about a minute).
@pytest.mark.postgres_only
@pytest.mark.slow
def test_a_short_soak_runs_the_layout_and_writes_a_report_with_every_check(
    served_coder: None, tmp_path: Path
) -> None:
    plan = SoakPlan(
        seconds=6,
        rate=4,
        warmup_seconds=0,
        window_seconds=3,
        sample_seconds=1,
        backend=databases.backend(),
        workers=0,
        out=tmp_path / "soak.json",
        demo_size=(40, 10),
    )

    report = run(plan)

    assert json.loads(plan.out.read_text(encoding="utf-8"))["verdict"] == report["verdict"]
    assert [w["sent"] > 0 for w in report["windows"]] == [True, True]
    assert report["events"]["outbox_events"] > 0
    assert report["events"]["caught_up"] is True
    assert report["events"]["lost"] == 0
    assert report["verdict"]["checks"]["lost_events"]["passed"] is True
    assert len(report["samples"]) >= 3
    assert all(pss > 0 for pss in report["samples"][-1]["pss_mb"].values())
    assert all(n >= 1 for n in report["samples"][-1]["connections"].values())
    assert set(report["verdict"]["checks"]) == {
        "errors",
        "lost_events",
        "memory_growth_pct",
        "connection_leak",
    }


def test_the_verdict_passes_a_clean_report(passing: dict[str, Any]) -> None:
    assert judge(passing)["passed"] is True


def test_the_verdict_fails_when_an_event_was_lost(passing: dict[str, Any]) -> None:
    report = copy.deepcopy(passing)
    report["events"]["lost"] = 1

    verdict = judge(report)

    assert verdict["passed"] is False
    assert verdict["checks"]["lost_events"] == {"value": 1, "passed": False}


def test_the_verdict_fails_when_a_process_grew_more_than_five_percent(passing: dict[str, Any]) -> None:
    report = copy.deepcopy(passing)
    report["memory"]["processes"]["1 serve"]["growth_pct"] = 5.1

    assert judge(report)["checks"]["memory_growth_pct"]["passed"] is False


def test_the_verdict_fails_when_connections_keep_growing(passing: dict[str, Any]) -> None:
    report = copy.deepcopy(passing)
    report["connections"]["databases"]["postings"]["second_half_median"] = 6

    assert judge(report)["checks"]["connection_leak"]["passed"] is False


def test_the_verdict_fails_when_connections_stay_open_after_the_load(passing: dict[str, Any]) -> None:
    report = copy.deepcopy(passing)
    report["connections"]["databases"]["matching"]["last"] = 6

    assert judge(report)["checks"]["connection_leak"]["passed"] is False


def test_the_verdict_fails_on_errors(passing: dict[str, Any]) -> None:
    report = copy.deepcopy(passing)
    report["windows"][1] = {"all": {"errors": 2}}

    assert judge(report)["checks"]["errors"] == {"value": 2, "passed": False}
