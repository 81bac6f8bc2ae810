"""Figures in the style of published health-economic evaluations. Every function draws on the
Axes it is given (or a new one), labels axes with units and price year, and returns the Axes;
none calls ``show()``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np
import pandas as pd

from .currency import CURRENCY_SIGNS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from .uncertainty import UncertaintyAnalysis

#: NICE's threshold range (PMG36): lines drawn on CE planes and acceptability curves.
NICE_THRESHOLDS = (20_000.0, 30_000.0)


def _axes(ax: "Axes | None") -> "Axes":
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7, 5))
    return ax


def _tick(x: float, _position: object = None) -> str:
    """A tick label with thousands separators that keeps the decimals small values need."""
    if abs(x) >= 1000 or x == round(x):
        return f"{x:,.0f}"
    return f"{x:.3g}"


def _value(x: float) -> str:
    """A parameter value as a reader writes it: 9,420 rather than 9.42e+03, 0.0123 as is."""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def _thousands(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(_tick))


def _symbol(currency: str) -> str:
    return CURRENCY_SIGNS.get(currency, currency + " ")


def _money(currency: str, price_year: str) -> str:
    return f"{_symbol(currency).strip()}{', ' + price_year + ' prices' if price_year else ''}"


def _threshold_lines(ax: "Axes", currency: str, wtp: Iterable[float] = NICE_THRESHOLDS) -> None:
    """Dashed vertical lines at each willingness to pay, labelled at the top (e.g. £20,000)."""
    for w in wtp:
        ax.axvline(w, linestyle="--", linewidth=1, color="grey")
        ax.annotate(
            f"{_symbol(currency)}{w:,.0f}", (w, 1.0), xycoords=("data", "axes fraction"),
            xytext=(2, -2), textcoords="offset points", fontsize=8, color="grey", va="top",
        )


def ce_plane(
    psa: "UncertaintyAnalysis",
    reference: str | None = None,
    wtp: Sequence[float] = NICE_THRESHOLDS,
    ax: "Axes | None" = None,
    max_points: int = 5_000,
) -> "Axes":
    """Cost-effectiveness plane: incremental QALYs and costs of each strategy against
    ``reference`` for every PSA sample, with the mean of each cloud and willingness-to-pay
    lines."""
    ax = _axes(ax)
    data = psa.ce_plane(reference)
    for name, group in data.groupby("strategy", sort=False):
        shown = group.iloc[:: max(1, -(-len(group) // max(1, int(max_points))))]  # at most max_points
        points = ax.scatter(shown["incremental_qalys"], shown["incremental_cost"], s=4, alpha=0.3, label=name)
        ax.scatter(
            group["incremental_qalys"].mean(), group["incremental_cost"].mean(), s=60, marker="D",
            color=points.get_facecolor()[0], edgecolor="black", zorder=3,
        )
    x = np.array(ax.get_xlim())
    for w in wtp:
        ax.plot(x, w * x, linestyle="--", linewidth=1, color="grey")
        ax.annotate(f"{_symbol(psa.currency)}{w:,.0f} per QALY", (x[1], w * x[1]), fontsize=8, color="grey", ha="right", va="bottom")
    ax.set_xlim(x)
    ax.axhline(0, color="black", linewidth=0.5)
    ax.axvline(0, color="black", linewidth=0.5)
    comparator = data["comparator"].iloc[0] if len(data) else ""
    _thousands(ax.yaxis)
    ax.set_xlabel(f"Incremental QALYs vs {comparator}")
    ax.set_ylabel(f"Incremental cost vs {comparator} ({_money(psa.currency, psa.price_year)})")
    ax.set_title(f"Cost-effectiveness plane{': ' + psa.model_name if psa.model_name else ''}")
    ax.legend(title="Strategy", markerscale=3)
    return ax


def ceac(
    psa: "UncertaintyAnalysis",
    wtp: Iterable[float] | None = None,
    ax: "Axes | None" = None,
    frontier: bool = True,
) -> "Axes":
    """Cost-effectiveness acceptability curves, with the acceptability frontier (CEAF) drawn
    over them and NICE's £20,000 and £30,000 per QALY marked."""
    ax = _axes(ax)
    curves = psa.ceac(wtp)
    for name, group in curves.groupby("strategy", sort=False):
        ax.plot(group["wtp"], group["probability"], label=name)
    if frontier:
        ceaf = psa.ceaf(curves["wtp"].unique())
        ax.plot(ceaf["wtp"], ceaf["probability"], color="black", linewidth=3, alpha=0.25, label="Frontier (CEAF)")
    _threshold_lines(ax, psa.currency)
    ax.set_ylim(0, 1)
    _thousands(ax.xaxis)
    ax.set_xlabel(f"Willingness to pay per QALY ({_money(psa.currency, psa.price_year)})")
    ax.set_ylabel("Probability cost-effective")
    ax.set_title("Cost-effectiveness acceptability")
    ax.legend(title="Strategy")
    return ax


