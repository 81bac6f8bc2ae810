"""parity.Model, the Python builder: the same model built in Python and read from a folder gives
the same numbers; to_folder() round-trips; tunnels, state_time, age with lookup tables and
overrides work."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT, SICK_SICKER, article_weights, two_state_model

import parity


def build_sick_sicker() -> parity.Model:
    """params/sick_sicker written in Python, as a user would."""
    m = parity.Model(
        "sick_sicker",
        n_cycles=75,
        cycle_length=1,
        start_age=25,
        discount_rate=0.03,
        discount_method="discrete",
        discount_rate_scaling="simple",
        correction="simpson",
        currency="USD",
        wtp=[100000],
    )
    m.state("H", label="Healthy", initial=1)
    m.state("S1", label="Sick")
    m.state("S2", label="Sicker")
    m.states(parity.Model.dead("D", label="Dead"))
    for name, label in [("SoC", "Standard of care"), ("A", "Strategy A"), ("B", "Strategy B"),
                        ("AB", "Strategy AB")]:
        m.strategy(name, label)
    m.cost_category("health_care", "Health care")
    m.cost_category("treatment", "Treatment")

    source = "Alarid-Escudero et al., MDM 2023;43(1):3-20, Table 2"
    m.parameter("r_HD", 0.002, unit="1/year", source=source, distribution="gamma",
                distribution_parameters="shape=20; rate=10000")
    m.parameters(r_HS1=0.15, r_S1H=0.5, r_S1S2=0.105, hr_S1=3, hr_S2=10, hr_S1S2_trtB=0.6)
    m.parameters(c_H=2000, c_S1=4000, c_S2=15000, c_D=0, c_trtA=12000, c_trtB=13000)
    m.parameters(u_H=1, u_S1=0.75, u_S2=0.5, u_D=0, u_trtA=0.95)
    m.parameters(r_S1D="r_HD * hr_S1", r_S2D="r_HD * hr_S2")
    for p in ["HS1", "S1H", "S1S2", "HD", "S1D", "S2D"]:
        m.parameter(f"p_{p}", f"rate_to_prob(r_{p})")
    m.parameters(r_S1S2_trtB="r_S1S2 * hr_S1S2_trtB", p_S1S2_trtB="rate_to_prob(r_S1S2_trtB)")

    m.transitions({
        "H": {"H": "(1 - p_HD) * (1 - p_HS1)", "S1": "(1 - p_HD) * p_HS1", "D": "p_HD"},
        "S1": {"H": "(1 - p_S1D) * p_S1H", "S1": "(1 - p_S1D) * (1 - (p_S1H + p_S1S2))",
               "S2": "(1 - p_S1D) * p_S1S2", "D": "p_S1D"},
        "S2": {"S2": "1 - p_S2D", "D": "p_S2D"},
        "D": {"D": 1},
    })
    m.transitions({"S1": {"S1": "(1 - p_S1D) * (1 - (p_S1H + p_S1S2_trtB))",
                          "S2": "(1 - p_S1D) * p_S1S2_trtB"}}, strategy=["B", "AB"])

    for state in ["H", "S1", "S2", "D"]:
        m.reward(state, utility=f"u_{state}", health_care=f"c_{state}")
    m.reward("S1", utility="u_trtA", strategy=["A", "AB"])
    for state in ["S1", "S2"]:
        m.reward(state, treatment="c_trtA", strategy="A")
        m.reward(state, treatment="c_trtB", strategy="B")
        m.reward(state, treatment="c_trtA + c_trtB", strategy="AB")
    return m


def assert_same_results(a: parity.Results, b: parity.Results) -> None:
    """Every table of two results is identical, bit for bit."""
    for table in ("summary", "costs", "trace", "cycles"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table), check_exact=True)
    pd.testing.assert_frame_equal(a.icers(), b.icers(), check_exact=True)


def test_sick_sicker_built_in_python_matches_the_folder() -> None:
    built = build_sick_sicker()
    folder = parity.load(SICK_SICKER)
    assert_same_results(built.run(), folder.run())
    pd.testing.assert_frame_equal(
        built.transition_matrix("B", 0), folder.transition_matrix("B", 0), check_exact=True
    )


def test_sick_sicker_built_in_python_matches_the_folder_with_article_weights() -> None:
    built = build_sick_sicker().set(correction_weights=article_weights())
    folder = parity.load(SICK_SICKER).set(correction_weights=article_weights())
    assert_same_results(built.run(), folder.run())


def test_python_model_written_to_a_folder_reads_back_identically(tmp_path: Path) -> None:
    built = build_sick_sicker()
    built.to_folder(tmp_path / "ss")
    loaded = parity.load(tmp_path / "ss")
    assert_same_results(built.run(), loaded.run())
    pd.testing.assert_frame_equal(built.parameter_table(), loaded.parameter_table())
    table = loaded.parameter_table().set_index("name")
    assert table.loc["r_HD", "distribution_parameters"] == "shape=20; rate=10000"
    assert table.loc["p_S1S2_trtB", "value"] == "rate_to_prob(r_S1S2_trtB)"
    assert [c.name for c in loaded.spec.cost_categories] == ["health_care", "treatment"]


def test_shipped_folder_written_and_read_back_is_identical(tmp_path: Path) -> None:
    original = parity.load(SICK_SICKER)
    original.to_folder(tmp_path / "copy")
    copy = parity.load(tmp_path / "copy")
    assert_same_results(original.run(), copy.run())
    pd.testing.assert_frame_equal(original.parameter_table(), copy.parameter_table())


def test_numbers_keep_every_digit_through_a_folder(tmp_path: Path) -> None:
    m = two_state_model(q=0.1 + 1e-16 * 7, cost=1 / 3)
    m.to_folder(tmp_path / "m")
    loaded = parity.load(tmp_path / "m")
    assert loaded.parameter_values()["c_alive"] == 1 / 3
    assert loaded.parameter_values()["p_die"] == 0.1 + 1e-16 * 7
    assert_same_results(m.run(), loaded.run())


def readme_two_state_example() -> str:
    """The README's "build one in a few lines" code block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    example = [b for b in blocks if "parity.Model(" in b]
    assert len(example) == 1, "README.md should have one code block that builds a Model"
    return example[0]


