"""Text → sparse features: character 1-3-gram TF-IDF and jieba-word TF-IDF of the normalised text."""

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from services.matching.occupations.text import words


class TextViews:
    """Two TF-IDF views fitted on short texts (names, aliases, titles): definitions use their vocabulary."""

    def __init__(self, short_texts: Sequence[str]) -> None:
        self.char = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32)
        self.word = TfidfVectorizer(analyzer=words, sublinear_tf=True, dtype=np.float32)
        self.char.fit(short_texts)
        self.word.fit(short_texts)
        self.char_size = len(self.char.vocabulary_)

    def transform(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(char view, both views side by side), each row L2-normalised; texts already normalised."""
        char = self.char.transform(texts)
        both = sp.hstack([char, self.word.transform(texts)], format="csr")
        return l2_normalize(char).astype(np.float32), l2_normalize(both).astype(np.float32)
