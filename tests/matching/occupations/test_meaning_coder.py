"""The coder's two meaning signals: off they change nothing, on they are fused and survive the disk cache."""

from pathlib import Path

import joblib
import numpy as np
import pytest

from services.matching.occupations import OccupationCoder
from services.matching.occupations.coder import MEANING_SIGNALS, CoderParams
from services.matching.occupations.meaning import Embeddings
from services.matching.occupations.store import service_params
from tests.matching.ranking.conftest import CountingEngine

TITLES = ["电焊工", "招聘保洁阿姨", "叉车司机（日结）", "餐厅服务员", "打扫卫生"]


@pytest.fixture(scope="module")
def meaning_coder(tmp_path_factory: pytest.TempPathFactory) -> OccupationCoder:
    store = Embeddings(tmp_path_factory.mktemp("meaning") / "meaning.sqlite", CountingEngine())
    examples = [("电焊工", "6-18-02-04"), ("保洁阿姨", "4-09-08-01"), ("开叉车", "6-30-05-01")]
    return OccupationCoder.train(examples, params=CoderParams().with_meaning(), embeddings=store)


def test_the_switch_adds_the_two_signals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATCHING_MEANING", raising=False)
    assert service_params() == CoderParams()
    monkeypatch.setenv("MATCHING_MEANING", "on")
    assert dict(service_params().weights) == dict(CoderParams().weights) | {"e5_name": 0.5, "e5_vote": 0.5}


def test_with_their_weights_at_zero_the_coder_is_the_plain_one(meaning_coder: OccupationCoder) -> None:
    plain = OccupationCoder.train(
        [("电焊工", "6-18-02-04"), ("保洁阿姨", "4-09-08-01"), ("开叉车", "6-30-05-01")]
    )
    meaning_coder.fusion = {k: 0.0 if k in MEANING_SIGNALS else v for k, v in meaning_coder.fusion.items()}
    meaning_coder._init_cache()
    try:
        for ours, theirs in zip(meaning_coder.predict(TITLES, 5), plain.predict(TITLES, 5), strict=True):
            assert [c for c, _ in ours] == [c for c, _ in theirs]
            assert [p for _, p in ours] == pytest.approx(
                [p for _, p in theirs], rel=1e-2, abs=1e-6
            )  # training itself varies this much
    finally:
        meaning_coder.fusion = dict(meaning_coder.params.weights)
        meaning_coder._init_cache()


def test_the_signals_are_fused_and_survive_the_disk_cache(
    meaning_coder: OccupationCoder, tmp_path: Path
) -> None:
    signals = meaning_coder.signals(TITLES, list(MEANING_SIGNALS))
    assert signals["e5_name"].shape == (len(TITLES), len(meaning_coder.codes))
    assert np.allclose(signals["e5_name"].max(axis=1), 1.0)  # rescaled per text: the best code scores 1
    assert np.allclose(signals["e5_vote"].sum(axis=1), 1.0)  # softmax weights over the nearest titles
    # "电焊工" is a labelled title: its own vector is its nearest, and votes for its code
    assert meaning_coder.codes[int(signals["e5_vote"][0].argmax())] == "6-18-02-04"
    path = tmp_path / "coder.joblib"
    joblib.dump(meaning_coder, path)  # the store handle is not pickled ...
    loaded = joblib.load(path)
    loaded.attach(meaning_coder.embeddings)  # ... the loading process attaches its own
    assert loaded.predict(TITLES, 5) == meaning_coder.predict(TITLES, 5)
