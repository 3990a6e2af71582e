"""Hashed character n-gram TF-IDF, vectorised over whole batches of texts.

Terms are the Chinese characters of a text, every adjacent pair of them (anything else breaks pairs)
and every run of ASCII letters as a word ("java", "plc"), hashed into 2^20 buckets by multiplicative
hashing of their code points. TF is sublinear, log(1 + count), a description's pairs and words counting
at `DESCRIPTION_WEIGHT` of the title's. IDF is fitted on a corpus and then frozen. Each text keeps its
`width` heaviest terms, L2-normalised.
"""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

HASH_BITS = 20
HASH_SIZE = 1 << HASH_BITS
DESCRIPTION_WEIGHT = 0.3

_SHIFT = np.uint64(64 - HASH_BITS)
_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_K3 = np.uint64(0x165667B19E3779F9)
_MASK = np.int64(HASH_SIZE - 1)
with np.errstate(over="ignore"):
    _POWERS = np.cumprod(np.full(32, 0x100000001B3, dtype=np.uint64))  # FNV prime powers (mod 2^64)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def _latin_words(
    code: npt.NDArray[np.uint64], latin: npt.NDArray[np.bool_], doc: I64
) -> tuple[I64, npt.NDArray[np.uint64]]:
    """Each run of ASCII letters as one term (its polynomial hash), with its document."""
    if not latin.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    edges = np.diff(np.concatenate([[False], latin, [False]]).astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    positions = np.flatnonzero(latin)
    run = np.repeat(np.arange(len(starts)), ends - starts)
    offset = np.minimum(positions - starts[run], len(_POWERS) - 1)
    mixed = code[positions] * _POWERS[offset]
    first = np.concatenate([[0], np.cumsum(ends - starts)[:-1]])
    hashed = (np.add.reduceat(mixed, first) * _K2 + _K1) >> _SHIFT
    return doc[starts], hashed


def _raw_terms(texts: Sequence[str], unigrams: bool = True) -> tuple[I64, I64]:
    """(document, bucket) of every term occurrence of every text, unsorted."""
    if not texts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        joined = "\x00".join(t.replace("\x00", " ") for t in texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).copy()
    doc = np.cumsum(cp == 0)
    # folded here, vectorised: full-width ASCII (ＡＢＣ) to ASCII, then upper to lower case
    cp[(cp >= 0xFF01) & (cp <= 0xFF5E)] -= 0xFEE0
    cp[(cp >= 65) & (cp <= 90)] += 32
    han = ((cp >= 0x4E00) & (cp <= 0x9FFF)) | ((cp >= 0x3400) & (cp <= 0x4DBF))
    code = cp.astype(np.uint64)
    pair = han[:-1] & han[1:]
    with np.errstate(over="ignore"):
        parts = [(code[:-1][pair] * _K1 + code[1:][pair] * _K2) >> _SHIFT]
        docs = [doc[:-1][pair]]
        word_docs, words = _latin_words(code, (cp >= 97) & (cp <= 122), doc)
        parts.append(words)
        docs.append(word_docs)
        if unigrams:
            parts.append((code[han] * _K1 + _K3) >> _SHIFT)
            docs.append(doc[han])
    return np.concatenate(docs).astype(np.int64), np.concatenate(parts).astype(np.int64)


def hashed_terms(texts: Sequence[str], unigrams: bool = True) -> tuple[I64, I64, I64]:
    """(document, bucket, count) of every distinct term of every text."""
    docs, buckets = _raw_terms(texts, unigrams)
    unique, counts = np.unique((docs << HASH_BITS) | buckets, return_counts=True)
    return unique >> HASH_BITS, unique & _MASK, counts.astype(np.int64)


def _weighted_tf(titles: Sequence[str], texts: Sequence[str]) -> tuple[I64, I64, F64]:
    """Distinct (document, bucket) with tf = log(1 + title count + DESCRIPTION_WEIGHT × description count);
    descriptions give pairs and words only (their single characters are mostly noise)."""
    t_doc, t_bucket = _raw_terms(titles)
    d_doc, d_bucket = _raw_terms(texts, unigrams=False) if any(texts) else (t_doc[:0], t_bucket[:0])
    key = (np.concatenate([t_doc, d_doc]) << HASH_BITS) | np.concatenate([t_bucket, d_bucket])
    weights = np.concatenate([np.ones(len(t_doc)), np.full(len(d_doc), DESCRIPTION_WEIGHT)])
    unique, inverse = np.unique(key, return_inverse=True)
    count = np.bincount(inverse.ravel(), weights=weights, minlength=len(unique))
    return unique >> HASH_BITS, unique & _MASK, np.log1p(count)


class Lexical:
    """Fitted IDF plus the batch transform into fixed-width rows."""

    def __init__(self, width: int = 16) -> None:
        self.width = width
        self.documents = 0
        self.idf = np.ones(HASH_SIZE, dtype=np.float32)

    def fit(self, titles: Sequence[str], texts: Sequence[str]) -> None:
        """Document frequencies over a corpus of titles and descriptions; frozen until the next fit."""
        _, bucket, _ = _weighted_tf(titles, texts)
        df = np.bincount(bucket, minlength=HASH_SIZE)
        self.documents = len(titles)
        self.idf = (np.log((1.0 + len(titles)) / (1.0 + df)) + 1.0).astype(np.float32)

    def rows(
        self, titles: Sequence[str], texts: Sequence[str]
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        """Texts → (buckets, weights), each (n, width); unused places are bucket 0, weight 0."""
        n = len(titles)
        ids = np.zeros((n, self.width), dtype=np.int32)
        weights = np.zeros((n, self.width), dtype=np.float32)
        doc, bucket, tf = _weighted_tf(titles, texts if len(texts) == n else [""] * n)
        if len(doc) == 0:
            return ids, weights
        w = tf * self.idf[bucket]
        # by document, then heaviest first (w < 4096: tf < 20, idf < 30), ties in bucket order
        order = np.argsort(doc * 4096.0 - np.minimum(w, 4095.0), kind="stable")
        doc, bucket, w = doc[order], bucket[order], w[order]
        rank = np.arange(len(doc)) - np.searchsorted(doc, doc, side="left")
        keep = rank < self.width
        doc, bucket, w, rank = doc[keep], bucket[keep], w[keep], rank[keep]
        norm = np.sqrt(np.bincount(doc, weights=w * w, minlength=n))
        ids[doc, rank] = bucket
        weights[doc, rank] = w / norm[doc]
        return ids, weights
