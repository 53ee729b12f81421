"""Latency histograms that keep the tail: every latency counted in a log-spaced bucket 1 % wide (the idea of
HdrHistogram, in a few lines), so histograms from several processes and repeats merge by adding counts, and
a percentile is read from all the samples, not from a per-repeat summary.

    h = Histogram(); h.add(12.3); h.add(250.0)
    merged = Histogram.merged([h, other]); merged.percentile(0.99)  # in ms, at most 1 % above the true value

A percentile is reported as the upper edge of the bucket holding it (never below the true value). p99.9
needs at least 1,000 samples to be more than the largest one or two: `summary()` leaves it out below that.
"""
from __future__ import annotations

import collections
import math

RATIO = 1.01  # bucket width: a reported value is at most 1 % above the sample it stands for
MIN_MS = 0.001  # everything below 1 µs shares the first bucket
PERCENTILES = {"p50_ms": 0.5, "p90_ms": 0.9, "p99_ms": 0.99, "p99_9_ms": 0.999}
MIN_SAMPLES = {"p99_9_ms": 1000}  # below 1,000 samples p99.9 would be the largest sample


class Histogram:
    def __init__(self, counts: dict | None = None):
        self.counts: collections.Counter[int] = collections.Counter(
            {int(bucket): int(n) for bucket, n in (counts or {}).items()})

    @staticmethod
    def bucket(ms: float) -> int:
        return max(0, math.ceil(math.log(max(ms, MIN_MS) / MIN_MS, RATIO)))

    @staticmethod
    def upper(bucket: int) -> float:
        return MIN_MS * RATIO ** bucket

    def add(self, ms: float) -> None:
        self.counts[self.bucket(ms)] += 1

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def percentile(self, fraction: float) -> float:
        """The smallest bucket edge at or above `fraction` of the samples (nan when empty)."""
        total = self.n
        if not total:
            return float("nan")
        wanted, seen = max(1, math.ceil(fraction * total)), 0
        for bucket in sorted(self.counts):
            seen += self.counts[bucket]
            if seen >= wanted:
                return self.upper(bucket)
        return self.upper(max(self.counts))

    def to_json(self) -> dict:
        return {"ratio": RATIO, "min_ms": MIN_MS, "counts": {str(b): n for b, n in sorted(self.counts.items())}}

    @classmethod
    def from_json(cls, data: dict) -> Histogram:
        if data.get("ratio", RATIO) != RATIO or data.get("min_ms", MIN_MS) != MIN_MS:
            raise ValueError(f"histogram buckets differ: ratio {data.get('ratio')}, min {data.get('min_ms')} ms")
        return cls(data["counts"])

    @classmethod
    def merged(cls, histograms) -> Histogram:
        total = cls()
        for histogram in histograms:
            total.counts.update(histogram.counts)
        return total

    def summary(self) -> dict:
        """n, the percentiles the sample count supports (rounded to 0.1 ms) and the largest sample's bucket."""
        n = self.n
        result: dict = {"n": n}
        for key, fraction in PERCENTILES.items():
            if n and n >= MIN_SAMPLES.get(key, 1):
                result[key] = round(self.percentile(fraction), 1)
        if n:
            result["max_ms"] = round(self.upper(max(self.counts)), 1)
        return result