def test_readme_two_state_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"parity": parity}
    exec(readme_two_state_example(), namespace)
    m = namespace["m"]
    summary = m.run().summary
    # 40 cycles, p_die 0.1, half-cycle correction (the default), 3.5% discounting.
    t = np.arange(41)
    alive = 0.9**t
    weights = np.r_[0.5, np.ones(39), 0.5]
    discount = 1.035**-t
    life_years = float(np.sum(weights * discount * alive))
    assert summary.loc["Usual care", "life_years"] == pytest.approx(life_years, rel=1e-12)
    assert summary.loc["Usual care", "qalys"] == pytest.approx(0.8 * life_years, rel=1e-12)
    assert summary.loc["Usual care", "cost"] == pytest.approx(1000 * life_years, rel=1e-12)
    assert summary.loc["Usual care", "life_years_undiscounted"] == pytest.approx(
        float(np.sum(weights * alive)), rel=1e-12
    )
    # ... and the folder it wrote reads back to the same model.
    loaded = parity.load(tmp_path / "my_model")
    assert loaded.name == "two_state"
    assert_same_results(m.run(), loaded.run())


def tunnel_model() -> parity.Model:
    """Well -> Sick (a 3-cycle tunnel) -> Well or Dead, with recovery and cost that depend
    on the time spent sick."""
    m = parity.Model("tunnel", n_cycles=12, discount_rate=0, correction="start")
    m.state("Well", initial=1)
    m.state("Sick", tunnel_length=3)
    m.states(parity.Model.dead("Dead"))
    m.strategies("S")
    m.parameters(
        p_sick=0.2,
        p_die_sick=0.05,
        p_recover="state_time == 0 ? 0.5 : (state_time == 1 ? 0.3 : 0.1)",
        c_sick="state_time == 0 ? 1000 : 100",
    )
    m.transition("Well", "Sick", "p_sick")
    m.transition("Well", "Well", "C")
    m.transition("Sick", "Well", "p_recover")
    m.transition("Sick", "Dead", "p_die_sick")
    m.transition("Sick", "Sick", "C")
    m.transition("Dead", "Dead", 1)
    m.reward("Sick", nhs="c_sick", utility=0.6)
    m.reward("Well", utility=1)
    return m


