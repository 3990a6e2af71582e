"""A one-vs-rest linear SVM over many labels, trained in chunks and kept as a pruned sparse matrix.

liblinear's one-vs-rest problem for a label is the same whatever the other labels are called, so the
labels are trained a few hundred at a time with every other example labelled "rest": the dense weights
of only one chunk exist at once, and each chunk's small weights are dropped before the next.
"""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.svm import LinearSVC

CHUNK = 400
PRUNE = 0.01  # weights smaller than this change no ranking we measured
_REST = "\x00rest"


class SparseLinear:
    """Scores = X @ weights + bias, one column per label."""

    def __init__(self, labels: list[str], weights: sp.csr_matrix, bias: npt.NDArray[np.float32]) -> None:
        self.labels = labels
        self.weights = weights
        self.bias = bias

    def scores(self, x: sp.csr_matrix) -> npt.NDArray[np.float32]:
        out = (x @ self.weights).toarray()
        out += self.bias
        return np.asarray(out, dtype=np.float32)


def train_ovr(
    x: sp.csr_matrix, y: Sequence[str], sample_weight: npt.NDArray[np.float64], c: float
) -> SparseLinear:
    """One linear SVM per label of `y` (squared hinge, L2), weights pruned below PRUNE."""
    labels = sorted(set(y))
    columns: list[sp.csr_matrix] = []
    bias: list[float] = []
    for start in range(0, len(labels), CHUNK):
        chunk = labels[start : start + CHUNK]
        members = set(chunk)
        target = np.array([label if label in members else _REST for label in y], dtype=object)
        model = LinearSVC(C=c, tol=1e-2).fit(x, target, sample_weight=sample_weight)
        classes = list(model.classes_)
        coef, intercept = model.coef_, model.intercept_
        if len(classes) == 2:  # binary: one row, for classes[1]
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]])
        rows = [classes.index(label) for label in chunk]
        kept = coef[rows]
        kept[np.abs(kept) < PRUNE] = 0.0
        columns.append(sp.csr_matrix(kept.astype(np.float32)))
        bias.extend(float(intercept[r]) for r in rows)
    weights = sp.vstack(columns, format="csr").T.tocsr()
    return SparseLinear(labels, weights, np.array(bias, dtype=np.float32))
