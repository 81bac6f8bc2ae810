"""Budget impact of decision trees whose payoffs have timing (tree_payoffs.csv from_year and
years): hand-checked budgets through the Python API and the discounted totals against annuity().
The shipped tree's business case is tested in test_business_case_perinatal.py."""

from __future__ import annotations

import pytest
from helpers import budget_cost

import parity
from parity.budget_impact import budget_impact, cohort_sizing


def timed_tree() -> parity.Model:
    """Half of those entering fall ill: care costs 300 over 3 years (100 a year) and the service
    strategy pays 90 at entry; the well half costs 40 in year 2 after entry. Costs at 5%."""
    m = parity.Model("timed", discount_rate=0.05, price_year="2024/25")
    m.strategies("usual", "service")
    m.parameters(c_ill=300, d_ill=3)
    m.node("start")
    m.node("ill", parent="start", probability=0.5)
    m.node("well", parent="start", probability="C")
    m.payoff("ill", care="c_ill", years="d_ill")
    m.payoff("well", care=40, from_year=2)
    m.payoff("start", strategy="service", service=90)
    m.cost_category("care", payer="nhs_acute", cash_releasing=False)
    m.cost_category("service", payer="nhs_mental_health", cash_releasing=False)
    return m




def test_one_entry_cohort_pays_a_three_year_payoff_a_third_a_year() -> None:
    sizing = cohort_sizing(1000, entrants=[1000, 0, 0], horizon_years=3)
    bia = budget_impact(timed_tree(), sizing, strategy="service", comparator="usual")
    # 1000 x 0.5 x 100 a year; the well half's 40 falls in budget year 3 (year 2 after entry).
    assert [budget_cost(bia, y, "usual", "care") for y in (1, 2, 3)] == pytest.approx(
        [50_000, 50_000, 50_000 + 1000 * 0.5 * 40]
    )
    service = [budget_cost(bia, y, "service", "service") for y in (1, 2, 3)]
    assert service == pytest.approx([90_000, 0, 0])
    # The investment is the service; the tree's care costs the same under both strategies.
    assert bia.yearly["investment"].tolist() == pytest.approx([90_000, 0, 0])
    assert bia.yearly["gross_savings"].tolist() == pytest.approx([0, 0, 0])


def test_two_entry_cohorts_each_on_its_own_clock() -> None:
    sizing = cohort_sizing(1000, entrants=[1000, 2000, 0, 0], horizon_years=4)
    bia = budget_impact(timed_tree(), sizing, strategy="service", comparator="usual")
    # Per entrant: care 50, 50, 50 + 20 in its own years 0, 1, 2.
    assert [budget_cost(bia, y, "usual", "care") for y in (1, 2, 3, 4)] == pytest.approx(
        [1000 * 50, 1000 * 50 + 2000 * 50, 1000 * 70 + 2000 * 50, 2000 * 70]
    )
    assert [budget_cost(bia, y, "service", "service") for y in (1, 2, 3, 4)] == pytest.approx(
        [90_000, 180_000, 0, 0]
    )


def test_a_timed_payoff_is_discounted_as_its_annuity() -> None:
    direct = timed_tree().compile().evaluate()
    care = direct.strategies[0].costs[0]
    # The same payoffs as present values, with the engine's annuity() and no timing.
    present = parity.Model("present", discount_rate=0.05)
    present.strategies("usual", "service")
    present.node("start")
    present.node("ill", parent="start", probability=0.5)
    present.node("well", parent="start", probability="C")
    present.payoff("ill", care="100 * annuity(0.05, 3)")
    present.payoff("well", care="40 * discount_factor(0.05, 2)")
    present.cost_category("care", payer="nhs_acute", cash_releasing=False)
    expected = present.compile().evaluate().strategies[0].costs[0]
    assert care == pytest.approx(expected, rel=1e-14)
    assert care == pytest.approx(0.5 * 100 * (1 + 1 / 1.05 + 1 / 1.05**2) + 0.5 * 40 / 1.05**2)
    # Undiscounted, the timed payoffs are their values.
    assert direct.strategies[0].costs_undiscounted[0] == pytest.approx(0.5 * 300 + 0.5 * 40)