def test_tunnel_transition_matrix_has_one_row_per_position() -> None:
    matrix = tunnel_model().transition_matrix("S", 0)
    assert list(matrix.index) == ["Well", "Sick[0]", "Sick[1]", "Sick[2]", "Dead"]
    assert list(matrix.columns) == ["Well", "Sick", "Dead"]
    np.testing.assert_allclose(matrix.loc[["Sick[0]", "Sick[1]", "Sick[2]"], "Well"],
                               [0.5, 0.3, 0.1], rtol=0, atol=0)
    np.testing.assert_allclose(matrix.loc["Sick[1]"].values, [0.3, 0.65, 0.05], atol=1e-15)


def test_tunnel_trace_and_state_time_costs_match_a_hand_computation() -> None:
    results = tunnel_model().run()
    # The expanded chain by hand: positions Well, Sick0, Sick1, Sick2, Dead; staying sick
    # moves to the next position, the last position keeps those who stay.
    recover = [0.5, 0.3, 0.1]
    P = np.zeros((5, 5))
    P[0, 0], P[0, 1] = 0.8, 0.2
    for k in range(3):
        P[1 + k, 0] = recover[k]
        P[1 + k, 4] = 0.05
        P[1 + k, 1 + min(k + 1, 2)] = 1 - recover[k] - 0.05
    P[4, 4] = 1
    m = np.zeros((13, 5))
    m[0, 0] = 1
    for t in range(12):
        m[t + 1] = m[t] @ P
    trace = results.trace
    np.testing.assert_allclose(trace["Well"], m[:, 0], rtol=0, atol=1e-14)
    np.testing.assert_allclose(trace["Sick"], m[:, 1:4].sum(axis=1), rtol=0, atol=1e-14)
    np.testing.assert_allclose(trace["Dead"], m[:, 4], rtol=0, atol=1e-14)
    cycles = results.cycles
    cost = cycles[cycles["outcome"] == "nhs"]["value"].to_numpy()
    np.testing.assert_allclose(cost, 1000 * m[:, 1] + 100 * (m[:, 2] + m[:, 3]), atol=1e-11)
    expected_cost = float(np.sum(cost[:12]))  # start-of-cycle counting: t = 0..11
    assert results.summary.loc["S", "cost"] == pytest.approx(expected_cost, rel=1e-12)


def test_tunnel_model_round_trips_through_a_folder(tmp_path: Path) -> None:
    m = tunnel_model()
    m.to_folder(tmp_path / "t")
    loaded = parity.load(tmp_path / "t")
    assert [s.tunnel_length for s in loaded.spec.states] == [1, 3, 1]
    assert_same_results(m.run(), loaded.run())


LIFE_TABLE = pd.DataFrame(
    {"age": [40, 45, 50, 55], "mx": [0.01, 0.02, 0.04, 0.08], "qx": [0.1, 0.2, 0.3, 0.4]}
)


def age_model(**settings) -> parity.Model:
    m = parity.Model("age", n_cycles=20, start_age=40, discount_rate=0, correction="start")
    m.set(**settings)
    m.states("Alive", parity.Model.dead("Dead"))
    m.strategies("S")
    m.table("lt", LIFE_TABLE, key="age", interpolation="step")
    m.parameters(p_die="rate_to_prob(lt_mx(age))")
    m.transition("Alive", "Dead", "p_die")
    m.transition("Alive", "Alive", "C")
    m.transition("Dead", "Dead", 1)
    m.reward("Alive", utility=1)
    m.initial(Alive=1)
    return m


def test_age_varying_probability_from_a_lookup_table() -> None:
    m = age_model()
    ages = 40 + np.arange(20)
    # step: the value at the largest key not above the age; clamp after 55.
    mx = LIFE_TABLE.set_index("age")["mx"]
    expected = [-np.expm1(-mx[max(k for k in mx.index if k <= a)]) for a in ages]
    got = [m.transition_matrix("S", c).loc["Alive", "Dead"] for c in range(20)]
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    alive = np.cumprod(np.r_[1.0, 1 - np.array(expected)])
    np.testing.assert_allclose(m.run().trace["Alive"], alive, rtol=1e-13)
    assert m.parameter_values(7)["p_die"] == pytest.approx(expected[7], rel=1e-13)


