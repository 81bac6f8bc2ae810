"""Figures (parity.plots): every function draws on the Axes it is given (or a new one) and
returns it, labels money axes with the currency, draws what its table holds, and never calls
``plt.show()``."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from helpers import SICK_SICKER  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import parity  # noqa: E402
from parity import dsa, plots  # noqa: E402
from parity.uncertainty import UncertaintyAnalysis  # noqa: E402


@pytest.fixture(autouse=True)
def no_show(monkeypatch: pytest.MonkeyPatch):
    """Fail on any plt.show(); close the figures each test made."""

    def show(*args, **kwargs):
        raise AssertionError("parity.plots must not call plt.show()")

    monkeypatch.setattr(plt, "show", show)
    monkeypatch.setattr(plt.Figure, "show", show)
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def psa() -> parity.psa.PsaResults:
    return parity.load(SICK_SICKER).psa(1200, 4)


@pytest.fixture(scope="module")
def synthetic() -> UncertaintyAnalysis:
    rng = np.random.default_rng(0)
    costs = rng.normal([1000, 1500], 200, (400, 2))
    effects = rng.normal([1.0, 1.05], 0.05, (400, 2))
    return UncertaintyAnalysis(
        costs, effects, ["Usual care", "Therapy"], pd.DataFrame({"x": rng.normal(size=400)}),
        currency="GBP", price_year="2023", wtp=[20_000],
    )


def labels(ax: Axes) -> str:
    return ax.get_xlabel() + " | " + ax.get_ylabel()


def analysis_figures(psa) -> dict:
    """Each analysis figure as a function of an Axes (or None)."""
    return {
        "ce_plane": lambda ax: plots.ce_plane(psa, ax=ax),
        "ceac": lambda ax: plots.ceac(psa, [0, 50_000, 100_000], ax=ax),
        "expected_loss": lambda ax: plots.expected_loss(psa, [0, 50_000, 100_000], ax=ax),
        "evpi": lambda ax: plots.evpi(psa, [0, 50_000, 100_000], ax=ax),
    }


@pytest.mark.parametrize("name", ["ce_plane", "ceac", "expected_loss", "evpi"])
def test_figures_draw_on_the_given_axes(psa, name: str) -> None:
    fig, ax = plt.subplots()
    returned = analysis_figures(psa)[name](ax)
    assert returned is ax
    assert len(fig.axes) == 1
    assert ax.has_data()
    assert "$" in labels(ax)  # the model's currency is USD
    assert ax.get_title()


@pytest.mark.parametrize("name", ["ce_plane", "ceac", "expected_loss", "evpi"])
def test_figures_make_new_axes_when_none_is_given(synthetic, name: str) -> None:
    before = set(plt.get_fignums())
    ax = analysis_figures(synthetic)[name](None)
    assert isinstance(ax, Axes)
    assert set(plt.get_fignums()) - before == {ax.figure.number}
    assert "£" in labels(ax) and "2023 prices" in labels(ax)


def test_ce_plane_shows_each_strategy_against_the_reference(psa) -> None:
    ax = plots.ce_plane(psa, max_points=500)
    assert ax.get_xlabel() == "Incremental QALYs vs SoC"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B", "AB"]
    clouds = [c for c in ax.collections if len(c.get_offsets()) > 1]
    assert len(clouds) == 3
    for cloud in clouds:
        assert len(cloud.get_offsets()) <= 500  # thinned to max_points
    means = [c.get_offsets()[0] for c in ax.collections if len(c.get_offsets()) == 1]
    plane = psa.ce_plane()
    expected = plane.groupby("strategy", sort=False)[["incremental_qalys", "incremental_cost"]].mean()
    np.testing.assert_allclose(np.array(means), expected.to_numpy(), rtol=1e-9)
    other = plots.ce_plane(psa, reference="B")
    assert other.get_xlabel() == "Incremental QALYs vs B"


def test_ceac_curves_are_the_acceptability_table(psa) -> None:
    grid = [0, 25_000, 50_000, 100_000]
    ax = plots.ceac(psa, grid)
    table = psa.ceac(grid)
    lines = {line.get_label(): line for line in ax.get_lines()}
    for strategy in psa.strategies:
        np.testing.assert_array_equal(lines[strategy].get_xdata(), grid)
        np.testing.assert_allclose(
            lines[strategy].get_ydata(), table[table["strategy"] == strategy]["probability"], rtol=1e-12
        )
    frontier = lines["Frontier (CEAF)"]
    np.testing.assert_allclose(frontier.get_ydata(), psa.ceaf(grid)["probability"], rtol=1e-12)
    assert ax.get_ylim() == (0, 1)
    without = plots.ceac(psa, grid, frontier=False)
    assert "Frontier (CEAF)" not in [line.get_label() for line in without.get_lines()]


def test_expected_loss_and_evpi_curves(psa) -> None:
    grid = [0, 50_000, 100_000]
    loss = plots.expected_loss(psa, grid)
    evpi = plots.evpi(psa, grid)
    curves = [line for line in loss.get_lines() if line.get_label() in psa.strategies]
    assert len(curves) == len(psa.strategies)
    lowest = np.min([line.get_ydata() for line in curves], axis=0)
    np.testing.assert_allclose(evpi.get_lines()[0].get_ydata(), lowest, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(lowest, psa.evpi(grid)["evpi_per_person"], rtol=1e-12, atol=1e-9)
    for ax in (loss, evpi):  # NICE's thresholds marked and named in the model's currency
        marked = sorted(line.get_xdata()[0] for line in ax.get_lines()[-2:])
        assert marked == [20_000, 30_000]
        assert {"$20,000", "$30,000"} <= {text.get_text() for text in ax.texts}


def test_evppi_bars(psa) -> None:
    table = psa.evppi(["u_S1", "c_trtA", "c_trtB"])
    fig, ax = plt.subplots()
    assert plots.evppi(table, ax=ax, currency="USD", price_year="2020") is ax
    bars = ax.patches
    assert len(bars) == 3
    widths = sorted(bar.get_width() for bar in bars)
    np.testing.assert_allclose(widths, sorted(table["evppi"]), rtol=1e-12)
    assert "$" in ax.get_xlabel() and "2020 prices" in ax.get_xlabel()
    assert "100,000 per QALY" in ax.get_xlabel()
    evpi_line = [line for line in ax.get_lines() if line.get_label() == "EVPI"]
    assert len(evpi_line) == 1
    assert evpi_line[0].get_xdata()[0] == pytest.approx(table["evpi"].iloc[0])
    assert "£" in plots.evppi(table).get_xlabel()  # GBP by default


def test_tornado_bars(psa) -> None:
    model = parity.load(SICK_SICKER)
    table = dsa.tornado(model)
    fig, ax = plt.subplots()
    assert plots.tornado(table, ax=ax, max_bars=5) is ax
    assert len(ax.patches) == 10  # a low and a high bar for each of the 5 widest
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[-1].startswith("u_S1 (")  # the widest swing at the top
    assert len(ticks) == 5
    assert ax.get_xlabel().startswith("incremental NMB of B vs AB at 100,000 per QALY")
    assert "$" in ax.get_xlabel()
    base = table["base_outcome"].iloc[0]
    ends = sorted(bar.get_x() + bar.get_width() for bar in ax.patches)
    expected = sorted(list(table.head(5)["outcome_low"]) + list(table.head(5)["outcome_high"]))
    np.testing.assert_allclose(ends, expected, rtol=1e-9)
    assert all(bar.get_x() == pytest.approx(base) for bar in ax.patches)
    # QALYs are not money: no currency on that axis.
    qalys = plots.tornado(dsa.tornado(model, measure="qalys", strategy="B"))
    assert "$" not in qalys.get_xlabel()
    # A currency given explicitly wins.
    assert "£" in plots.tornado(table, currency="GBP").get_xlabel()
    # Parameter values in the labels as a reader writes them, not in e notation.
    costs = table[table["parameter"].str.startswith("c_")].head(1)
    label = plots.tornado(costs).get_yticklabels()[0].get_text()
    assert "e+" not in label and f"{costs['low'].iloc[0]:,.0f}" in label
