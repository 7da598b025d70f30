#!/usr/bin/env python3
"""Writes test/fixtures/stats/mann-whitney-scipy.json: two-sided Mann-Whitney p-values computed by
SciPy, the reference the unit tests check src/core/bench/statistics.ts against.

Run by hand when the cases change (SciPy is not needed to run the tests):
    python3 scripts/mann-whitney-reference.py
Exact cases have no ties (SciPy's exact distribution assumes none); the asymptotic cases have ties
and more than 50 values in all, where statistics.ts switches to the normal approximation.
"""
import json
import os
import random

import scipy
from scipy.stats import mannwhitneyu

rng = random.Random(20261202)
cases = []


def timings(n, base, cv, rounding):
    return [round(base * (1 + rng.gauss(0, cv)) + abs(rng.gauss(0, base * cv / 2)), rounding) for _ in range(n)]


for n1, n2, shift in [(3, 3, 1.0), (4, 5, 1.1), (5, 5, 1.2), (6, 4, 1.0), (8, 8, 1.05), (10, 12, 1.1), (15, 15, 1.03), (20, 20, 1.08), (25, 25, 1.0)]:
    x = timings(n1, 1000, 0.06, 6)
    y = [v / shift for v in timings(n2, 1000, 0.06, 6)]
    assert len(set(x + y)) == n1 + n2
    r = mannwhitneyu(x, y, alternative="two-sided", method="exact")
    cases.append({"x": x, "y": y, "method": "exact", "u": float(r.statistic), "p": float(r.pvalue)})

for n1, n2, shift, rounding in [(30, 30, 1.0, 0), (30, 30, 1.05, -1), (40, 35, 1.1, 0), (60, 60, 1.02, -1), (26, 26, 1.0, -2)]:
    x = timings(n1, 1000, 0.06, rounding)
    y = [round(v / shift, rounding) for v in timings(n2, 1000, 0.06, rounding)]
    r = mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    cases.append({"x": x, "y": y, "method": "normal", "u": float(r.statistic), "p": float(r.pvalue)})

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "stats", "mann-whitney-scipy.json")
with open(out, "w") as f:
    json.dump({"generator": "scripts/mann-whitney-reference.py", "scipy": scipy.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