def test_lookup_table_linear_interpolation_and_half_year_cycles() -> None:
    m = parity.Model("age", n_cycles=4, start_age=40, cycle_length=0.5, discount_rate=0)
    m.states("Alive", parity.Model.dead("Dead"))
    m.strategies("S")
    m.table("lt", LIFE_TABLE, key="age", interpolation="linear")
    m.parameters(p_die="lt_qx(age)")
    m.transition("Alive", "Dead", "p_die")
    m.transition("Alive", "Alive", "C")
    m.transition("Dead", "Dead", 1)
    m.initial(Alive=1)
    # age 41.5 at cycle 3 lies 1.5/5 of the way from key 40 (0.1) to key 45 (0.2).
    assert m.transition_matrix("S", 3).loc["Alive", "Dead"] == pytest.approx(0.13, rel=1e-14)


def test_lookup_table_out_of_range_error() -> None:
    m = parity.Model("age", n_cycles=30, start_age=40, discount_rate=0)
    m.states("Alive", parity.Model.dead("Dead"))
    m.strategies("S")
    m.table("lt", LIFE_TABLE, key="age", out_of_range="error")
    m.parameters(p_die="lt_qx(age)")
    m.transition("Alive", "Dead", "p_die")
    m.transition("Alive", "Alive", "C")
    m.transition("Dead", "Dead", 1)
    m.initial(Alive=1)
    assert m.transition_matrix("S", 15).loc["Alive", "Dead"] == 0.4  # age 55: the last key
    with pytest.raises(parity.ModelError, match=r"lt_qx\(56\) is outside table 'lt'"):
        m.run()


def test_age_model_with_table_round_trips_through_a_folder(tmp_path: Path) -> None:
    m = age_model()
    m.to_folder(tmp_path / "a")
    loaded = parity.load(tmp_path / "a")
    assert_same_results(m.run(), loaded.run())
    pd.testing.assert_frame_equal(m.parameter_table(), loaded.parameter_table())


def test_overrides_change_one_run_only(sick_sicker: parity.Model) -> None:
    base = sick_sicker.run().summary
    free_a = sick_sicker.run(overrides={"c_trtA": 0}).summary
    # Without its treatment cost, A costs what SoC costs (same trace, same health care costs).
    assert free_a.loc["A", "cost"] == free_a.loc["SoC", "cost"]
    assert free_a.loc["A", "qalys"] == base.loc["A", "qalys"]
    assert free_a.loc["AB", "cost"] < base.loc["AB", "cost"]
    pd.testing.assert_frame_equal(sick_sicker.run().summary, base, check_exact=True)


def test_override_of_a_rate_flows_into_derived_probabilities(sick_sicker: parity.Model) -> None:
    trace = sick_sicker.run(overrides={"r_HS1": 0.0}).trace
    assert (trace["S1"] == 0).all() and (trace["S2"] == 0).all()
    assert trace["H"].iloc[1] == pytest.approx(np.exp(-0.002), rel=1e-15)


def test_unknown_override_raises_model_error_with_did_you_mean(sick_sicker: parity.Model) -> None:
    with pytest.raises(parity.ModelError, match=r"c_trtAA.*did you mean 'c_trtA'"):
        sick_sicker.run(overrides={"c_trtAA": 1.0})


def test_non_numeric_override_raises_input_error(sick_sicker: parity.Model) -> None:
    with pytest.raises(parity.InputError, match="c_trtA"):
        sick_sicker.run(overrides={"c_trtA": "cheap"})


def test_changing_the_model_after_a_run_recompiles() -> None:
    m = two_state_model(q=0.1)
    before = m.run().summary.loc["Usual care", "life_years"]
    m.set(n_cycles=10)
    after = m.run().summary.loc["Usual care", "life_years"]
    assert after == pytest.approx((1 - 0.9**10) / 0.1, rel=1e-12)
    assert before != after


def test_model_name_and_description_are_settings(tmp_path: Path) -> None:
    m = two_state_model().set(name="renamed", description="A two-state model")
    assert m.name == "renamed"
    m.to_folder(tmp_path / "m")
    loaded = parity.load(tmp_path / "m")
    assert loaded.name == "renamed"
    assert loaded.spec.description == "A two-state model"


def test_large_models_build_in_linear_time() -> None:
    import time

    m = parity.Model("big", n_cycles=2)
    start = time.perf_counter()
    for i in range(5000):
        m.parameter(f"p{i}", 0.5)
    assert time.perf_counter() - start < 2.0
    assert len(m.spec.parameters) == 5000
