"""Benchmark model B (../shared/benchmarks/model_b/): a synthetic cohort model at 10, 30 and
100 states, built as a parity model so that parity is timed on the same work as other tools."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

import parity

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "model_b"


def _settings(folder: Path) -> dict[str, float]:
    with open(folder / "modelB_settings.csv", newline="") as f:
        return {row["name"]: float(row["value"]) for row in csv.DictReader(f)}


def build(n_states: int, folder: Path = DEFAULT_DIR) -> parity.Model:
    """Model B with ``n_states`` states: SoC and Trt, 100 annual cycles, 3.5% discounting,
    half-cycle correction, as described in the folder's README."""
    settings = _settings(folder)
    p_soc = np.loadtxt(folder / f"modelB_S{n_states}_P_soc.csv", delimiter=",")
    p_trt = np.loadtxt(folder / f"modelB_S{n_states}_P_trt.csv", delimiter=",")
    with open(folder / f"modelB_S{n_states}_states.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    names = [f"s{int(r['state'])}" for r in rows]
    m = parity.Model(
        f"model_b_S{n_states}",
        n_cycles=int(settings["n_cycles"]),
        discount_rate=settings["discount"],
        correction="half_cycle",
    )
    for i, name in enumerate(names):
        m.state(name, alive=i < n_states - 1, initial=1 if i == 0 else None)
    m.strategies("SoC", "Trt")
    m.parameter("c_trt", settings["c_trt"], source="shared/benchmarks/model_b/modelB_settings.csv")
    for i, r in enumerate(rows):
        m.parameter(f"c_{names[i]}", float(r["cost"]), source="modelB states file")
        m.parameter(f"u_{names[i]}", float(r["utility"]), source="modelB states file")
        m.reward(names[i], cost=f"c_{names[i]}", utility=f"u_{names[i]}")
        if i < n_states - 1:
            m.reward(names[i], strategy="Trt", treatment="c_trt")
    for strategy, matrix in (("SoC", p_soc), ("Trt", p_trt)):
        for i, row in enumerate(matrix):
            for j, p in enumerate(row):
                if p != 0.0:
                    m.transition(names[i], names[j], float(p), strategy=strategy)
    return m
