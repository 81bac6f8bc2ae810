"""Decision trees from Python: the builder against hand calculations, the tree table, folders
read and written back, errors that name the place, and PSA/DSA of a tree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import parity


def screening_tree() -> parity.Model:
    """Two chance levels, payoffs on inner and terminal nodes, two strategies; screening
    lowers the risk of illness (a node override) and costs more at the root (a payoff
    override).

    start (cost 100; screen 150) -> ill p_ill (screen p_ill_screen), cost 50
        ill -> severe 0.4 (cost 1000, qaly 5, life_years 6) | mild C (cost 200, qaly 8, ly 9)
    start -> well C (qaly 10, life_years 10)
    """
    m = parity.Model("screening")
    m.strategies("usual", "screen")
    m.parameter("p_ill", 0.3, source="Assumption: test", distribution="beta",
                distribution_parameters="alpha=30; beta=70")
    m.parameter("p_ill_screen", 0.2, source="Assumption: test", distribution="beta",
                distribution_parameters="alpha=20; beta=80")
    m.parameter("c_screen", 150, source="Assumption: test")
    m.cost_category("nhs_acute", payer="nhs_acute")
    m.node("start", label="Start")
    m.node("ill", parent="start", probability="p_ill", label="Ill")
    m.node("ill", parent="start", probability="p_ill_screen", label="Ill", strategy="screen")
    m.node("severe", parent="ill", probability=0.4)
    m.node("mild", parent="ill", probability="C")
    m.node("well", parent="start", probability="C")
    m.payoff("start", nhs_acute=100)
    m.payoff("start", nhs_acute="c_screen", strategy="screen")
    m.payoff("ill", nhs_acute=50)
    m.payoff("severe", nhs_acute=1000, qaly=5, life_years=6)
    m.payoff("mild", nhs_acute=200, qaly=8, life_years=9)
    m.payoff("well", qaly=10, life_years=10)
    return m


# Reach probabilities: usual ill 0.3, severe 0.12, mild 0.18, well 0.7;
# screen ill 0.2, severe 0.08, mild 0.12, well 0.8.
EXPECTED = {
    "usual": (100 + 0.3 * 50 + 0.12 * 1000 + 0.18 * 200, 0.12 * 5 + 0.18 * 8 + 0.7 * 10,
              0.12 * 6 + 0.18 * 9 + 0.7 * 10),
    "screen": (150 + 0.2 * 50 + 0.08 * 1000 + 0.12 * 200, 0.08 * 5 + 0.12 * 8 + 0.8 * 10,
               0.08 * 6 + 0.12 * 9 + 0.8 * 10),
}


def test_builder_tree_matches_the_hand_calculation() -> None:
    summary = screening_tree().run().summary
    for strategy, (cost, qalys, life_years) in EXPECTED.items():
        assert summary.loc[strategy, "cost"] == pytest.approx(cost, rel=1e-14)
        assert summary.loc[strategy, "qalys"] == pytest.approx(qalys, rel=1e-14)
        assert summary.loc[strategy, "life_years"] == pytest.approx(life_years, rel=1e-14)


def test_tree_table_gives_probabilities_and_expected_payoffs() -> None:
    results = screening_tree().run()
    table = results.tree("screen")
    assert list(table["node"]) == ["start", "ill", "severe", "mild", "well"]
    assert list(table.columns) == [*parity.results.TREE_COLUMNS, "nhs_acute", "qalys", "life_years"]
    row = table.set_index("node")
    assert row.loc["mild", "parent"] == "ill"
    assert row.loc["mild", "probability"] == pytest.approx(0.6)  # the complement
    assert row.loc["mild", "reach_probability"] == pytest.approx(0.12)
    assert row.loc["severe", "nhs_acute"] == pytest.approx(0.08 * 1000)
    assert row.loc["start", "label"] == "Start"
    # The tree's expected payoffs are the totals of a tree without a Markov model.
    totals = table[["nhs_acute", "qalys", "life_years"]].sum()
    assert totals["nhs_acute"] == pytest.approx(results.summary.loc["screen", "cost"])
    assert totals["qalys"] == pytest.approx(results.summary.loc["screen", "qalys"])
    assert set(results.tree()["strategy"]) == {"usual", "screen"}
    with pytest.raises(ValueError, match="unknown strategy 'scren'"):
        results.tree("scren")


def test_a_tree_alone_has_no_trace_or_cycles_and_a_markov_model_no_tree(
    sick_sicker_results: parity.Results,
) -> None:
    results = screening_tree().run()
    assert results.states == []
    assert results.trace.empty and results.cycles.empty
    assert results.table().loc["screen", "status"] in ("frontier", "dominated")
    with pytest.raises(ValueError, match="no decision tree"):
        sick_sicker_results.tree()


def test_a_tree_ending_in_a_markov_model_equals_the_closed_form() -> None:
    q, r, n, p_die = 0.1, 0.035, 30, 0.05
    m = parity.Model("birth", n_cycles=n, correction="start", discount_rate=r)
    m.strategies("only")
    m.states("Alive", parity.Model.dead("Dead"))
    m.transition("Alive", "Dead", q).transition("Alive", "Alive", "C").transition("Dead", "Dead", 1)
    m.reward("Alive", care=1000, utility=0.9)
    m.parameters(p_die=p_die)
    m.node("birth")
    m.node("death", parent="birth", probability="p_die", markov_state="Dead")
    m.node("survival", parent="birth", probability="C", markov_state="Alive")
    m.payoff("birth", care=2500)
    # Present values the analyst computes: 2 years of a utility loss of 0.1 from birth.
    m.payoff("survival", qaly="0 - 0.1 * annuity(0.035, 2)")
    s = m.run().summary.loc["only"]
    a = (1 - q) / (1 + r)
    alive = (1 - p_die) * (1 - a**n) / (1 - a)  # discounted cycles alive, counted at the start
    annuity_2 = 1 + 1 / (1 + r)
    assert s["cost"] == pytest.approx(2500 + 1000 * alive, rel=1e-13)
    assert s["qalys"] == pytest.approx(0.9 * alive - (1 - p_die) * 0.1 * annuity_2, rel=1e-13)
    assert s["life_years"] == pytest.approx(alive, rel=1e-13)


def test_folder_round_trip(tmp_path: Path) -> None:
    model = screening_tree()
    model.to_folder(tmp_path / "tree")
    assert (tmp_path / "tree" / "tree.csv").exists()
    assert (tmp_path / "tree" / "tree_payoffs.csv").exists()
    assert not (tmp_path / "tree" / "states.csv").exists()
    loaded = parity.load(tmp_path / "tree")
    assert "6 tree nodes" not in repr(loaded) and "5 tree nodes" in repr(loaded)
    a, b = model.run().summary, loaded.run().summary
    assert np.array_equal(a.to_numpy(), b.to_numpy())
    assert loaded.run().tree().equals(model.run().tree())


def test_builder_errors_name_the_line_of_the_script_and_the_node() -> None:
    m = screening_tree()
    m.node("other", parent="il", probability=0.1)
    with pytest.raises(parity.ModelError, match=r"test_decision_tree\.py:\d+.*node 'other'.*"
                                                r"unknown parent 'il'.*did you mean 'ill'"):
        m.run()


def test_folder_errors_name_file_line_and_column(tmp_path: Path) -> None:
    screening_tree().to_folder(tmp_path / "tree")
    tree_csv = tmp_path / "tree" / "tree.csv"
    tree_csv.write_text(tree_csv.read_text().replace("severe,ill,0.4", "severe,ill,1.4"))
    with pytest.raises(parity.ModelError, match=r"tree\.csv:5:3.*strategy 'usual'.*"
                                                r"chance node 'ill'.*'severe' is 1\.4"):
        parity.load(tmp_path / "tree").run()
    payoffs = tmp_path / "tree" / "tree_payoffs.csv"
    payoffs.write_text(payoffs.read_text().replace("well,qaly", "well,qualy"))
    with pytest.raises(parity.ModelError, match=r"tree_payoffs\.csv:\d+:3.*unknown category "
                                                r"'qualy'.*did you mean 'qaly'"):
        parity.load(tmp_path / "tree").run()


def test_present_value_functions_reject_bad_arguments() -> None:
    m = screening_tree()
    m.payoff("ill", qaly="annuity(0.035, p_ill - 1)")  # n = -0.7 < 0
    with pytest.raises(parity.ModelError, match=r"annuity\(\): the number of years n = -0\.7"):
        m.run()
    names = [name for name, _ in parity._core.expression_function_help()]
    assert {"discount_factor(r, t)", "annuity(r, n)", "annuity_from(r, start, n)"} <= set(names)


def test_psa_of_a_tree_is_the_same_on_one_and_two_threads() -> None:
    model = screening_tree()
    one = model.psa(200, seed=5, threads=1)
    two = model.psa(200, seed=5, threads=2)
    assert np.array_equal(one.values, two.values)
    # Sample 17 is the model run at its sampled values.
    values = one.parameters.iloc[17].to_dict()
    run = model.run(values).summary
    for k, strategy in enumerate(one.strategies):
        assert one.values[17, k, one.outcomes.index("qalys")] == pytest.approx(
            run.loc[strategy, "qalys"], rel=1e-12
        )
    # Expected QALYs are linear in p_ill: the PSA mean is the run at the mean of p_ill.
    mean_qalys = one.outcome("qalys")["usual"].mean()
    p = one.parameters["p_ill"].mean()
    assert mean_qalys == pytest.approx(p * (0.4 * 5 + 0.6 * 8) + (1 - p) * 10, rel=1e-12)


def test_one_way_sensitivity_of_a_tree() -> None:
    table = parity.dsa.one_way(screening_tree(), "p_ill", [0.1, 0.5], measure="cost",
                               strategy="usual")
    cost = table.set_index("p_ill")["outcome"]
    for p in (0.1, 0.5):
        assert cost[p] == pytest.approx(100 + p * 50 + p * 0.4 * 1000 + p * 0.6 * 200, rel=1e-14)


def test_cli_runs_a_tree_folder_and_writes_the_tree_table(tmp_path: Path) -> None:
    from parity.cli import main

    model = screening_tree()
    model.to_folder(tmp_path / "screening")
    assert main(["run", str(tmp_path / "screening"), "--out", str(tmp_path / "out")]) == 0
    written = pd.read_csv(tmp_path / "out" / "screening" / "tree.csv", keep_default_na=False)
    expected = model.run().tree()
    assert list(written["node"]) == list(expected["node"])
    assert np.allclose(written["nhs_acute"], expected["nhs_acute"], rtol=1e-15)
