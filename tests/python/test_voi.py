"""Decision uncertainty from PSA samples: CEAC, CEAF, expected loss, EVPI (against the normal
closed form) and EVPPI (bounds, groups, an irrelevant parameter, a linear model with a closed
form), on PSA results of params/sick_sicker and on synthetic ``UncertaintyAnalysis`` inputs."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from helpers import SICK_SICKER, STRATEGIES

import parity
from parity import _core
from parity.psa import PsaResults
from parity.uncertainty import UncertaintyAnalysis, default_wtp_grid

GRID = [0.0, 20_000.0, 50_000.0, 75_000.0, 100_000.0, 150_000.0, 200_000.0]


def normal_expected_positive_part(m: float, s: float) -> float:
    """E[max(0, X)] for X ~ N(m, s^2): s phi(m/s) + m Phi(m/s)."""
    z = m / s
    phi = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    Phi = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    return s * phi + m * Phi


def normal_evpi(m: float, s: float) -> float:
    """EVPI of adopting or not a strategy whose incremental net benefit is N(m, s^2)."""
    return normal_expected_positive_part(m, s) - max(0.0, m)


def latin_hypercube_normals(rng: np.random.Generator, n: int, means, sds) -> np.ndarray:
    """Independent normal columns, each stratified into n equal-probability bins."""
    columns = []
    for m, s in zip(means, sds):
        u = (rng.permutation(n) + rng.random(n)) / n
        dist = NormalDist(m, s)
        columns.append([dist.inv_cdf(x) for x in u])
    return np.column_stack(columns)


@pytest.fixture(scope="module")
def psa() -> PsaResults:
    return parity.load(SICK_SICKER).psa(3000, 7)


def numpy_nmb(costs: np.ndarray, effects: np.ndarray, wtp: float) -> np.ndarray:
    return wtp * effects - costs


# ---- net benefit, CE plane, summary ---------------------------------------------------------


def test_net_monetary_benefit_and_ce_plane(psa: PsaResults) -> None:
    np.testing.assert_array_equal(psa.net_monetary_benefit(30_000), 30_000 * psa.effects - psa.costs)
    plane = psa.ce_plane()
    assert len(plane) == 3 * psa.n_samples
    assert set(plane["comparator"]) == {"SoC"}
    b = plane[plane["strategy"] == "B"]
    np.testing.assert_array_equal(b["incremental_cost"], psa.costs[:, 2] - psa.costs[:, 0])
    np.testing.assert_array_equal(b["incremental_qalys"], psa.effects[:, 2] - psa.effects[:, 0])
    against_b = psa.ce_plane("B")
    assert set(against_b["strategy"]) == {"SoC", "A", "AB"}
    with pytest.raises(parity.ModelError, match="did you mean 'SoC'"):
        psa.ce_plane("Soc")


def test_summary_matches_numpy(psa: PsaResults) -> None:
    table = psa.summary()
    assert list(table["strategy"]) == [s for s in STRATEGIES for _ in range(2)]
    costs = table[table["outcome"] == "cost"]
    np.testing.assert_allclose(costs["mean"], psa.costs.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(costs["sd"], psa.costs.std(axis=0, ddof=1), rtol=1e-12)
    qalys = table[table["outcome"] == "qalys"]
    np.testing.assert_allclose(qalys["lower_95"], np.quantile(psa.effects, 0.025, axis=0), rtol=1e-12)
    assert np.all(table["lower_95"] < table["mean"]) and np.all(table["mean"] < table["upper_95"])


# ---- CEAC, CEAF, expected loss, EVPI on the PSA -----------------------------------------------


def test_ceac_is_the_share_of_samples_where_each_strategy_is_best(psa: PsaResults) -> None:
    ceac = psa.ceac(GRID)
    assert list(ceac.columns) == ["wtp", "strategy", "probability"]
    assert len(ceac) == len(GRID) * 4
    sums = ceac.groupby("wtp")["probability"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=0, atol=1e-12)
    for w in GRID:
        best = np.argmax(numpy_nmb(psa.costs, psa.effects, w), axis=1)
        expected = [np.mean(best == k) for k in range(4)]
        got = ceac[ceac["wtp"] == w].set_index("strategy").loc[STRATEGIES, "probability"]
        np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-12, atol=1e-15)
    # Nothing is worth paying for at 0 per QALY: the cheapest strategy (SoC) wins every sample.
    assert ceac[(ceac["wtp"] == 0) & (ceac["strategy"] == "SoC")]["probability"].item() == 1.0


def test_ceac_default_grid(psa: PsaResults) -> None:
    ceac = psa.ceac()
    np.testing.assert_array_equal(ceac["wtp"].unique(), default_wtp_grid())
    np.testing.assert_array_equal(default_wtp_grid(), np.arange(0, 100_001, 1000.0))
    np.testing.assert_array_equal(default_wtp_grid(10, 5), [0.0, 5.0, 10.0])


def test_ceaf_picks_the_strategy_with_the_highest_mean_net_benefit(psa: PsaResults) -> None:
    ceaf = psa.ceaf(GRID)
    ceac = psa.ceac(GRID).set_index(["wtp", "strategy"])["probability"]
    assert list(ceaf["wtp"]) == GRID
    for row in ceaf.itertuples():
        nmb = numpy_nmb(psa.costs, psa.effects, row.wtp)
        assert row.strategy == STRATEGIES[int(np.argmax(nmb.mean(axis=0)))]
        assert row.probability == ceac[(row.wtp, row.strategy)]
    # The frontier moves from SoC to more effective strategies as the threshold rises.
    assert ceaf["strategy"].iloc[0] == "SoC"
    assert ceaf["strategy"].iloc[-1] == "AB"


def test_expected_loss_and_evpi_match_numpy(psa: PsaResults) -> None:
    loss = psa.expected_loss(GRID)
    evpi = psa.evpi(GRID).set_index("wtp")["evpi_per_person"]
    assert len(loss) == len(GRID) * 4
    for w in GRID:
        nmb = numpy_nmb(psa.costs, psa.effects, w)
        best = nmb.max(axis=1, keepdims=True)
        expected = (best - nmb).mean(axis=0)
        got = loss[loss["wtp"] == w].set_index("strategy").loc[STRATEGIES, "expected_loss"]
        np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-9, atol=1e-9)
        assert got.min() == pytest.approx(evpi[w], rel=1e-12, abs=1e-12)
        assert evpi[w] == pytest.approx(best.mean() - nmb.mean(axis=0).max(), rel=1e-9, abs=1e-6)
        # The strategy with the smallest loss is the CEAF's.
        assert got.idxmin() == STRATEGIES[int(np.argmax(nmb.mean(axis=0)))]
    assert evpi[0.0] == 0.0
    assert (evpi > 0).sum() >= 4


def test_population_evpi() -> None:
    # The worked example of docs/methods/value-of-information.md.
    assert _core.population_evpi(10, 1000, 3, 0.035) == pytest.approx(28_996.9, abs=0.05)
    rng = np.random.default_rng(1)
    costs = rng.normal(1000, 300, (4000, 3))
    effects = rng.normal(1, 0.1, (4000, 3))
    ua = UncertaintyAnalysis(costs, effects, ["x", "y", "z"])
    table = ua.evpi([10_000, 20_000], population=2500, years=7, discount_rate=0.05)
    factor = sum(2500 / 1.05**y for y in range(7))
    np.testing.assert_allclose(table["population_evpi"], table["evpi_per_person"] * factor, rtol=1e-12)
    undiscounted = ua.evpi(20_000, population=100, years=4, discount_rate=0.0)
    assert undiscounted["population_evpi"].item() == pytest.approx(400 * undiscounted["evpi_per_person"].item())
    assert "population_evpi" not in ua.evpi(20_000).columns


# ---- EVPI closed form ------------------------------------------------------------------------


@pytest.mark.parametrize("wtp", [0.0, 5_000.0, 10_000.0, 20_000.0, 40_000.0])
def test_evpi_of_two_strategies_with_normal_incremental_net_benefit(wtp: float) -> None:
    """dE ~ N(0.05, 0.1^2), dC ~ N(500, 400^2) independent: at wtp L the incremental net benefit
    is N(L*0.05 - 500, L^2 0.01 + 400^2) and EVPI = s phi(m/s) + m Phi(m/s) - max(0, m)."""
    n = 200_000
    rng = np.random.default_rng(2024)
    base_cost = rng.normal(10_000, 1_000, n)  # common to both strategies: does not matter
    base_effect = rng.normal(5, 0.5, n)
    d_effect = rng.normal(0.05, 0.1, n)
    d_cost = rng.normal(500, 400, n)
    costs = np.column_stack([base_cost, base_cost + d_cost])
    effects = np.column_stack([base_effect, base_effect + d_effect])
    ua = UncertaintyAnalysis(costs, effects, ["old", "new"])
    m = wtp * 0.05 - 500
    s = math.hypot(wtp * 0.1, 400)
    expected = normal_evpi(m, s)
    got = ua.evpi(wtp)["evpi_per_person"].item()
    inb = wtp * d_effect - d_cost
    loss = np.maximum(0, inb) - (inb if m > 0 else 0)
    se = loss.std() / math.sqrt(n)
    assert abs(got - expected) < 5 * se + 1e-9, (got, expected, se)
    # ... and the CEAC of the new strategy is P(INB > 0) = Phi(m/s).
    p_new = ua.ceac(wtp).set_index("strategy").loc["new", "probability"]
    p = NormalDist().cdf(m / s)
    assert abs(p_new - p) < 5 * math.sqrt(p * (1 - p) / n) + 1e-12


def test_evpi_is_zero_when_one_strategy_always_wins() -> None:
    rng = np.random.default_rng(3)
    effects = rng.normal(1, 0.1, (500, 2))
    effects[:, 1] = effects[:, 0] + 0.5  # always more effective
    costs = np.zeros((500, 2))
    ua = UncertaintyAnalysis(costs, effects, ["a", "b"])
    assert ua.evpi(GRID[1:])["evpi_per_person"].eq(0).all()
    assert ua.ceac(10_000).set_index("strategy")["probability"].to_dict() == {"a": 0.0, "b": 1.0}


# ---- EVPPI -----------------------------------------------------------------------------------


def linear_case(n: int = 5000, seed: int = 0) -> tuple[UncertaintyAnalysis, dict[str, float]]:
    """Two strategies with incremental net benefit 1.5 t1 - t2 (t3 irrelevant), t ~ N(mu, sd^2)
    independent; closed forms: E[INB | t1] = 1.5 t1 - mu2 ~ N(m, (1.5 sd1)^2) and likewise for t2."""
    mu, sd, a, b = [1.0, 0.7, 0.0], [2.0, 1.5, 1.0], 1.5, -1.0
    rng = np.random.default_rng(seed)
    theta = latin_hypercube_normals(rng, n, mu, sd)
    inb = a * theta[:, 0] + b * theta[:, 1]
    common = rng.normal(0, 5, n)  # shared by both strategies: cancels in the increments
    effects = np.column_stack([common, common + inb])
    ua = UncertaintyAnalysis(
        np.zeros((n, 2)), effects, ["s0", "s1"], pd.DataFrame(theta, columns=["t1", "t2", "t3"]), wtp=[1.0]
    )
    m = a * mu[0] + b * mu[1]
    expected = {
        "t1": normal_evpi(m, abs(a) * sd[0]),
        "t2": normal_evpi(m, abs(b) * sd[1]),
        "all": normal_evpi(m, math.hypot(a * sd[0], b * sd[1])),
        "r2_t1": (a * sd[0]) ** 2 / ((a * sd[0]) ** 2 + (b * sd[1]) ** 2),
    }
    return ua, expected


def test_evppi_of_a_linear_model_matches_its_closed_form() -> None:
    ua, expected = linear_case()
    table = ua.evppi(["t1", "t2", "t3"]).set_index("parameters")
    assert list(table.index) == ["t1", "t2", "t3"]
    assert (table["wtp"] == 1.0).all()
    for name in ("t1", "t2"):
        se = table.loc[name, "standard_error"]
        assert 0 < se < 0.05
        assert abs(table.loc[name, "evppi"] - expected[name]) < 4 * se, name
    assert table.loc["t1", "r_squared"] == pytest.approx(expected["r2_t1"], abs=0.03)
    assert table.loc["t1", "evppi"] > table.loc["t2", "evppi"]
    # t3 does not enter the net benefit.
    assert table.loc["t3", "evppi"] < 0.01 * table.loc["t3", "evpi"]
    assert table.loc["t3", "r_squared"] < 0.01
    # Both relevant parameters together are the whole uncertainty: EVPPI = EVPI.
    group = ua.evppi({"both": ["t1", "t2"]}).iloc[0]
    assert group["members"] == "t1, t2"
    assert group["evppi"] == pytest.approx(group["evpi"], rel=1e-4)
    assert group["evpi"] == pytest.approx(expected["all"], abs=0.05)
    assert group["r_squared"] == pytest.approx(1.0, abs=1e-6)


def test_evppi_methods_agree_on_one_parameter() -> None:
    ua, expected = linear_case(n=2000, seed=1)
    spline = ua.evppi(["t1"], method="spline").iloc[0]
    tensor = ua.evppi(["t1"], method="gam_tensor").iloc[0]
    assert spline["evppi"] == pytest.approx(tensor["evppi"], rel=1e-9)
    assert "spline" in spline["method"]
    with pytest.raises(parity.ModelError, match="unknown EVPPI method"):
        ua.evppi(["t1"], method="kriging")


def test_evppi_bounds_on_the_psa(psa: PsaResults) -> None:
    singles = psa.evppi(["u_S1", "c_trtA", "c_trtB", "u_trtA", "hr_S1", "c_H"]).set_index("parameters")
    groups = psa.evppi(
        {"utilities": ["u_S1", "u_trtA"], "costs": ["c_trtA", "c_trtB"], "drivers": ["u_S1", "c_trtA", "c_trtB"]}
    ).set_index("parameters")
    evpi = psa.evpi(100_000)["evpi_per_person"].item()
    both = pd.concat([singles, groups])
    assert (both["evpi"] == evpi).all()
    assert (both["wtp"] == 100_000).all()  # the model's wtp by default
    assert (both["evppi"] >= 0).all()
    assert (both["evppi"] <= evpi + 4 * both["standard_error"] + 1e-6 * evpi).all()
    # A group is worth at least as much as any of its members, up to estimation error.
    for label, members in [("utilities", ["u_S1", "u_trtA"]), ("costs", ["c_trtA", "c_trtB"])]:
        for m in members:
            slack = 2 * (groups.loc[label, "standard_error"] + singles.loc[m, "standard_error"])
            assert groups.loc[label, "evppi"] >= singles.loc[m, "evppi"] - slack, (label, m)
    assert groups.loc["drivers", "evppi"] >= groups.loc["costs", "evppi"] - 2 * (
        groups.loc["drivers", "standard_error"] + groups.loc["costs", "standard_error"]
    )
    # The utility of Sick drives the decision at 100,000; the hazard ratio of death in Sick
    # (sd 1% on the log scale) and the cost of Healthy (the same in every strategy) do not.
    assert singles.loc["u_S1", "evppi"] > 0.1 * evpi
    assert singles.loc["hr_S1", "evppi"] < 0.01 * evpi
    assert singles.loc["c_H", "evppi"] < 0.01 * evpi


def test_evppi_accepts_a_string_member_and_another_wtp(psa: PsaResults) -> None:
    a = psa.evppi({"sick utility": "u_S1"}, 50_000).iloc[0]
    b = psa.evppi(["u_S1"], 50_000).iloc[0]
    assert a["members"] == "u_S1"
    assert a["wtp"] == 50_000
    assert a["evppi"] == b["evppi"]
    assert a["evpi"] == pytest.approx(psa.evpi(50_000)["evpi_per_person"].item())


def test_evppi_of_unknown_parameters_raises(psa: PsaResults) -> None:
    with pytest.raises(parity.ModelError, match="'u_s1' \\(did you mean 'u_S1'\\?\\)"):
        psa.evppi(["u_s1"])
    with pytest.raises(parity.ModelError, match="c_D"):  # fixed: it did not vary
        psa.evppi({"g": ["c_trtA", "c_D"]})
    with pytest.raises(parity.ModelError, match="no parameters"):
        psa.evppi({"empty": []})
    with pytest.raises(parity.ModelError, match="lists u_S1 more than once"):
        psa.evppi({"twice": ["u_S1", "c_trtA", "u_S1"]})
    constant = psa.parameters.assign(k=2.0)
    ua = UncertaintyAnalysis(psa.costs, psa.effects, psa.strategies, constant, wtp=[100_000])
    with pytest.raises(parity.ModelError, match="k has the same value in every sample"):
        ua.evppi({"g": ["u_S1", "k"]})


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_bad_willingness_to_pay_raises(psa: PsaResults, bad: float) -> None:
    with pytest.raises(parity.ModelError, match="willingness-to-pay"):
        psa.evppi(["u_S1"], bad)
    for analysis in (psa.ceac, psa.ceaf, psa.expected_loss, psa.evpi):
        with pytest.raises(parity.ModelError, match="willingness-to-pay"):
            analysis([0.0, bad])
    with pytest.raises(parity.ModelError, match="willingness-to-pay"):
        psa.ceac([])


@pytest.mark.parametrize(("maximum", "step"), [(100.0, 0.0), (100.0, -5.0), (-1.0, 10.0), (float("inf"), 1.0)])
def test_bad_wtp_grid_raises(maximum: float, step: float) -> None:
    with pytest.raises(parity.ModelError, match="willingness to pay|willingness-to-pay"):
        default_wtp_grid(maximum, step)


def test_inconsistent_inputs_raise() -> None:
    with pytest.raises(parity.ModelError, match="samples x strategies"):
        UncertaintyAnalysis(np.zeros((10, 2)), np.zeros((10, 3)), ["a", "b"])
    with pytest.raises(parity.ModelError, match="samples x strategies"):
        UncertaintyAnalysis(np.zeros(10), np.zeros(10), ["a"])
    with pytest.raises(parity.ModelError, match="one strategy name"):
        UncertaintyAnalysis(np.zeros((10, 2)), np.zeros((10, 2)), ["a", "b", "c"])
    ua = UncertaintyAnalysis(
        np.zeros((10, 2)), np.ones((10, 2)), ["a", "b"], pd.DataFrame({"x": np.arange(5.0)})
    )
    with pytest.raises(parity.ModelError, match="one row per sample"):
        ua.evppi(["x"], 1.0)
