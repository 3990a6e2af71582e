"""The in-memory posting index: columnar numpy arrays sorted by grid cell, plus an unsorted tail.

`build` sorts every row by grid cell; `upsert` rewrites a row in place when it stays in its cell and
otherwise tombstones it and appends to the tail; `remove` tombstones. When the tail or the tombstones
grow past a share of the index, `compact` re-sorts (amortised O(1) per change). Not thread-safe: the
replica consumer and the queries share one event loop.
"""

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import numpy as np
import numpy.typing as npt

from services.matching.ranking import grid, vocab
from services.matching.ranking.rules import NEUTRAL_RELIABILITY
from services.matching.ranking.snapshots import ParsedBatch, parse, shift_columns
from services.matching.ranking.store import Columns
from services.matching.ranking.text import TextEncoder, TextRows

I64 = npt.NDArray[np.int64]
BUILD_CHUNK = 50_000
TAIL_SHARE = 1 / 16  # compact when the unsorted tail passes this share of the rows ...
TAIL_MIN = 4096  # ... and this many rows
DEAD_SHARE = 1 / 4  # compact when this share of the rows are tombstones

_UNAVAILABLE = np.uint32(1 << vocab.UNAVAILABLE_BIT)


def _posting_spec(encoder: TextEncoder) -> dict[str, tuple[Any, int, Any]]:
    pad = encoder.table.size
    return {
        "id": (object, 0, None),
        "employer": (np.int32, 0, 0),
        "x": (np.float64, 0, 0.0),  # position on the unit sphere
        "y": (np.float64, 0, 0.0),
        "z": (np.float64, 0, 0.0),
        "cell": (np.int64, 0, 0),
        "county": (np.int32, 0, 0),
        "pay_lo": (np.float32, 0, 0.0),
        "pay_hi": (np.float32, 0, 0.0),
        "pay_unit": (np.int8, 0, 0),
        "pay_hour": (np.float64, 0, np.nan),
        "job_free": (np.int32, 0, 0),
        "req": (np.uint32, 0, 0),
        "flags": (np.uint8, 0, 0),
        "accom": (np.uint8, 0, 0),
        "exp_req": (np.int8, 0, 0),
        "fresh_at": (np.float64, 0, 0.0),
        "valid_until": (np.float64, 0, math.inf),
        "applicants": (np.int32, 0, 0),
        # text features. The occupation's, one column per slot of the fixed-width rows (column-major: every
        # row that passes the hard rules reads them, slot by slot, 1-D, which is twice as fast as gathering
        # (rows, width) blocks). The lexical terms, one (rows, width) block each for ids and weights
        # (row-major): the compiled pass reads them only for the few rows still in, scattered over the box,
        # where a row's 16 slots in one or two cache lines, not in 32 columns, are what it costs.
        **{name: (np.int16, 0, pad) for name in slots("occ", encoder.occ_width)},
        **{name: (np.float32, 0, 0.0) for name in slots("occ_w", encoder.occ_width)},
        **{name: (np.int16, 0, pad) for name in slots("minor", encoder.minor_width)},
        **{name: (np.float32, 0, 0.0) for name in slots("minor_w", encoder.minor_width)},
        "lex": (np.int32, encoder.lex_width, 0),
        "lex_w": (np.float32, encoder.lex_width, 0.0),
        "top_code": (np.int16, 0, -1),
        "meaning": (np.int32, 0, -1),  # the title's sentence-vector id (occupations/meaning.py), -1: none
        "sh_off": (np.int64, 0, 0),
        "sh_cnt": (np.int32, 0, 0),
        "version": (np.int64, 0, 0),  # the snapshot's version (the replica skips older ones)
    }


SHIFT_SPEC: dict[str, tuple[Any, int, Any]] = {
    "id": (object, 0, None),
    "start": (np.float64, 0, 0.0),  # epoch seconds
    "week": (np.int32, 0, 0),  # minute of the week it starts, Monday 00:00 Asia/Shanghai = 0
    "minutes": (np.int32, 0, 0),
    "free": (np.int32, 0, 0),
    "bookable": (np.bool_, 0, False),  # open with a free slot
    "night": (np.bool_, 0, False),  # touches 22:00-06:00
}


