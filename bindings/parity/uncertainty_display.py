"""How a PSA looks when printed or shown in Jupyter: one row per strategy with the mean cost
and QALYs and their 95% intervals, the probability of being cost-effective at each
willingness to pay the model names, and the EVPI per person underneath."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import _core

if TYPE_CHECKING:  # pragma: no cover
    from .uncertainty import UncertaintyAnalysis


def _interval(values: np.ndarray, fmt: str) -> str:
    lower, upper = np.quantile(values, [0.025, 0.975])
    return f"{fmt.format(lower)} to {fmt.format(upper)}"


def summary_table(analysis: "UncertaintyAnalysis") -> pd.DataFrame:
    """Per strategy: mean cost and QALYs with their 95% intervals (2.5th and 97.5th
    percentiles of the samples) and the probability of being cost-effective (highest net
    monetary benefit) at each of the analysis's willingness-to-pay values, as text."""
    wtp = [float(w) for w in analysis.wtp]
    best = {w: np.argmax(analysis.net_monetary_benefit(w), axis=1) for w in wtp}
    rows = {}
    for k, name in enumerate(analysis.strategies):
        costs, qalys = analysis.costs[:, k], analysis.effects[:, k]
        row = {
            "mean cost": f"{costs.mean():,.0f}",
            "cost 95% interval": _interval(costs, "{:,.0f}"),
            "mean QALYs": f"{qalys.mean():.3f}",
            "QALYs 95% interval": _interval(qalys, "{:.3f}"),
        }
        for w in wtp:
            row[f"P(cost-effective) at {w:,.0f}"] = f"{np.mean(best[w] == k):.2f}"
        rows[name] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "strategy"
    return table


def caption(analysis: "UncertaintyAnalysis") -> str:
    """One line naming the model, the number of samples, the seed and the money unit."""
    n = analysis.costs.shape[0]
    parts = [analysis.model_name or "PSA", f"{n:,} samples"]
    seed = getattr(analysis, "seed", None)
    if seed is not None:
        parts.append(f"seed {seed}")
    price = f", {analysis.price_year} prices" if analysis.price_year else ""
    parts.append(f"costs in {analysis.currency}{price}")
    return "; ".join(parts)


def evpi_line(analysis: "UncertaintyAnalysis") -> str:
    """EVPI per person at each of the analysis's willingness-to-pay values."""
    values = [
        f"{_core.evpi(analysis.net_monetary_benefit(float(w))):,.2f} at {float(w):,.0f} per QALY"
        for w in analysis.wtp
    ]
    return "EVPI per person: " + "; ".join(values) if values else ""


def as_text(analysis: "UncertaintyAnalysis") -> str:
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        body = summary_table(analysis).to_string()
    return "\n".join(line for line in (caption(analysis), body, evpi_line(analysis)) if line)


def as_html(analysis: "UncertaintyAnalysis") -> str:
    evpi = evpi_line(analysis)
    return (
        f"<p><b>{html.escape(caption(analysis))}</b></p>"
        + summary_table(analysis).to_html(escape=True)
        + (f"<p>{html.escape(evpi)}</p>" if evpi else "")
    )
