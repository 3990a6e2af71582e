"""The occupation coder: free text (a posting title, a seeker's wish) → CSCO-2022 codes with probabilities.

Seven signals per predictable code, each computed over the normalised text, are added with fixed weights
and turned into probabilities by a softmax (docs/occupations.md says how the weights were chosen):
- a one-vs-rest linear SVM over character and word TF-IDF, trained on the classification (each name and
  alias an example, the definition weighted lower) and the labelled titles (weighted higher); a coarse
  title label (a group code) is a label of its own, and its score reaches every code under it;
- the labelled titles' nearest neighbours voting for their codes;
- naive Bayes over character n-grams, for the code and for its minor group;
- the similarity to the code's name and to its definition;
- with the model of meaning on (meaning.py, `CoderParams.with_meaning()`), two more: `e5_name`, the best
  sentence-vector cosine between the text and the code's name or aliases, rescaled per text to
  (cos − mean) / (best − mean) over the codes; `e5_vote`, the 10 nearest labelled titles by that cosine,
  weighted softmax((cos − best) / 0.02), summed per code.
"""

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from services.matching.occupations.bayes import NaiveBayes
from services.matching.occupations.features import TextViews
from services.matching.occupations.labels import (
    accepted,
    minor_group,
    target_index,
    targets,
)
from services.matching.occupations.linear import SparseLinear, train_ovr
from services.matching.occupations.meaning import Embeddings, default_embeddings, rescaled
from services.matching.occupations.text import clean_name, normalize
from services.reference.occupations import occupations

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Prediction = list[tuple[str, float]]

CACHE_TOP = 20  # codes kept per cached text: what the ranking asks for
CACHE_SIZE = 100_000  # cached distinct normalised texts
BATCH = 1024
GROUP_FLOOR = -1.5  # the group-label score of a code with no labelled group above it
SIGNALS = ("svm", "svm_group", "vote", "nb", "nb_minor", "name", "definition", "e5_name", "e5_vote")
MEANING_SIGNALS = ("e5_name", "e5_vote")
# Fixed before looking (docs/occupations.md): each at half weight, under the same temperature.
MEANING_WEIGHTS = (("e5_name", 0.5), ("e5_vote", 0.5))
E5_NEIGHBOURS = 10
E5_VOTE_SHARPNESS = 0.02  # softmax((cos − best) / this) over the nearest titles


_blas: ThreadpoolController | None = None


def _one_blas_thread() -> Any:
    """BLAS on one thread for the meaning signals' matrix products: on a shared, loaded machine its
    threads wait on each other (measured: 0.2 ms per title instead of 0.3-0.4), and the service's
    other work keeps the other cores."""
    global _blas
    if _blas is None:
        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


@dataclass(frozen=True)
class CoderParams:
    """Hyperparameters, chosen once by cross-validation inside training folds (docs/occupations.md)."""

    title_weight: float = 3.0
    definition_weight: float = 0.3
    svm_c: float = 0.5
    neighbours: int = 10
    nb_alpha: float = 0.1
    weights: tuple[tuple[str, float], ...] = (
        ("svm", 1.45),
        ("svm_group", 0.4),
        ("vote", 0.15),
        ("nb", 0.0),
        ("nb_minor", 0.25),
        ("name", 1.05),
        ("definition", 0.5),
    )
    temperature: float = 3.5

    def with_meaning(self) -> "CoderParams":
        """These parameters plus the two signals of the model of meaning (meaning.py)."""
        known = {name for name, _ in self.weights}
        return replace(self, weights=self.weights + tuple(w for w in MEANING_WEIGHTS if w[0] not in known))

    @property
    def uses_meaning(self) -> bool:
        return any(w for name, w in self.weights if name in MEANING_SIGNALS)


def meaning_texts() -> list[str]:
    """The normalised names and aliases `e5_name` compares a text with (distinct, in code order)."""
    return list(dict.fromkeys(t for t, _ in _name_texts()))


def _name_texts() -> list[tuple[str, str]]:
    occ = occupations()
    out: list[tuple[str, str]] = []
    for code in targets():
        o = occ[code]
        for text in dict.fromkeys(normalize(t) for t in (clean_name(o.name), *o.aliases)):
            if text:
                out.append((text, code))
    return out


