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


def build(n_states: int, folder: Path = DEFAULT_DIR, uncertain: bool = False) -> parity.Model:
    """Model B with ``n_states`` states: SoC and Trt, 100 annual cycles, 3.5% discounting,
    half-cycle correction, as described in the folder's README. With ``uncertain``, the
    README's PSA distributions: each alive row Dirichlet(neff x P[i, ]), costs gamma(shape 100,
    scale mean/100), alive utilities beta(100u, 100(1-u))."""
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
    shape = settings["gamma_shape"]
    ab = settings["beta_ab_sum"]

    def gamma(mean: float) -> dict[str, str]:
        if not uncertain or mean <= 0:
            return {}
        return {"distribution": "gamma", "distribution_parameters": f"shape={shape!r}; scale={mean / shape!r}"}

    def beta(u: float) -> dict[str, str]:
        if not uncertain or not 0 < u < 1:
            return {}
        return {"distribution": "beta", "distribution_parameters": f"alpha={ab * u!r}; beta={ab * (1 - u)!r}"}

    m.parameter("c_trt", settings["c_trt"], source="modelB_settings.csv", **gamma(settings["c_trt"]))
    for i, r in enumerate(rows):
        alive = i < n_states - 1
        m.parameter(f"c_{names[i]}", float(r["cost"]), source="modelB states file", **(gamma(float(r["cost"])) if alive else {}))
        m.parameter(f"u_{names[i]}", float(r["utility"]), source="modelB states file", **(beta(float(r["utility"])) if alive else {}))
        m.reward(names[i], cost=f"c_{names[i]}", utility=f"u_{names[i]}")
        if i < n_states - 1:
            m.reward(names[i], strategy="Trt", treatment="c_trt")
    neff = settings["neff"]
    for strategy, matrix in (("SoC", p_soc), ("Trt", p_trt)):
        for i, row in enumerate(matrix):
            for j, p in enumerate(row):
                if p == 0.0:
                    continue
                if uncertain and i < n_states - 1:
                    cell = f"p_{strategy}_{i + 1}_{j + 1}"
                    m.parameter(cell, float(p), source="modelB transition matrix", distribution="dirichlet",
                                distribution_parameters=f"group={strategy}_{i + 1}; alpha={float(neff * p)!r}")
                    m.transition(names[i], names[j], cell, strategy=strategy)
                else:
                    m.transition(names[i], names[j], float(p), strategy=strategy)
    return m
