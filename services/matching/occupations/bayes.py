"""Multinomial naive Bayes over binary features, kept sparse.

log P(x | c) = Σ_f x_f log((n_fc + α) / (n_c + αV)) splits into a sparse part, Σ_f x_f log(1 + n_fc / α),
and a dense one, |x| (log(n_c + αV) − log α): the model stores only the counts it has seen.
"""

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

F32 = npt.NDArray[np.float32]


class NaiveBayes:
    def __init__(
        self,
        x: sp.csr_matrix,
        labels: npt.NDArray[np.int64],
        weights: npt.NDArray[np.float64],
        n_labels: int,
        alpha: float = 0.1,
    ) -> None:
        """`x` binary (n, V); `labels` in [0, n_labels) or -1 (not counted); `weights` per row."""
        rows = np.flatnonzero(labels >= 0)
        onehot = sp.csr_matrix(
            (weights[rows], (np.arange(len(rows)), labels[rows])), shape=(len(rows), n_labels)
        )
        counts = (x[rows].T @ onehot).tocsr()
        totals = np.asarray(counts.sum(axis=0)).ravel()
        counts.data = np.log1p(counts.data / alpha)
        self.log_counts: sp.csr_matrix = counts.astype(np.float32)
        self.per_feature: F32 = (np.log(totals + alpha * x.shape[1]) - np.log(alpha)).astype(np.float32)

    def scores(self, x: sp.csr_matrix) -> F32:
        """Mean log-likelihood per present feature (up to a constant), (n, n_labels)."""
        present = np.asarray(x.getnnz(axis=1), dtype=np.float32)
        out = (x @ self.log_counts).toarray()
        out -= present[:, None] * self.per_feature[None, :]
        out /= np.maximum(present, 1.0)[:, None]
        return np.asarray(out, dtype=np.float32)
