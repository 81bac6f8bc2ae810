"""How a PSA looks when printed or shown in Jupyter: one row per strategy with the mean cost
and QALYs and their 95% intervals, the probability of being cost-effective at each
willingness to pay the model names, and the EVPI per person underneath."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .uncertainty import UncertaintyAnalysis


def summary_table(analysis: "UncertaintyAnalysis") -> pd.DataFrame:
    """Per strategy: mean cost and QALYs with their 95% intervals (from
    :meth:`UncertaintyAnalysis.summary`) and the probability of being cost-effective at each of
    the analysis's willingness-to-pay values (from :meth:`UncertaintyAnalysis.ceac`), as text."""
    summary = analysis.summary().set_index(["strategy", "outcome"])
    wtp = [float(w) for w in analysis.wtp]
    ceac = analysis.ceac(wtp).set_index(["wtp", "strategy"])["probability"] if wtp else None
    rows = {}
    for name in analysis.strategies:
        cost, qalys = summary.loc[(name, "cost")], summary.loc[(name, "qalys")]
        row = {
            "mean cost": f"{cost['mean']:,.0f}",
            "cost 95% interval": f"{cost['lower_95']:,.0f} to {cost['upper_95']:,.0f}",
            "mean QALYs": f"{qalys['mean']:.3f}",
            "QALYs 95% interval": f"{qalys['lower_95']:.3f} to {qalys['upper_95']:.3f}",
        }
        for w in wtp:
            row[f"P(cost-effective) at {w:,.0f}"] = f"{ceac[(w, name)]:.2f}"
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
    if not analysis.wtp:
        return ""
    evpi = analysis.evpi([float(w) for w in analysis.wtp])
    values = [f"{e:,.2f} at {w:,.0f} per QALY" for w, e in zip(evpi["wtp"], evpi["evpi_per_person"])]
    return "EVPI per person: " + "; ".join(values)


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
