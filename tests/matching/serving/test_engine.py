"""The engine and its pool without HTTP: changes heard while loading replay by version, and a pool with
changes layered on ranks exactly like a pool built afresh."""

import dataclasses
import random

import pytest

from services.matching.contracts import SeekerQuery
from services.matching.ranking.candidates import rank_candidates
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder
from services.matching.replica.listeners import ReplicaChange
from services.matching.serving.config import FairnessSettings
from services.matching.serving.engine import MatchingEngine
from services.matching.serving.pool import LivePool
from tests.matching.ranking.conftest import HOME, NOW, keyword_predictor, offset, posting, seeker

T = NOW.timestamp()


@pytest.fixture
def encoder() -> TextEncoder:
    return TextEncoder(keyword_predictor)


def _people(n: int, seed: int) -> list[SeekerQuery]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lat, lng = offset(*HOME, rng.uniform(-5, 5), rng.uniform(-5, 5))
        groups = frozenset({"veteran"}) if rng.random() < 0.2 else frozenset()
        text = rng.choice(("装卸工", "搬运", "保洁", ""))
        out.append(seeker(seeker_id=f"s{i}", lat=lat, lng=lng, desired_text=text, priority_groups=groups))
    return out


def test_a_pool_with_changes_layered_on_ranks_like_one_built_afresh(encoder: TextEncoder) -> None:
    people = _people(300, 1)
    pool = LivePool(encoder, people, delta_max=1000)
    rng = random.Random(2)
    changes: dict[str, SeekerQuery | None] = {}
    for q in rng.sample(people, 60):
        if rng.random() < 0.3:
            changes[q.seeker_id] = None
        else:
            lat, lng = offset(*HOME, rng.uniform(-3, 3), 0)
            changes[q.seeker_id] = dataclasses.replace(q, lat=lat, lng=lng, priority_groups=frozenset())
    pool.update(changes)
    fresh = [q for q in (changes.get(p.seeker_id, p) for p in people) if q is not None]
    engine = MatchingEngine.prebuilt(PostingIndex(encoder))
    engine.pool = pool

    layered = engine.candidates(posting(km=0.0), 50, FairnessSettings(p=0.5), NOW)
    rebuilt = rank_candidates(posting(km=0.0), fresh, 50, 0.5, 0.1, encoder=encoder, now=T)

    assert len(pool.parts()) == 2
    assert [c.seeker_id for c in layered] == [c.seeker_id for c in rebuilt]
    assert [c.score for c in layered] == [c.score for c in rebuilt]


def test_a_pool_is_rebuilt_in_one_piece_when_too_many_seekers_changed(encoder: TextEncoder) -> None:
    people = _people(20, 3)
    pool = LivePool(encoder, people, delta_max=5)
    pool.update({q.seeker_id: q for q in people[:5]})
    assert (pool.rebuilds, len(pool.parts())) == (1, 2)
    pool.update({people[5].seeker_id: None})
    assert (pool.rebuilds, len(pool.parts()), len(pool)) == (2, 1, 19)


def _change(*snapshots: dict[str, object]) -> ReplicaChange:
    return ReplicaChange(0, tuple(snapshots), ())  # type: ignore[arg-type]


def test_changes_heard_while_loading_are_replayed_by_version(encoder: TextEncoder) -> None:
    engine = MatchingEngine()
    old = posting("仓库装卸工", km=1.0, version=1)
    newer = old | {"version": 2, "title": "仓库装卸工（新）"}
    gone = posting("保洁员", km=2.0, version=1)
    engine.on_replica_change(_change(old))  # committed before the load read version 2: skipped
    engine.on_replica_change(_change(gone | {"status": "closed", "version": 2}))
    loaded = PostingIndex(encoder)
    loaded.build([newer, gone])

    engine.go_live(Ranker(loaded), LivePool(encoder, []), {old["id"]: 2, gone["id"]: 1}, 0, "test", 0.0)

    assert old["id"] in loaded
    assert gone["id"] not in loaded
    assert engine.versions == {old["id"]: 2}
    engine.on_replica_change(_change(old))  # late and stale
    assert engine.versions == {old["id"]: 2}
    engine.on_replica_change(_change(newer | {"status": "closed", "version": 3}))
    assert len(loaded) == 0
    assert engine.versions == {}
