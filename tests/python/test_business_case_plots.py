"""Business-case figures: each draws the results' numbers on the Axes it is given, labels the
money axis with currency and price year, and never calls show()."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from helpers import PARAMS  # noqa: E402

from parity import business_case_plots  # noqa: E402
from parity.business_case import run_business_case  # noqa: E402

FIGURES = ["payer_bars", "cumulative_net_savings", "waterfall"]


@pytest.fixture(scope="module")
def case():
    return run_business_case(PARAMS / "pcpm", years=5, price_year="2024/25")


@pytest.fixture(autouse=True)
def no_show(monkeypatch: pytest.MonkeyPatch):
    def show(*args, **kwargs):
        raise AssertionError("a figure function called show()")

    monkeypatch.setattr(plt, "show", show)
    yield
    plt.close("all")


@pytest.mark.parametrize("name", FIGURES)
def test_figures_draw_on_the_given_axes_with_money_labels(case, name: str) -> None:
    _, ax = plt.subplots()
    assert getattr(business_case_plots, name)(case, ax=ax) is ax
    assert "£, 2024/25 prices" in ax.get_ylabel()
    assert ax.get_title()


@pytest.mark.parametrize("name", FIGURES)
def test_figures_make_new_axes_when_none_is_given(case, name: str) -> None:
    ax = getattr(business_case_plots, name)(case)
    assert ax.figure is not None


def test_payer_bars_stack_each_payers_increment(case) -> None:
    ax = business_case_plots.payer_bars(case)
    increments = case.increments().pivot_table(index="year", columns="payer", values="increment",
                                              aggfunc="sum", sort=False)
    heights = np.array([p.get_height() for p in ax.patches]).reshape(len(increments.columns), -1)
    assert heights == pytest.approx(increments.to_numpy().T)
    # Savings stack below zero: the lowest bar of year 5 reaches the sum of the savings.
    year5 = increments.loc[5]
    lows = [min(p.get_y(), p.get_y() + p.get_height()) for p in ax.patches
            if p.get_x() < 5 < p.get_x() + p.get_width()]
    assert min(lows) == pytest.approx(year5[year5 < 0].sum())


def test_cumulative_net_savings_is_the_running_sum(case) -> None:
    ax = business_case_plots.cumulative_net_savings(case)
    line = ax.get_lines()[0]
    yearly = case.yearly
    assert list(line.get_ydata()) == pytest.approx(
        list((yearly["gross_savings"] - yearly["investment"]).cumsum())
    )


def test_waterfall_ends_at_the_net_position(case) -> None:
    ax = business_case_plots.waterfall(case)
    bars = ax.patches
    s = case.summary
    assert bars[0].get_height() == pytest.approx(-s["total_investment"])
    assert bars[-1].get_height() == pytest.approx(s["total_gross_savings"] - s["total_investment"])
    # The steps between add up to the savings.
    assert sum(b.get_height() for b in bars[1:-1]) == pytest.approx(s["total_gross_savings"])
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "net position"
