"""The learned ranker: trained behind a gate that refuses a model no better than the hand-set weights,
position bias estimated from the logs, counterfactual estimates, and re-ranking only the shortlist."""

import json
from pathlib import Path

import numpy as np
import pytest

from services.matching.impressions.learning import train_and_write
from services.matching.ranking import synthetic
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ltr.features import FEATURES
from services.matching.ranking.ltr.logged import Logged
from services.matching.ranking.ltr.model import ModelRefused, load, meta_path
from services.matching.ranking.ltr.propensity import harvest
from services.matching.ranking.ltr.train import counterfactual, train_gated
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder
from tests.matching.ranking.conftest import NOW
from tests.matching.ranking.ltr_model import made_up_logs, trained_model


def test_a_model_no_better_than_the_hand_set_weights_is_refused_and_not_written(tmp_path: Path) -> None:
    out = tmp_path / "ltr.txt"
    verdict = train_and_write(made_up_logs(("hand_score",)), out, min_gain=0.01, rounds=60)
    assert not verdict.beats
    assert verdict.model is None
    assert "hand-set" in verdict.reason
    assert not out.exists()


def test_a_better_model_is_written_with_what_it_beat_and_loads(tmp_path: Path) -> None:
    out = tmp_path / "ltr.txt"
    verdict = train_and_write(made_up_logs(("distance", "pay")), out, min_gain=0.01, rounds=60)
    assert verdict.beats
    assert verdict.learned["snips"] >= verdict.hand["snips"] + 0.01
    meta = json.loads(meta_path(out).read_text())
    assert meta["beats_hand_set"] is True
    assert tuple(meta["features"]) == FEATURES
    assert load(out).version == meta["version"]


def test_the_service_refuses_a_model_file_that_did_not_beat_the_hand_set_weights(tmp_path: Path) -> None:
    out = tmp_path / "ltr.txt"
    trained_model().save(out)
    meta = json.loads(meta_path(out).read_text())
    meta_path(out).write_text(json.dumps(meta | {"beats_hand_set": False}))
    with pytest.raises(ModelRefused):
        load(out)
    meta_path(out).write_text(json.dumps(meta | {"features": ["distance"]}))
    with pytest.raises(ModelRefused):
        load(out)


def test_too_few_outcomes_are_refused() -> None:
    quiet = made_up_logs(("distance",))
    quiet.label[:] = 0
    verdict = train_gated(quiet, rounds=10)
    assert not verdict.beats
    assert "too few" in verdict.reason


def test_position_bias_is_recovered_from_pairs_shown_at_different_positions() -> None:
    """Position-based clicks (p_k = 1/k) on pairs each shown at several positions: harvesting finds p."""
    rng = np.random.default_rng(5)
    pairs, per_pair, positions = 3000, 20, 10
    relevance = rng.uniform(0.2, 0.9, pairs)
    pair = np.repeat(np.arange(pairs), per_pair)
    position = rng.integers(1, positions + 1, size=len(pair))
    clicked = rng.random(len(pair)) < relevance[pair] / position
    n = len(pair)
    data = Logged(np.zeros((n, len(FEATURES))), clicked.astype(np.int64), position, np.arange(n), pair, pair)
    found = harvest(data, max_position=positions)
    assert all(found.harvested)
    assert found.p == pytest.approx(1.0 / np.arange(1, positions + 1), abs=0.04)


def test_snips_is_highest_for_the_order_that_puts_outcomes_first() -> None:
    data = made_up_logs(("distance", "pay"))
    prop = harvest(data)
    truth = counterfactual(data, data.label.astype(np.float64), prop)
    reverse = counterfactual(data, -data.label.astype(np.float64), prop)
    logged = counterfactual(data, -data.position.astype(np.float64), prop)
    assert truth["snips"] > logged["snips"] > reverse["snips"]
    assert truth["ips"] > reverse["ips"]


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    from tests.matching.ranking.conftest import keyword_predictor

    index = PostingIndex(TextEncoder(keyword_predictor))
    index.build(synthetic.postings(3000, seed=31, now=NOW))
    return Ranker(index)


def test_the_learned_ranker_reorders_only_the_hand_set_shortlist(ranker: Ranker) -> None:
    people = synthetic.seekers(200, seed=32, now=NOW)
    changed = 0
    for q in people:
        ranker.learned = None
        hand = ranker.rank(q, 50, now=NOW.timestamp())
        ranker.learned = trained_model()
        try:
            learned = ranker.rank(q, 10, now=NOW.timestamp())
        finally:
            ranker.learned = None
        assert {m.posting_id for m in learned} <= {m.posting_id for m in hand}
        scores = [float(m.extra["learned_score"]) for m in learned]  # type: ignore[arg-type]
        assert scores == sorted(scores, reverse=True)
        assert all(m.extra["ranker"] == trained_model().name for m in learned)
        assert all(sum(c.value for c in m.contributions) == pytest.approx(m.score) for m in learned)
        changed += [m.posting_id for m in learned] != [m.posting_id for m in hand[:10]]
    assert changed > 20  # it does re-order
