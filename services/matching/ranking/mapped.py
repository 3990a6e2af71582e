"""A posting index over a mapped generation (generations.py), kept current by the same upserts.

The generation's columns are mapped copy-on-write: every process reads the same page-cache pages, and
a row this process rewrites (or appends into the spare rows) becomes a private page of its own. Posting
ids stay in a numpy column too (fixed-width unicode), found by a sorted hash of each id, so no process
holds a Python object per posting: only the postings changed since the generation are in `tail_of`.
Rows are never compacted here; the next generation is written compacted.
"""

from typing import Any

import numpy as np

from services.matching.ranking import generations
from services.matching.ranking.index import _UNAVAILABLE, I64, SHIFT_SPEC, PostingIndex, _posting_spec
from services.matching.ranking.snapshots import ParsedBatch
from services.matching.ranking.store import Columns
from services.matching.ranking.text import TextEncoder, TextRows


class GenerationMismatch(ValueError):
    """The generation was written with other text feature widths than this process's encoder."""


def _split(arrays: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {key[len(prefix) :]: arr for key, arr in arrays.items() if key.startswith(prefix)}


def _with_id(spec: dict[str, tuple[Any, int, Any]], dtype: Any) -> dict[str, tuple[Any, int, Any]]:
    return spec | {"id": (dtype, 0, "")}


class MappedPostingIndex(PostingIndex):
    def __init__(self, encoder: TextEncoder, generation: generations.Generation) -> None:
        manifest, arrays = generation.manifest, generation.arrays
        if manifest.get("format") != generations.FORMAT:
            raise GenerationMismatch(f"{generation.name}: format {manifest.get('format')}")
        if tuple(manifest["widths"]) != (encoder.occ_width, encoder.minor_width, encoder.lex_width):
            raise GenerationMismatch(f"{generation.name}: widths {manifest['widths']}")
        self.encoder = encoder
        self.generation = generation
        lexical = encoder.lexical
        if lexical.documents != manifest["documents"] or not np.array_equal(lexical.idf, arrays["idf"]):
            lexical.idf, lexical.documents = arrays["idf"], int(manifest["documents"])
            encoder.forget_seekers()  # their cached features used the other IDF
        posting, shift = _split(arrays, "p."), _split(arrays, "s.")
        spec = _with_id(_posting_spec(encoder), posting["id"].dtype)
        self.cols = Columns.over(spec, posting, manifest["rows"])
        self.shifts = Columns.over(_with_id(SHIFT_SPEC, shift["id"].dtype), shift, manifest["shift_rows"])
        self.base_n = int(manifest["rows"])
        self.keys, self.key_rows = arrays["keys"], arrays["key_rows"]
        self.gone = np.zeros(self.base_n, dtype=np.bool_)  # generation rows tombstoned since
        self.gone_count = 0
        self.tail_of: dict[str, int] = {}  # postings (re)written into rows past the generation's
        self.row_of = {}  # unused here: see row()
        self.sorted_end = self.base_n
        self.dead = self.dead_shifts = 0
        self.employer_of = {e: code for code, e in enumerate(manifest["employers"])}
        self.employer_reliability = np.array(arrays["reliability"], dtype=np.float32)
        self.compactions = 0

    # -- size and lookup ------------------------------------------------------------------
    def __len__(self) -> int:
        return self.base_n - self.gone_count + len(self.tail_of)

    def __contains__(self, posting_id: object) -> bool:
        return isinstance(posting_id, str) and self.row(posting_id) is not None

    def _base_row(self, posting_id: str) -> int | None:
        key = generations.id_key(posting_id)
        i = int(np.searchsorted(self.keys, key))
        ids = self.cols.a["id"]
        while i < len(self.keys) and int(self.keys[i]) == key:
            row = int(self.key_rows[i])
            if ids[row] == posting_id:
                return row
            i += 1
        return None

    def row(self, posting_id: str) -> int | None:
        row = self.tail_of.get(posting_id)
        if row is not None:
            return row
        row = self._base_row(posting_id)
        return None if row is None or self.gone[row] else row

    def _bind(self, posting_id: str, row: int) -> None:
        if row >= self.base_n:
            self.tail_of[posting_id] = row

    def _unbind(self, posting_id: str) -> int | None:
        row = self.row(posting_id)
        if row is not None and row >= self.base_n:
            del self.tail_of[posting_id]
        return row

    def _tombstone(self, row: int) -> None:
        self.cols.a["req"][row] |= _UNAVAILABLE
        self.cols.a["id"][row] = ""
        self.cols.a["sh_cnt"][row] = 0
        self.dead += 1
        if row < self.base_n and not self.gone[row]:
            self.gone[row] = True
            self.gone_count += 1

    # -- writing --------------------------------------------------------------------------
    def _columns_of(self, batch: ParsedBatch, text: TextRows, keep: list[int]) -> dict[str, Any]:
        values = super()._columns_of(batch, text, keep)
        self._fit_width(self.cols, max((len(i) for i in values["id"]), default=0))
        self._fit_width(self.shifts, max((len(s[0]) for s in batch.shifts), default=0))
        return values

    @staticmethod
    def _fit_width(cols: Columns, longest: int) -> None:
        """Widen a unicode id column (a private copy) before an id longer than it is written."""
        ids = cols.a["id"]
        if longest > ids.dtype.itemsize // 4:
            cols.a["id"] = ids.astype(f"U{longest}")
            cols.spec = _with_id(cols.spec, cols.a["id"].dtype)

    def _maybe_compact(self) -> None:
        """Never here: the tail lasts until the next generation, which is written compacted."""

    def compact(self) -> None:
        """Nothing to do: see `_maybe_compact`."""

    def ids_of(self, rows: I64) -> list[str]:
        return [str(x) for x in self.cols.a["id"][rows].tolist()]


def snapshot_of(index: PostingIndex, seq: int) -> generations.Snapshot:
    """A consistent copy of `index` (any layout) to write as a generation. Synchronous and quick (the
    columns are copied, nothing is converted): take it on the event loop, between two changes."""
    n, m = index.cols.n, index.shifts.n
    encoder = index.encoder
    return generations.Snapshot(
        seq=seq,
        cols={name: arr[:n].copy() for name, arr in index.cols.a.items() if name != "id"},
        shifts={name: arr[:m].copy() for name, arr in index.shifts.a.items() if name != "id"},
        ids=index.cols.a["id"][:n].copy(),
        shift_ids=index.shifts.a["id"][:m].copy(),
        employers=list(index.employer_of),
        reliability=index.employer_reliability.copy(),
        idf=encoder.lexical.idf,
        documents=encoder.lexical.documents,
        widths=(encoder.occ_width, encoder.minor_width, encoder.lex_width),
    )


def write_generation(snapshot: generations.Snapshot, directory: Any, encoder: TextEncoder) -> str:
    """Write the snapshot as the next generation and publish it (blocking: run it in a thread)."""
    fills = {name: fill for name, (_, _, fill) in _posting_spec(encoder).items()}
    shift_fills = {name: fill for name, (_, _, fill) in SHIFT_SPEC.items()}
    return generations.write(snapshot, directory, fills, shift_fills)
