"""Growable columnar arrays: append in amortised O(1), take a subset to compact."""

from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]


class Columns:
    """Named numpy arrays of one length `n` (with spare capacity); columns may have a second dimension."""

    def __init__(self, spec: dict[str, tuple[Any, int, Any]], capacity: int = 1024) -> None:
        self.spec = spec  # name → (dtype, width (0 = one value per row), fill value)
        self.n = 0
        self.capacity = max(16, capacity)
        self.a: dict[str, Array] = {name: self._new(name, self.capacity) for name in spec}

    @classmethod
    def over(cls, spec: dict[str, tuple[Any, int, Any]], arrays: dict[str, Array], n: int) -> "Columns":
        """Columns over existing arrays (e.g. mapped from a file) whose first `n` rows are in use; their
        length is the capacity."""
        self = cls.__new__(cls)
        self.spec, self.n, self.a = spec, n, dict(arrays)
        self.capacity = min(len(arr) for arr in arrays.values())
        return self

    def _new(self, name: str, rows: int) -> Array:
        dtype, width, fill = self.spec[name]
        shape = (rows, width) if width else (rows,)
        return np.full(shape, fill, dtype=dtype)

    def reserve(self, extra: int) -> None:
        need = self.n + extra
        if need <= self.capacity:
            return
        capacity = max(need, int(self.capacity * 1.5) + 16)
        for name, old in self.a.items():
            new = self._new(name, capacity)
            new[: self.n] = old[: self.n]
            self.a[name] = new
        self.capacity = capacity

    def append(self, values: dict[str, Any], count: int) -> int:
        """Append `count` rows (every column given, as arrays or lists); returns the first new row."""
        self.reserve(count)
        first = self.n
        for name, arr in self.a.items():
            arr[first : first + count] = values[name]
        self.n += count
        return first

    def take(self, rows: npt.NDArray[np.int64], spare: float = 0.25) -> None:
        """Keep only `rows`, in that order."""
        capacity = max(16, int(len(rows) * (1 + spare)))
        for name, old in self.a.items():
            new = self._new(name, capacity)
            new[: len(rows)] = old[rows]
            self.a[name] = new
        self.n, self.capacity = len(rows), capacity

    def nbytes(self) -> int:
        return sum(int(arr.nbytes) for arr in self.a.values())
