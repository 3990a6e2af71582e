"""Latency figures on a noisy machine: each query is run in several interleaved rounds; the report gives
the first round as measured and, per query, the fastest of the rounds (what the code costs when no other
process takes the core away), with percentiles of both."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

ROUNDS = 3


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": round(pct(values, 0.5) * 1000, 3),
        "p95_ms": round(pct(values, 0.95) * 1000, 3),
        "p99_ms": round(pct(values, 0.99) * 1000, 3),
        "max_ms": round(max(values) * 1000, 3),
        "mean_ms": round(statistics.fmean(values) * 1000, 3),
    }


@dataclass
class Latencies:
    """Seconds per query: `add(i, wall)` in rounds over the same queries (round 0 first)."""

    n: int
    first: list[float] = field(default_factory=list)
    best: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # first round, when measured in process

    def add(self, i: int, wall: float, cpu: float | None = None) -> None:
        if len(self.first) < self.n:
            self.first.append(wall)
            self.best.append(wall)
            if cpu is not None:
                self.cpu.append(cpu)
        else:
            self.best[i] = min(self.best[i], wall)

    def report(self, rounds: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "queries": self.n,
            "rounds": rounds,
            "wall_best_of_rounds": summary_ms(self.best),
            "wall_first_round": summary_ms(self.first),
        }
        if self.cpu:
            out["cpu_first_round"] = summary_ms(self.cpu)
        return out
