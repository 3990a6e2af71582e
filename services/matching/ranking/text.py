"""Text → the ranking's fixed-width sparse features (ELLPACK rows: `width` (index, weight) pairs per row).

Three representations, each L2-normalised so that the dot product of two rows is a cosine:
- the occupation coder's distribution over CSCO codes (top `occ_width` codes), mixed half and half with
  the code an employer or seeker picked;
- the same distribution summed up to CSCO minor groups (top `minor_width` groups);
- our own hashed character n-gram TF-IDF (lexical.py; not the coder's vectorizer: this one is vectorised
  over whole batches and needs no fitted vocabulary, so upserts never change a row's meaning).

With a model of meaning (occupations/meaning.py, `MATCHING_MEANING`), a posting row also carries the id
of its normalised title's sentence vector (one vector per distinct title, not one per posting), and a
seeker's query the vector of their words.
"""

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from services.matching.occupations.meaning import Embeddings, Projection
from services.matching.occupations.text import normalize
from services.matching.ranking.lexical import HASH_SIZE, Lexical
from services.matching.ranking.related import MAX_WISH, Relatedness, Wish, relatedness, wish_of
from services.matching.ranking.vocab import OccupationTable, occupation_table

# What the ranking needs from the occupation coder: texts → for each, its best codes with probabilities.
OccupationPredictor = Callable[[Sequence[str]], list[list[tuple[str, float]]]]

NO_WISH = Wish()
CODE_MIX = 0.5  # a code chosen by a person (employer or seeker) carries this share of the distribution
MAX_PICKED = 4  # a seeker's first four picked codes count

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
Sparse = list[tuple[int, float]]

K = TypeVar("K")
V = TypeVar("V")

__all__ = ["HASH_SIZE", "OccupationPredictor", "QueryText", "TextEncoder", "TextRows"]


@dataclass(slots=True)
class TextRows:
    """Row-aligned fixed-width sparse features of n texts (padding: bucket 0 / weight 0 for text,
    `table.size` / 0 for codes)."""

    occ: I16
    occ_w: F32
    minor: I16
    minor_w: F32
    lex: I32
    lex_w: F32
    top_code: I16  # the picked code, else the most likely one; -1 when there is none
    wish: I16 | None = None  # seekers only: wished codes (padding: `table.size`), MAX_WISH per row
    wish_w: F32 | None = None
    meaning: I32 | None = None  # postings, with a model of meaning: the title's vector id (-1: none)


@dataclass(slots=True)
class QueryText:
    """One text as dense vectors, to be gathered at the rows' indices."""

    occ: F32  # size table.size + 1, the last entry 0 (padding)
    minor: F32
    lex_ids: I32
    lex_w: F32
    explicit: frozenset[int]  # codes the person picked
    explicit_minor: frozenset[int]
    has_text: bool
    wish: Wish  # the occupations wanted (none for a posting)
    reach: F32  # closeness of every code to the wish (related.py), size table.size + 1
    meaning: F32 | None = None  # the sentence vector of the words (with a model of meaning and words)


class LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.data.get(key)
        if value is not None:
            self.data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.data[key] = value
        if len(self.data) > self.size:
            self.data.popitem(last=False)


@dataclass(frozen=True, slots=True)
class _SeekerText:
    occ: Sparse
    minor: Sparse
    lex_ids: I32
    lex_w: F32
    chosen: tuple[int, ...]
    wish: Wish
    meaning_text: str = ""  # what the model of meaning reads: the own words, else the picked codes' names


