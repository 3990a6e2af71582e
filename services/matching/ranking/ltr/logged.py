"""Logged lists with graded outcomes: what training and counterfactual evaluation read.

Labels (graded): -1 no-show; 0 shown, nothing happened; 1 applied; 2 accepted or booked; 3 hired (a
job's acceptance opens a placement) or a gig completed and paid. A staff pin counts at least 1, a staff
hide at most 0. Rows of one list are contiguous, in the order shown.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from services.matching.ranking.ltr.features import FEATURES

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

NO_SHOW, SHOWN, APPLIED, BOOKED, HIRED = -1, 0, 1, 2, 3


@dataclass(slots=True)
class Logged:
    x: F64  # n × len(FEATURES)
    label: I64  # graded, -1..3
    position: I64  # 1 = first, as shown
    group: I64  # list id; equal ids are contiguous
    pair: I64  # (seeker, posting) id: the same pair shown in several lists shares it
    user: I64  # seeker id (for splitting by person)

    def __len__(self) -> int:
        return len(self.label)

    def take(self, keep: npt.NDArray[np.bool_]) -> "Logged":
        return Logged(
            self.x[keep],
            self.label[keep],
            self.position[keep],
            self.group[keep],
            self.pair[keep],
            self.user[keep],
        )

    def bounds(self) -> I64:
        """Start of each list, and the end: list g is rows bounds[g]:bounds[g+1]."""
        if len(self.group) == 0:
            return np.zeros(1, dtype=np.int64)
        change = np.flatnonzero(np.diff(self.group)) + 1
        return np.concatenate([[0], change, [len(self.group)]]).astype(np.int64)

    @property
    def hand_score(self) -> F64:
        out: F64 = self.x[:, FEATURES.index("hand_score")]
        return out

    def split(self, share: float, seed: int = 0) -> tuple["Logged", "Logged"]:
        """(train, test) by person: a share of seekers, drawn by a seeded hash, goes to test."""
        users = np.unique(self.user)
        rng = np.random.default_rng(seed)
        test_users = rng.choice(users, size=max(1, int(len(users) * share)), replace=False)
        test = np.isin(self.user, test_users)
        return self.take(~test), self.take(test)


def concat(parts: list[Logged]) -> Logged:
    return Logged(
        np.concatenate([p.x for p in parts]),
        np.concatenate([p.label for p in parts]),
        np.concatenate([p.position for p in parts]),
        np.concatenate([p.group for p in parts]),
        np.concatenate([p.pair for p in parts]),
        np.concatenate([p.user for p in parts]),
    )