@dataclass
class _Examples:
    texts: list[str] = field(default_factory=list)  # normalised
    labels: list[str] = field(default_factory=list)  # a predictable code or a coarser group
    weights: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # name, alias, definition, title

    def add(self, text: str, label: str, weight: float, kind: str) -> None:
        if text:
            self.texts.append(text)
            self.labels.append(label)
            self.weights.append(weight)
            self.kinds.append(kind)


def _examples(extra: Sequence[tuple[str, str]], params: CoderParams) -> _Examples:
    occ = occupations()
    out = _Examples()
    for code in targets():
        o = occ[code]
        for text in dict.fromkeys(normalize(t) for t in (clean_name(o.name), *o.aliases)):
            out.add(text, code, 1.0, "name" if text == normalize(clean_name(o.name)) else "alias")
        out.add(normalize(o.definition), code, params.definition_weight, "definition")
    for title, code in extra:
        if not accepted(code):
            raise ValueError(f"unknown CSCO code {code!r} for {title!r}")
        out.add(normalize(title), code, params.title_weight, "title")
    return out


class OccupationCoder:
    """Trained with `OccupationCoder.train(...)`; `predict(texts, k)` is thread-safe and cached."""

    def __init__(
        self, params: CoderParams, examples: _Examples, embeddings: Embeddings | None = None
    ) -> None:
        self.params = params
        self._embeddings = embeddings
        self.codes = list(targets())
        index = target_index()
        short = [t for t, kind in zip(examples.texts, examples.kinds, strict=True) if kind != "definition"]
        self.views = TextViews(short)
        char, both = self.views.transform(examples.texts)
        self.svm: SparseLinear = train_ovr(
            both, examples.labels, np.array(examples.weights, dtype=np.float64), params.svm_c
        )
        self._svm_columns(index)
        self._fit_titles(examples, char, index)
        self._fit_bayes(examples, char, index)
        occ = occupations()
        names_char, _ = self.views.transform([normalize(clean_name(occ[c].name)) for c in self.codes])
        defs_char, _ = self.views.transform([normalize(occ[c].definition) for c in self.codes])
        self.names_t: sp.csr_matrix = names_char.T.tocsr()
        self.definitions_t: sp.csr_matrix = defs_char.T.tocsr()
        if params.uses_meaning:
            self._fit_meaning(examples, index)
        self.fusion = dict(params.weights)
        self.examples = len(examples.texts)
        self.titles = examples.kinds.count("title")
        self._init_cache()

    @classmethod
    def train(
        cls,
        extra_examples: list[tuple[str, str]] | None = None,
        *,
        params: CoderParams | None = None,
        embeddings: Embeddings | None = None,
    ) -> "OccupationCoder":
        """Fit on the shipped classification plus labelled (title, code) examples; codes may be coarse.
        With the meaning signals in `params`, vectors come from `embeddings` (default: the process's
        store, meaning.default_embeddings())."""
        params = params or CoderParams()
        return cls(params, _examples(extra_examples or [], params), embeddings)

    def attach(self, embeddings: Embeddings) -> None:
        """Read vectors from this store (a loaded coder otherwise uses the process's default store)."""
        self._embeddings = embeddings

    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:
            self._embeddings = default_embeddings()
        return self._embeddings

    # -- training parts ------------------------------------------------------------------------------

    def _svm_columns(self, index: dict[str, int]) -> None:
        column = {label: i for i, label in enumerate(self.svm.labels)}
        self.svm_exact: I64 = np.array([column.get(c, -1) for c in self.codes], dtype=np.int64)
        groups: list[tuple[int, I64]] = []
        for label, i in column.items():
            if label not in index:
                members = np.array([index[c] for c in accepted(label)], dtype=np.int64)
                groups.append((i, members))
        self.svm_groups = groups
        self._has_group = np.zeros(len(self.codes), dtype=bool)
        for _, members in groups:
            self._has_group[members] = True

    def _fit_titles(self, examples: _Examples, char: sp.csr_matrix, index: dict[str, int]) -> None:
        rows = [
            i
            for i, (kind, label) in enumerate(zip(examples.kinds, examples.labels, strict=True))
            if kind == "title" and label in index
        ]
        self.title_labels: I64 = np.array([index[examples.labels[i]] for i in rows], dtype=np.int64)
        self.titles_t: sp.csr_matrix = char[rows].T.tocsr()

    def _fit_meaning(self, examples: _Examples, index: dict[str, int]) -> None:
        """Vectors of the codes' names and aliases (grouped by code) and of the exact-labelled titles."""
        names = sorted(_name_texts(), key=lambda tc: index[tc[1]])
        self.e5_name_vectors: F32 = self.embeddings.vectors([t for t, _ in names])
        name_code = np.array([index[c] for _, c in names], dtype=np.int64)
        self.e5_name_present, self.e5_name_starts = np.unique(name_code, return_index=True)
        rows = [
            i
            for i, (kind, label) in enumerate(zip(examples.kinds, examples.labels, strict=True))
            if kind == "title" and label in index
        ]
        self.e5_title_vectors: F32 = self.embeddings.vectors([examples.texts[i] for i in rows])
        self.e5_title_labels: I64 = np.array([index[examples.labels[i]] for i in rows], dtype=np.int64)

    def _meaning(self, normalised: Sequence[str], wanted: set[str]) -> dict[str, F32]:
        with _one_blas_thread():
            return self._meaning_signals(normalised, wanted)

    def _meaning_signals(self, normalised: Sequence[str], wanted: set[str]) -> dict[str, F32]:
        q = self.embeddings.vectors(normalised)
        n, codes = len(normalised), len(self.codes)
        out: dict[str, F32] = {}
        if "e5_name" in wanted:
            sims = q @ self.e5_name_vectors.T
            best = np.maximum.reduceat(sims, self.e5_name_starts, axis=1)
            per_code = np.repeat(best.min(axis=1, keepdims=True), codes, axis=1)
            per_code[:, self.e5_name_present] = best
            out["e5_name"] = rescaled(per_code, axis=1, centre="mean").astype(np.float32)
        if "e5_vote" in wanted:
            vote = np.zeros((n, codes), dtype=np.float32)
            n_titles = len(self.e5_title_labels)
            if n_titles:
                k = min(E5_NEIGHBOURS, n_titles)
                sims = q @ self.e5_title_vectors.T
                nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
                cos = np.take_along_axis(sims, nearest, 1).astype(np.float64)
                w = np.exp((cos - cos.max(axis=1, keepdims=True)) / E5_VOTE_SHARPNESS)
                w /= w.sum(axis=1, keepdims=True)
                cells = (np.arange(n)[:, None] * codes + self.e5_title_labels[nearest]).ravel()
                vote = np.bincount(cells, w.ravel(), minlength=n * codes).reshape(n, codes).astype(np.float32)
            out["e5_vote"] = vote
        return out

    def _fit_bayes(self, examples: _Examples, char: sp.csr_matrix, index: dict[str, int]) -> None:
        binary = char.copy()
        binary.data[:] = 1.0
        minors = sorted({minor_group(c) for c in self.codes})
        minor_index = {g: i for i, g in enumerate(minors)}
        self.code_minor: I64 = np.array([minor_index[minor_group(c)] for c in self.codes], dtype=np.int64)
        labels = np.array([index.get(label, -1) for label in examples.labels], dtype=np.int64)
        minor_labels = np.array(
            [minor_index.get(minor_group(lb) if lb in index else lb, -1) for lb in examples.labels],
            dtype=np.int64,
        )
        weights = np.array(examples.weights, dtype=np.float64)
        self.bayes = NaiveBayes(binary, labels, weights, len(self.codes), self.params.nb_alpha)
        self.bayes_minor = NaiveBayes(binary, minor_labels, weights, len(minors), self.params.nb_alpha)

    # -- prediction ----------------------------------------------------------------------------------

    def signals(self, normalised: Sequence[str], only: Sequence[str] | None = None) -> dict[str, F32]:
        """Each signal (or those named in `only`) for each already normalised text and each predictable
        code, (n, codes)."""
        wanted = set(only) if only is not None else set(SIGNALS)
        char, both = self.views.transform(normalised)
        binary = char.copy()
        binary.data[:] = 1.0
        out: dict[str, F32] = {}
        if wanted & {"svm", "svm_group"}:
            svm = self.svm.scores(both)
            out["svm"] = np.where(self.svm_exact >= 0, svm[:, np.maximum(self.svm_exact, 0)], GROUP_FLOOR)
            out["svm_group"] = self._group_scores(svm)
        if "vote" in wanted:
            out["vote"] = self._vote(char)
        if "nb" in wanted:
            out["nb"] = self.bayes.scores(binary)
        if "nb_minor" in wanted:
            out["nb_minor"] = self.bayes_minor.scores(binary)[:, self.code_minor]
        if "name" in wanted:
            out["name"] = (char @ self.names_t).toarray()
        if "definition" in wanted:
            out["definition"] = (char @ self.definitions_t).toarray()
        if wanted & set(MEANING_SIGNALS) and self.params.uses_meaning:
            out.update(self._meaning(normalised, wanted))
        return {name: np.asarray(value, dtype=np.float32) for name, value in out.items() if name in wanted}

    def _group_scores(self, svm: F32) -> F32:
        """Per code, the best score of a coarse label above it (GROUP_FLOOR when there is none)."""
        group = np.full((svm.shape[0], len(self.codes)), GROUP_FLOOR, dtype=np.float32)
        if self.svm_groups:
            group[:, self._has_group] = -np.inf
        for column, members in self.svm_groups:
            group[:, members] = np.maximum(group[:, members], svm[:, [column]])
        return group

    def _vote(self, char: sp.csr_matrix) -> F32:
        """The nearest labelled titles' similarities, summed per code."""
        n, codes = char.shape[0], len(self.codes)
        n_titles = self.titles_t.shape[1]
        if n_titles == 0:
            return np.zeros((n, codes), dtype=np.float32)
        k = min(self.params.neighbours, n_titles)
        sims = (char @ self.titles_t).toarray()
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        cells = (np.arange(n)[:, None] * codes + self.title_labels[nearest]).ravel()
        weights = np.take_along_axis(sims, nearest, 1).ravel()
        return np.bincount(cells, weights, minlength=n * codes).reshape(n, codes).astype(np.float32)

    def _fused(self, normalised: Sequence[str]) -> F32:
        weights = {name: w for name, w in self.fusion.items() if w}
        signals = self.signals(normalised, list(weights))
        z = np.zeros((len(normalised), len(self.codes)), dtype=np.float32)
        for name, w in weights.items():
            z += np.float32(w * self.params.temperature) * signals[name]
        return z

    def probabilities(self, normalised: Sequence[str]) -> F32:
        """The fused distribution over predictable codes for already normalised, non-empty texts."""
        z = self._fused(normalised)
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def predict(self, texts: list[str], k: int = 5) -> list[Prediction]:
        """Per text, its k most likely codes with probabilities, best first ([] for a text with no words)."""
        keys = [normalize(t) for t in texts]
        top = max(k, CACHE_TOP)
        found: dict[str, tuple[npt.NDArray[np.int16], F32]] = {}
        if top == CACHE_TOP:
            with self._lock:
                for key in set(keys):
                    hit = self._cache.get(key)
                    if hit is not None:
                        self._cache.move_to_end(key)
                        found[key] = hit
        missing = [key for key in dict.fromkeys(keys) if key and key not in found]
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            found.update(zip(chunk, self._top(chunk, top), strict=True))
        if top == CACHE_TOP and missing:
            self._remember({key: found[key] for key in missing})
        out: list[Prediction] = []
        for key in keys:
            if not key:
                out.append([])
                continue
            idx, p = found[key]
            out.append([(self.codes[i], float(q)) for i, q in zip(idx[:k], p[:k], strict=True)])
        return out

    def _top(self, normalised: list[str], top: int) -> list[tuple[npt.NDArray[np.int16], F32]]:
        z = self._fused(normalised)
        top = min(top, z.shape[1])
        part = np.argpartition(-z, top - 1, axis=1)[:, :top]
        best = z.max(axis=1, keepdims=True)
        z -= best
        total = np.exp(z).sum(axis=1, keepdims=True)
        vals = np.exp(np.take_along_axis(z, part, 1)) / total
        order = np.argsort(-vals, axis=1, kind="stable")
        idx = np.take_along_axis(part, order, 1).astype(np.int16)
        vals = np.take_along_axis(vals, order, 1).astype(np.float32)
        return list(zip(idx, vals, strict=True))

    # -- cache ---------------------------------------------------------------------------------------

    def _init_cache(self) -> None:
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[npt.NDArray[np.int16], F32]] = OrderedDict()

    def _remember(self, entries: dict[str, tuple[npt.NDArray[np.int16], F32]]) -> None:
        with self._lock:
            self._cache.update(entries)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_lock", None)
        state.pop("_cache", None)
        state["_embeddings"] = None  # a process's store handle: the loading process attaches its own
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("_embeddings", None)
        self.__dict__.update(state)
        self._init_cache()