class TextEncoder:
    """Turns posting and seeker texts into TextRows / QueryText with one occupation predictor."""

    def __init__(
        self,
        predictor: OccupationPredictor,
        *,
        occ_width: int = 8,
        minor_width: int = 4,
        lex_width: int = 16,
        cache_size: int = 200_000,
        meaning: Embeddings | None = None,
        meaning_dims: int = 0,
    ) -> None:
        self.predictor = predictor
        self.meaning = meaning
        self.meaning_dims = meaning_dims  # project to this many dimensions (0: the full vectors)
        self._projection: Projection | None = None
        self.table: OccupationTable = occupation_table()
        self.related: Relatedness = relatedness()
        self.occ_width, self.minor_width, self.lex_width = occ_width, minor_width, lex_width
        self.lexical = Lexical(lex_width)
        self._predictions: LRU[str, Sparse | list[tuple[str, float]]] = LRU(cache_size)
        self._codes: LRU[tuple[str, int], tuple[Sparse, Sparse]] = LRU(cache_size)
        self._seekers: LRU[tuple[str, tuple[str, ...]], _SeekerText] = LRU(cache_size // 4)
        self._meanings: LRU[str, F32] = LRU(cache_size // 4)  # a seeker's words → their vector
        self._title_ids: LRU[str, int] = LRU(cache_size)  # a posting title → its vector id

    # -- occupations --------------------------------------------------------------------------
    def predict(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """The predictor's codes for each text, cached by text."""
        found: list[list[tuple[str, float]] | None] = []
        for t in texts:
            hit = self._predictions.get(t)
            found.append(hit if hit is None else list(hit))  # type: ignore[arg-type]
        missing = sorted({t for t, o in zip(texts, found, strict=True) if o is None and t.strip()})
        fresh = dict(zip(missing, self.predictor(missing), strict=True)) if missing else {}
        for text, codes in fresh.items():
            self._predictions.put(text, codes)
        return [o if o is not None else fresh.get(t, []) for t, o in zip(texts, found, strict=True)]

    def _distribution(self, predicted: list[tuple[str, float]], chosen: Sequence[int]) -> dict[int, float]:
        dist: dict[int, float] = {}
        index = self.table.index
        share = 1.0 - CODE_MIX if chosen else 1.0
        total = sum(p for _, p in predicted) or 1.0
        for code, p in predicted:
            i = index.get(code)
            if i is not None:
                dist[i] = dist.get(i, 0.0) + share * p / total
        if chosen:
            own = (CODE_MIX if predicted else 1.0) / len(chosen)
            for i in chosen:
                dist[i] = dist.get(i, 0.0) + own
        return dist

    def _minor(self, dist: dict[int, float]) -> dict[int, float]:
        out: dict[int, float] = {}
        minor = self.table.minor
        for i, p in dist.items():
            m = int(minor[i])
            out[m] = out.get(m, 0.0) + p
        return out

    @staticmethod
    def _sparse_top(dist: dict[int, float], width: int) -> Sparse:
        top = sorted(dist.items(), key=lambda kv: (-kv[1], kv[0]))[:width]
        norm = math.sqrt(sum(p * p for _, p in top)) or 1.0
        return [(i, float(np.float32(p / norm))) for i, p in top]

    def _code_rows(self, predicted: list[tuple[str, float]], chosen: Sequence[int]) -> tuple[Sparse, Sparse]:
        dist = self._distribution(predicted, chosen)
        return self._sparse_top(dist, self.occ_width), self._sparse_top(self._minor(dist), self.minor_width)

    # -- lexical ------------------------------------------------------------------------------
    def fit(self, titles: Sequence[str], texts: Sequence[str] = ()) -> None:
        """Fit the lexical IDF on a corpus of postings (titles and descriptions)."""
        self.lexical.fit(titles, texts)

    def forget_seekers(self) -> None:
        """Drop the cached seeker features (after the IDF changed under them)."""
        self._seekers = LRU(self._seekers.size)

    # -- rows and queries ---------------------------------------------------------------------
    def _empty(self, n: int) -> TextRows:
        pad = self.table.size
        return TextRows(
            occ=np.full((n, self.occ_width), pad, dtype=np.int16),
            occ_w=np.zeros((n, self.occ_width), dtype=np.float32),
            minor=np.full((n, self.minor_width), pad, dtype=np.int16),
            minor_w=np.zeros((n, self.minor_width), dtype=np.float32),
            lex=np.zeros((n, self.lex_width), dtype=np.int32),
            lex_w=np.zeros((n, self.lex_width), dtype=np.float32),
            top_code=np.full(n, -1, dtype=np.int16),
        )

    def _fill_codes(self, rows: TextRows, keys: list[tuple[str, int]], predicted: dict[str, Sparse]) -> None:
        """Occupation rows, computed once per distinct (text, picked code) and gathered."""
        distinct = list(dict.fromkeys(keys))
        position = {key: j for j, key in enumerate(distinct)}
        table = self._empty(len(distinct))
        for j, (text, code) in enumerate(distinct):
            found = self._codes.get((text, code))
            if found is None:
                found = self._code_rows(predicted.get(text, []), [code] if code >= 0 else [])  # type: ignore[arg-type]
                self._codes.put((text, code), found)
            occ, minor = found
            for col, (i, p) in enumerate(occ):
                table.occ[j, col], table.occ_w[j, col] = i, p
            for col, (i, p) in enumerate(minor):
                table.minor[j, col], table.minor_w[j, col] = i, p
            if code >= 0:
                table.top_code[j] = code
            elif occ:
                table.top_code[j] = occ[0][0]
        pick = np.fromiter((position[key] for key in keys), dtype=np.int64, count=len(keys))
        rows.occ, rows.occ_w = table.occ[pick], table.occ_w[pick]
        rows.minor, rows.minor_w = table.minor[pick], table.minor_w[pick]
        rows.top_code = table.top_code[pick]

    def encode_rows(self, titles: Sequence[str], texts: Sequence[str], codes: Sequence[int]) -> TextRows:
        """Postings (title, first part of the description, employer's code index or -1) → rows."""
        rows = self._empty(len(titles))
        distinct = list(dict.fromkeys(titles))
        predicted = dict(zip(distinct, self.predict(distinct), strict=True))
        self._fill_codes(rows, list(zip(titles, codes, strict=True)), predicted)  # type: ignore[arg-type]
        rows.lex, rows.lex_w = self.lexical.rows(titles, texts)
        if self.meaning is not None:
            rows.meaning = self._meaning_ids(distinct, titles)
        return rows

    def _meaning_ids(self, distinct: list[str], titles: Sequence[str]) -> I32:
        """Each title's vector id (normalised and looked up once per distinct title, then cached)."""
        assert self.meaning is not None
        found: dict[str, int] = {}
        missing: list[str] = []
        for t in distinct:
            hit = self._title_ids.get(t)
            if hit is None:
                missing.append(t)
            else:
                found[t] = hit
        if missing:
            fresh = self.meaning.ids([normalize(t) for t in missing]).tolist()
            for t, i in zip(missing, fresh, strict=True):
                found[t] = i
                self._title_ids.put(t, i)
        return np.fromiter((found[t] for t in titles), dtype=np.int32, count=len(titles))

    def _seeker_texts(self, keys: Sequence[tuple[str, tuple[str, ...]]]) -> list[_SeekerText]:
        """(own words, picked codes) → features, cached; the misses are encoded as one batch."""
        found = [self._seekers.get(key) for key in keys]
        missing = list(dict.fromkeys(key for key, hit in zip(keys, found, strict=True) if hit is None))
        fresh: dict[tuple[str, tuple[str, ...]], _SeekerText] = {}
        if missing:
            index = self.table.index
            chosen = [
                tuple(index[c] for c in dict.fromkeys(codes) if c in index)[:MAX_PICKED]
                for _, codes in missing
            ]
            full = [f"{text} {' '.join(self.table.name(i) for i in picked)}".strip()
                    for (text, _), picked in zip(missing, chosen, strict=True)]  # fmt: skip
            predicted = dict(zip(*self._predict_nonempty([text for text, _ in missing]), strict=True))
            lex, lex_w = self.lexical.rows(full, [""] * len(full))
            for n, ((text, _), picked) in enumerate(zip(missing, chosen, strict=True)):
                codes = predicted.get(text, [])
                occ, minor = self._code_rows(codes, picked)
                wish = wish_of([(index[c], p) for c, p in codes if c in index], picked)
                own = text.strip() or " ".join(self.table.name(i) for i in picked)
                fresh[missing[n]] = _SeekerText(occ, minor, lex[n], lex_w[n], picked, wish, own)
                self._seekers.put(missing[n], fresh[missing[n]])
        return [hit if hit is not None else fresh[key] for key, hit in zip(keys, found, strict=True)]

    def _predict_nonempty(self, texts: Sequence[str]) -> tuple[list[str], list[list[tuple[str, float]]]]:
        distinct = list(dict.fromkeys(t for t in texts if t.strip()))
        return distinct, self.predict(distinct)

    def _seeker_text(self, text: str, codes: Sequence[str]) -> _SeekerText:
        return self._seeker_texts([(text, tuple(codes))])[0]

    def encode_query(self, text: str, codes: Sequence[str]) -> QueryText:
        """A seeker's own words plus the names of the codes they picked → dense query vectors."""
        s = self._seeker_text(text, codes)
        return self._dense(
            s.occ, s.minor, s.lex_ids, s.lex_w, s.chosen, s.wish, self.meaning_of(s.meaning_text)
        )

    def projection(self) -> Projection | None:
        """The projection of the vectors for the ranking (None: full vectors), fitted on first use."""
        if self.meaning is None or not self.meaning_dims:
            return None
        if self._projection is None or self._projection.store is not self.meaning:
            from services.matching.occupations.coder import meaning_texts

            self._projection = Projection(self.meaning, self.meaning_dims, meaning_texts())
        return self._projection

    def meaning_rows(self, ids: npt.NDArray[np.int64]) -> F32:
        """Title vectors by id, as the ranking compares them (projected when a projection is set)."""
        assert self.meaning is not None
        projection = self.projection()
        return self.meaning.rows(ids) if projection is None else projection.rows(ids)

    def meaning_of(self, text: str) -> F32 | None:
        """The sentence vector of a seeker's words (None without a model of meaning or words): embedded
        on first sight, then read from the store (memory, else disk)."""
        if self.meaning is None or not text.strip():
            return None
        vector = self._meanings.get(text)
        if vector is None:
            key = normalize(text)
            if not key:
                return None
            vector = self.meaning.vectors([key])[0]
            projection = self.projection()
            if projection is not None:
                vector = projection.project(vector[None, :])[0]
            self._meanings.put(text, vector)
        return vector

    def _dense(
        self,
        occ_list: Sparse,
        minor_list: Sparse,
        ids: I32,
        w: F32,
        chosen: Sequence[int],
        wish: Wish | None = None,
        meaning: F32 | None = None,
    ) -> QueryText:
        pad = self.table.size
        occ = np.zeros(pad + 1, dtype=np.float32)
        minor = np.zeros(pad + 1, dtype=np.float32)
        for i, p in occ_list:
            occ[i] = p
        for i, p in minor_list:
            minor[i] = p
        occ[pad] = minor[pad] = 0.0
        keep = w != 0
        return QueryText(
            occ=occ,
            minor=minor,
            lex_ids=ids[keep].astype(np.int32),
            lex_w=w[keep].astype(np.float32),
            explicit=frozenset(chosen),
            explicit_minor=frozenset(int(self.table.minor[i]) for i in chosen),
            has_text=bool(keep.any()) or bool(occ_list),
            wish=wish or NO_WISH,
            reach=self.related.reach(wish or NO_WISH),
            meaning=meaning,
        )

    def query_of_row(self, rows: TextRows, r: int) -> QueryText:
        """One row (a posting's features) as dense vectors, to score seekers' rows against it."""
        occ = list(zip(rows.occ[r].tolist(), rows.occ_w[r].tolist(), strict=True))
        minor = list(zip(rows.minor[r].tolist(), rows.minor_w[r].tolist(), strict=True))
        return self._dense(occ, minor, rows.lex[r], rows.lex_w[r], ())

    def encode_seekers(self, items: Sequence[tuple[str, Sequence[str]]]) -> TextRows:
        """Seekers' (own words, picked codes) → rows of the same widths as postings' rows."""
        keys = [(text, tuple(codes)) for text, codes in items]
        distinct = list(dict.fromkeys(keys))
        table = self._empty(len(distinct))
        wish = np.full((len(distinct), MAX_WISH), self.table.size, dtype=np.int16)
        wish_w = np.zeros((len(distinct), MAX_WISH), dtype=np.float32)
        for r, s in enumerate(self._seeker_texts(distinct)):
            wish[r, : len(s.wish.codes)] = s.wish.codes
            wish_w[r, : len(s.wish.codes)] = s.wish.weights
            for col, (i, p) in enumerate(s.occ):
                table.occ[r, col], table.occ_w[r, col] = i, p
            for col, (i, p) in enumerate(s.minor):
                table.minor[r, col], table.minor_w[r, col] = i, p
            table.lex[r], table.lex_w[r] = s.lex_ids, s.lex_w
            if s.chosen:
                table.top_code[r] = s.chosen[0]
        position = {key: r for r, key in enumerate(distinct)}
        pick = np.fromiter((position[key] for key in keys), dtype=np.int64, count=len(keys))
        return TextRows(
            occ=table.occ[pick],
            occ_w=table.occ_w[pick],
            minor=table.minor[pick],
            minor_w=table.minor_w[pick],
            lex=table.lex[pick],
            lex_w=table.lex_w[pick],
            top_code=table.top_code[pick],
            wish=wish[pick],
            wish_w=wish_w[pick],
        )