def slots(name: str, width: int) -> list[str]:
    """The column names of a fixed-width row feature: occ → occ0, occ1, …"""
    return [f"{name}{j}" for j in range(width)]


def _slot_values(name: str, block: npt.NDArray[Any]) -> dict[str, npt.NDArray[Any]]:
    return {f"{name}{j}": block[:, j] for j in range(block.shape[1])}


def _chunks(items: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class PostingIndex:
    """Open postings, ready for the ranking. Built from replica snapshots (`PostingRead` JSON)."""

    def __init__(self, encoder: TextEncoder) -> None:
        self.encoder = encoder
        self._reset()

    def _reset(self) -> None:
        encoder = self.encoder
        self.cols = Columns(_posting_spec(encoder))
        self.shifts = Columns(SHIFT_SPEC)
        self.row_of: dict[str, int] = {}
        self.sorted_end = 0  # rows [0, sorted_end) are sorted by cell; the rest is the tail
        self.dead = 0
        self.dead_shifts = 0
        self.employer_of: dict[str, int] = {}
        self.employer_reliability = np.full(16, NEUTRAL_RELIABILITY, dtype=np.float32)
        self.compactions = getattr(self, "compactions", 0)

    # -- size -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.row_of)

    def __contains__(self, posting_id: object) -> bool:
        return posting_id in self.row_of

    @property
    def rows(self) -> int:
        """Rows in the arrays, tombstones included."""
        return self.cols.n

    def nbytes(self) -> int:
        return self.cols.nbytes() + self.shifts.nbytes() + int(self.employer_reliability.nbytes)

    # -- employers ------------------------------------------------------------------------
    def _employer(self, employer_id: str) -> int:
        code = self.employer_of.get(employer_id)
        if code is None:
            code = self.employer_of[employer_id] = len(self.employer_of)
            if code >= len(self.employer_reliability):
                grown = np.full(code * 2, NEUTRAL_RELIABILITY, dtype=np.float32)
                grown[: len(self.employer_reliability)] = self.employer_reliability
                self.employer_reliability = grown
        return code

    def set_employer_reliability(self, employer_id: str, value: float) -> None:
        """An employer's reliability, 0..1 (from the feed's `reliability.employer` records)."""
        self.employer_reliability[self._employer(employer_id)] = min(1.0, max(0.0, value))

    # -- writing --------------------------------------------------------------------------
    def _columns_of(self, batch: ParsedBatch, text: TextRows, keep: list[int]) -> dict[str, Any]:
        pick = np.asarray(keep, dtype=np.int64)

        def col(values: list[Any], dtype: Any) -> Any:
            return np.asarray(values, dtype=dtype)[pick]

        lat = col(batch.lat, np.float64)
        lng = col(batch.lng, np.float64)
        x, y, z = grid.unit_xyz(lat, lng)
        req = col(batch.requirement, np.uint32)
        is_job = (req & np.uint32(1 << vocab.JOB_BIT)) != 0
        job_free = col(batch.job_free, np.int32)
        req[is_job & (job_free <= 0)] |= _UNAVAILABLE
        employers = [self._employer(batch.employers[i]) for i in keep]
        for i in keep:
            if not math.isnan(batch.reliability[i]):
                self.employer_reliability[self._employer(batch.employers[i])] = batch.reliability[i]
        return {
            "id": [batch.ids[i] for i in keep],
            "employer": employers,
            "x": x,
            "y": y,
            "z": z,
            "cell": grid.cells(lat, lng),
            "county": col(batch.county, np.int32),
            "pay_lo": col(batch.pay_lo, np.float32),
            "pay_hi": col(batch.pay_hi, np.float32),
            "pay_unit": col(batch.pay_unit, np.int8),
            "pay_hour": batch.pay_hour()[pick],
            "job_free": job_free,
            "req": req,
            "flags": col(batch.flags, np.uint8),
            "accom": col(batch.accommodations, np.uint8),
            "exp_req": np.clip(col(batch.experience, np.int64), 0, 50).astype(np.int8),
            "fresh_at": col(batch.fresh_at, np.float64),
            "valid_until": col(batch.valid_until, np.float64),
            "applicants": col(batch.applicants, np.int32),
            **_slot_values("occ", text.occ[pick]),
            **_slot_values("occ_w", text.occ_w[pick]),
            **_slot_values("minor", text.minor[pick]),
            **_slot_values("minor_w", text.minor_w[pick]),
            "lex": text.lex[pick],
            "lex_w": text.lex_w[pick],
            "top_code": text.top_code[pick],
            "meaning": text.meaning[pick] if text.meaning is not None else np.full(len(keep), -1, np.int32),
            "sh_off": np.zeros(len(keep), dtype=np.int64),
            "sh_cnt": np.zeros(len(keep), dtype=np.int32),
            "version": col(batch.version, np.int64),
        }

    def _append_shifts(self, values: dict[str, Any], batch: ParsedBatch, keep: list[int]) -> None:
        counts = np.asarray(batch.shift_count, dtype=np.int64)
        first = np.cumsum(counts) - counts
        kept = counts[keep]
        pick = grid.concat_ranges(first[keep], first[keep] + kept).tolist()
        base = self.shifts.n
        if pick:
            self.shifts.append(shift_columns([batch.shifts[i] for i in pick]), len(pick))
        values["sh_cnt"] = kept.astype(np.int32)
        values["sh_off"] = base + np.cumsum(kept) - kept

    def _encode(self, batch: ParsedBatch) -> TextRows:
        return self.encoder.encode_rows(batch.titles, batch.texts, batch.occupation)

    def build(self, snapshots: Iterable[Mapping[str, Any]], *, fit_text: bool = True) -> None:
        """Replace the index with these snapshots (only open ones are kept), sorted by cell.

        The text IDF is fitted on the first chunk (50,000 snapshots are plenty for document frequencies)."""
        self._reset()
        for n, chunk in enumerate(_chunks(snapshots, BUILD_CHUNK)):
            batch = parse(chunk)
            if n == 0 and fit_text:
                self.encoder.fit(batch.titles, batch.texts)
            self._add(batch, [i for i in range(len(batch)) if batch.open[i]])
        self.compact()

    def _add(self, batch: ParsedBatch, keep: list[int]) -> int:
        values = self._columns_of(batch, self._encode(batch), keep)
        self._append_shifts(values, batch, keep)
        first = self.cols.append(values, len(keep))
        for j, i in enumerate(keep):
            old = self._unbind(batch.ids[i])
            if old is not None:
                self._tombstone(old)
            self._bind(batch.ids[i], first + j)
        return first

    def upsert(self, snapshot: Mapping[str, Any]) -> None:
        """Add or replace one posting; one that is not open (or no longer exists) is removed."""
        self.upsert_many([snapshot])

    def upsert_many(self, snapshots: Sequence[Mapping[str, Any]]) -> None:
        """Apply a batch of snapshots in order (the replica's batch of feed events): cheaper per posting
        than one at a time, since parsing and text encoding run once for the batch."""
        batch = parse(snapshots)
        last = {posting_id: i for i, posting_id in enumerate(batch.ids)}
        keep = [i for i, posting_id in enumerate(batch.ids) if last[posting_id] == i and batch.open[i]]
        for i, posting_id in enumerate(batch.ids):
            if last[posting_id] == i and not batch.open[i]:
                self.remove(posting_id)
        if not keep:
            return
        values = self._columns_of(batch, self._encode(batch), keep)
        self._append_shifts(values, batch, keep)
        cell = self.cols.a["cell"]
        appended: list[int] = []
        for j, i in enumerate(keep):
            old = self.row(batch.ids[i])
            if old is None:
                appended.append(j)
                continue
            self.dead_shifts += int(self.cols.a["sh_cnt"][old])
            if old < self.sorted_end and cell[old] == values["cell"][j]:
                for name, arr in self.cols.a.items():
                    arr[old] = values[name][j]
            else:
                self._unbind(batch.ids[i])
                self._tombstone(old)
                appended.append(j)
        if appended:
            pick = np.asarray(appended, dtype=np.int64)
            first = self.cols.append(
                {
                    name: np.asarray(v, dtype=object if name == "id" else None)[pick]
                    for name, v in values.items()
                },
                len(appended),
            )
            for n, j in enumerate(appended):
                self._bind(batch.ids[keep[j]], first + n)
        self._maybe_compact()

    def remove(self, posting_id: str) -> bool:
        """Forget a posting; False when it was not indexed."""
        row = self._unbind(posting_id)
        if row is None:
            return False
        self.dead_shifts += int(self.cols.a["sh_cnt"][row])
        self._tombstone(row)
        self._maybe_compact()
        return True

    def _bind(self, posting_id: str, row: int) -> None:
        self.row_of[posting_id] = row

    def _unbind(self, posting_id: str) -> int | None:
        """Forget where a posting is (before its row is tombstoned); its row, or None."""
        return self.row_of.pop(posting_id, None)

    def _tombstone(self, row: int) -> None:
        self.cols.a["req"][row] |= _UNAVAILABLE
        self.cols.a["id"][row] = None
        self.cols.a["sh_cnt"][row] = 0
        self.dead += 1

    def _maybe_compact(self) -> None:
        tail = self.cols.n - self.sorted_end
        if tail > max(TAIL_MIN, self.cols.n * TAIL_SHARE) or self.dead > max(
            TAIL_MIN, self.cols.n * DEAD_SHARE
        ):
            self.compact()

    def compact(self) -> None:
        """Drop tombstones and unreferenced shifts; sort every row by grid cell."""
        n = self.cols.n
        alive = np.fromiter((x is not None for x in self.cols.a["id"][:n].tolist()), dtype=np.bool_, count=n)
        rows = np.flatnonzero(alive)
        rows = rows[np.argsort(self.cols.a["cell"][rows], kind="stable")]
        self.cols.take(rows)
        offs, cnts = self.cols.a["sh_off"][: len(rows)], self.cols.a["sh_cnt"][: len(rows)]
        self.shifts.take(grid.concat_ranges(offs, offs + cnts))
        self.cols.a["sh_off"][: len(rows)] = np.cumsum(cnts) - cnts
        ids = self.cols.a["id"][: len(rows)].tolist()
        self.row_of = dict(zip(ids, range(len(ids)), strict=True))
        self.sorted_end = len(rows)
        self.dead = self.dead_shifts = 0
        self.compactions += 1

    # -- reading --------------------------------------------------------------------------
    def candidates(self, lat: float, lng: float, radius_km: float) -> I64:
        """Rows that can lie within `radius_km` of (lat, lng): the grid box's slices plus the tail."""
        sorted_cells = self.cols.a["cell"][: self.sorted_end]
        boxed = grid.rows_in_box(sorted_cells, lat, lng, radius_km)
        if self.cols.n == self.sorted_end:
            return boxed
        return np.concatenate([boxed, np.arange(self.sorted_end, self.cols.n, dtype=np.int64)])

    def all_rows(self) -> I64:
        return np.arange(self.cols.n, dtype=np.int64)

    def row(self, posting_id: str) -> int | None:
        return self.row_of.get(posting_id)

    def version(self, posting_id: str) -> int:
        """The version of the snapshot indexed for this posting; 0 when it is not indexed."""
        row = self.row(posting_id)
        return 0 if row is None else int(self.cols.a["version"][row])

    def ids_of(self, rows: I64) -> list[str]:
        """The posting ids of these rows."""
        return [str(x) for x in self.cols.a["id"][rows].tolist()]

    def rows_with_shifts(self, start: float, end: float) -> I64:
        """Rows with a bookable shift starting in [start, end) (epoch seconds), in row order."""
        n = self.cols.n
        off, cnt = self.cols.a["sh_off"][:n], self.cols.a["sh_cnt"][:n]
        flat = grid.concat_ranges(off, off + cnt)
        owner = np.repeat(np.arange(n, dtype=np.int64), cnt)
        sh = self.shifts.a
        ok = sh["bookable"][flat] & (sh["start"][flat] >= start) & (sh["start"][flat] < end)
        return np.unique(owner[ok])
