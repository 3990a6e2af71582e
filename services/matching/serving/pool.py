"""The seekers an employer's candidate list is drawn from, kept current without rebuilding on each change.

A `SeekerPool` is columns sorted by grid cell and costly to build (about 1.5 s for 100,000 seekers), so
changes are layered on it: the seekers changed since it was built are masked out of it and held, in
their new form, in a small second pool; `rank_candidates_in` ranks both at once (one FA*IR pass). When
more than `delta_max` seekers have changed, everything is rebuilt into one pool again.
"""

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from services.matching.contracts import SeekerQuery
from services.matching.ranking.candidates import PoolPart, SeekerPool
from services.matching.ranking.text import TextEncoder


class LivePool:
    def __init__(self, encoder: TextEncoder, queries: Sequence[SeekerQuery], delta_max: int = 2000) -> None:
        self.encoder = encoder
        self.delta_max = delta_max
        self.queries: dict[str, SeekerQuery] = {q.seeker_id: q for q in queries}
        self.rebuilds = 0
        self._rebuild()

    def _rebuild(self) -> None:
        ordered = [self.queries[k] for k in sorted(self.queries)]
        self.main = SeekerPool(ordered, self.encoder)
        self.row_of = {seeker_id: n for n, seeker_id in enumerate(self.main.ids)}
        self.alive: npt.NDArray[np.bool_] = np.ones(len(self.main), dtype=np.bool_)
        self.changed: set[str] = set()
        self._delta: SeekerPool | None = None
        self._delta_stale = False
        self.rebuilds += 1

    def __len__(self) -> int:
        return len(self.queries)

    def __contains__(self, seeker_id: object) -> bool:
        return seeker_id in self.queries

    def get(self, seeker_id: str) -> SeekerQuery | None:
        return self.queries.get(seeker_id)

    def update(self, changes: Mapping[str, SeekerQuery | None]) -> None:
        """New queries for changed seekers; None takes a seeker out (consent withdrawn, erased)."""
        for seeker_id, query in changes.items():
            row = self.row_of.get(seeker_id)
            if row is not None:
                self.alive[row] = False
            self.changed.add(seeker_id)
            if query is None:
                self.queries.pop(seeker_id, None)
            else:
                self.queries[seeker_id] = query
        self._delta_stale = True
        if len(self.changed) > self.delta_max:
            self._rebuild()

    def parts(self) -> list[PoolPart]:
        """The pools to rank, each with the mask of its rows that count."""
        if self._delta_stale:
            fresh = [self.queries[k] for k in sorted(self.changed) if k in self.queries]
            self._delta = SeekerPool(fresh, self.encoder) if fresh else None
            self._delta_stale = False
        out: list[PoolPart] = [(self.main, self.alive)] if len(self.main) else []
        if self._delta is not None:
            out.append((self._delta, None))
        return out