def expected_loss(psa: "UncertaintyAnalysis", wtp: Iterable[float] | None = None, ax: "Axes | None" = None) -> "Axes":
    """Expected loss curves; the lowest curve at each willingness to pay is the EVPI."""
    ax = _axes(ax)
    table = psa.expected_loss(wtp)
    for name, group in table.groupby("strategy", sort=False):
        ax.plot(group["wtp"], group["expected_loss"], label=name)
    _threshold_lines(ax, psa.currency)
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    ax.set_xlabel(f"Willingness to pay per QALY ({_money(psa.currency, psa.price_year)})")
    ax.set_ylabel(f"Expected loss per person ({_money(psa.currency, psa.price_year)})")
    ax.set_title("Expected loss")
    ax.legend(title="Strategy")
    return ax


def evpi(psa: "UncertaintyAnalysis", wtp: Iterable[float] | None = None, ax: "Axes | None" = None) -> "Axes":
    """EVPI per person against willingness to pay."""
    ax = _axes(ax)
    table = psa.evpi(wtp)
    ax.plot(table["wtp"], table["evpi_per_person"], color="black")
    _threshold_lines(ax, psa.currency)
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    ax.set_xlabel(f"Willingness to pay per QALY ({_money(psa.currency, psa.price_year)})")
    ax.set_ylabel(f"EVPI per person ({_money(psa.currency, psa.price_year)})")
    ax.set_title("Expected value of perfect information")
    return ax


def evppi(table: pd.DataFrame, ax: "Axes | None" = None, currency: str = "GBP", price_year: str = "") -> "Axes":
    """Horizontal bars of EVPPI per parameter (or group) from :meth:`UncertaintyAnalysis.evppi`,
    with the EVPI as a reference line."""
    ax = _axes(ax)
    data = table.sort_values("evppi")
    ax.barh(data["parameters"], data["evppi"], xerr=data["standard_error"].fillna(0), color="tab:blue")
    if "evpi" in data and len(data):
        ax.axvline(float(data["evpi"].iloc[0]), color="black", linestyle="--", linewidth=1, label="EVPI")
        ax.legend()
    wtp = data["wtp"].iloc[0] if len(data) else float("nan")
    ax.set_xlabel(f"EVPPI per person ({_money(currency, price_year)}) at {wtp:,.0f} per QALY")
    ax.set_title("Expected value of partial perfect information")
    return ax


#: DSA measures in money (the others are QALYs or life-years).
_MONEY_MEASURES = ("net_monetary_benefit", "incremental_net_monetary_benefit", "cost", "icer")


def tornado(
    table: pd.DataFrame,
    ax: "Axes | None" = None,
    max_bars: int = 15,
    currency: str | None = None,
    price_year: str | None = None,
) -> "Axes":
    """Tornado diagram from :func:`parity.dsa.tornado`: for each parameter, the outcome at its
    low and high value around the base case, largest swing at the top. A monetary outcome's
    axis shows the currency and price year (default: those :func:`parity.dsa.tornado` records
    in ``table.attrs``)."""
    ax = _axes(ax)
    data = table.head(max_bars).iloc[::-1]
    base = float(data["base_outcome"].iloc[0]) if len(data) else 0.0
    y = np.arange(len(data))
    ax.barh(y, data["outcome_low"] - base, left=base, color="tab:blue", label="Low value")
    ax.barh(y, data["outcome_high"] - base, left=base, color="tab:orange", label="High value")
    labels = [f"{p} ({_value(lo)} to {_value(hi)})" for p, lo, hi in zip(data["parameter"], data["low"], data["high"])]
    ax.set_yticks(y, labels)
    ax.axvline(base, color="black", linewidth=1)
    label = table.attrs.get("outcome", "Outcome")
    currency = currency if currency is not None else table.attrs.get("currency")
    price_year = price_year if price_year is not None else table.attrs.get("price_year", "")
    if currency and table.attrs.get("measure", "incremental_net_monetary_benefit") in _MONEY_MEASURES:
        label += f" ({_money(currency, price_year or '')})"
    _thousands(ax.xaxis)
    ax.set_xlabel(label)
    ax.set_title("One-way sensitivity analysis")
    ax.legend()
    return ax
