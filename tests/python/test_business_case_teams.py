"""Business cases staffed in whole teams (business_case.csv ``team_capacity``): the staffing plan
worked out by hand, costs per team in the deterministic case, the PSA, the CLI and CSV files,
identical numbers without the key, and bad input naming the file, line and key."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import PARAMS, edit_file
from test_budget_impact import cost, service_model

import parity
from parity import business_case_uncertainty as bcu
from parity.budget_impact import budget_impact, cohort_sizing
from parity.business_case import business_case_inputs, run_business_case
from parity.cli import main
from parity.staffing import staffing_plan

PCPM = PARAMS / "pcpm"
CHESHIRE = "Cheshire and Merseyside"
CHESHIRE_PEOPLE = 2_550_846  # ONS mid-2022, params/reference/ics_populations.csv
TEAM_ROW = "team_capacity,caseload_year,"


def pcpm_copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    folder = tmp_path / "pcpm"
    shutil.copytree(PCPM, folder)
    if old:
        edit_file(folder / "business_case.csv", old, new)
    return folder


def without_teams(tmp_path: Path) -> Path:
    """pcpm with the team_capacity row commented out: the costs are one team's, as before."""
    return pcpm_copy(tmp_path, TEAM_ROW, "# " + TEAM_ROW)


# ---- the staffing plan, by hand -------------------------------------------------------------


def test_staffing_plan_worked_by_hand() -> None:
    # 100/126 -> 1, 250/126 = 1.98 -> 2, 260/126 = 2.06 -> 3: one team added each year.
    plan = staffing_plan([100, 250, 260], 126)
    assert plan.teams == [1, 2, 3]
    assert plan.added == [1, 1, 1]
    assert plan.set_up == 3
    # Demand falls then returns: the third team set up in year 1 is not set up again.
    assert staffing_plan([300, 100, 300], 126).added == [3, 0, 0]
    assert staffing_plan([300, 100, 300], 126).teams == [3, 1, 3]
    # No one in year 1: the first team is still set up in year 1, the second in year 2.
    plan = staffing_plan([0, 130], 126)
    assert (plan.teams, plan.added) == ([0, 2], [1, 1])
    # Exactly two caseloads with a floating-point rounding error (126 x 2 x 0.1 x 10 =
    # 252.00000000000003) are two teams, not three.
    two_caseloads = 126 * 2 * 0.1 * 10
    assert two_caseloads / 126 > 2
    assert staffing_plan([two_caseloads], 126).teams == [2]
    assert staffing_plan([252.001], 126).teams == [3]


def test_costs_per_team_worked_by_hand() -> None:
    # The service model of test_budget_impact.py; a team costs 1,000 a year (mh_service) and
    # 900 to set up (setup, the parameter `setup`). Entrants 100, 250, 260 at 126 a team:
    # teams 1, 2, 3, one set-up a year, so staff 1,000, 2,000, 3,000 and set-up 900 each year
    # above the same case without fixed costs.
    sizing = cohort_sizing(1000, entrants=[100, 250, 260], horizon_years=3)
    args = dict(strategy="service", comparator="usual",
                investment_categories=["mh_service", "setup"])
    plain = budget_impact(service_model(), sizing, **args)
    teams = budget_impact(service_model(), sizing, one_off={"setup": "setup"},
                          recurring={"mh_service": 1000}, team_capacity=126, **args)
    for year, n in zip((1, 2, 3), (1, 2, 3)):
        assert cost(teams, year, "service", "mh_service") - cost(plain, year, "service", "mh_service") \
            == pytest.approx(1000 * n)
        assert cost(teams, year, "service", "setup") == pytest.approx(900)
        assert cost(teams, year, "usual", "acute") == cost(plain, year, "usual", "acute")
    assert list(teams.yearly["teams"]) == [1, 2, 3]
    assert list(teams.yearly["teams_added"]) == [1, 1, 1]
    assert teams.summary["teams"] == 3 and teams.summary["team_capacity"] == 126
    assert teams.summary["total_investment"] == pytest.approx(
        plain.summary["total_investment"] + 1000 * (1 + 2 + 3) + 900 * 3
    )
    # Without a capacity: set-up once in year 1, the recurring cost once a year, no teams.
    once = budget_impact(service_model(), sizing, one_off={"setup": "setup"},
                         recurring={"mh_service": 1000}, **args)
    assert [cost(once, y, "service", "setup") for y in (1, 2, 3)] == pytest.approx([900, 0, 0])
    assert "teams" not in once.yearly.columns and "teams" not in once.summary.index


# ---- pcpm ----------------------------------------------------------------------------------


def test_pcpm_team_capacity_is_the_caseload_at_the_base_case() -> None:
    inputs = business_case_inputs(PCPM)
    values = parity.load(PCPM).parameter_values()
    assert inputs.team_capacity == pytest.approx(values["caseload_year"])
    assert values["caseload_year"] == pytest.approx(2.2 * 1575 * 0.6 / (12.5 * 1 + 4))  # 126


def test_one_team_is_the_case_without_the_key(tmp_path: Path) -> None:
    """Nottingham and Nottinghamshire (116 referrals a year at most) needs one team every year,
    so its numbers are identical with and without team_capacity; without the key nothing has
    changed (the one-team costs of test_budget_impact.py)."""
    with_key = run_business_case(PCPM)
    without = run_business_case(without_teams(tmp_path))
    assert with_key.staffing is not None and without.staffing is None
    assert with_key.staffing.teams == [1] * 5 and with_key.staffing.added == [1, 0, 0, 0, 0]
    pd.testing.assert_frame_equal(with_key.costs, without.costs, check_exact=True)
    pd.testing.assert_series_equal(
        with_key.summary.drop(["team_capacity", "teams"]), without.summary, check_exact=True
    )
    assert list(without.yearly.columns) == [
        "entrants", "investment", "gross_savings", "cash_savings", "wider_benefits",
        "net_budget_impact", "cumulative_net_budget_impact", "discount_factor", "present_value_net_savings",
    ]


def cheshire_hand_figures(tmp_path: Path) -> dict[str, object]:
    """Cheshire and Merseyside worked by hand: 2,550,846 residents x 1 per 10,000 = 255.08
    referrals a year, 127.54 in year 1 (uptake 50%). At 126 a team: 127.54 / 126 = 1.01 -> 2
    teams in year 1, 255.08 / 126 = 2.02 -> 3 teams from year 2; 2 set-ups in year 1 and 1 in
    year 2. Investment = staff cost x 14 team-years + set-up x 3. The savings do not depend on
    the teams (they follow the referrals), so they are those of the one-team case."""
    values = parity.load(PCPM).parameter_values()
    referrals = CHESHIRE_PEOPLE * 1e-4
    assert referrals / 126 == pytest.approx(2.0245, abs=1e-4)
    teams, added = [2, 3, 3, 3, 3], [2, 1, 0, 0, 0]
    one_team = run_business_case(without_teams(tmp_path), ics=CHESHIRE)
    savings = one_team.summary["total_gross_savings"]
    assert one_team.summary["total_investment"] == pytest.approx(
        5 * values["staff_cost_year"] + values["setup_cost_total"]
    )
    investment = sum(teams) * values["staff_cost_year"] + sum(added) * values["setup_cost_total"]
    return {
        "entrants": [referrals * 0.5] + [referrals] * 4, "teams": teams, "added": added,
        "investment": investment, "savings": savings, "roi": (savings - investment) / investment,
        "one_team_roi": one_team.summary["roi"],
    }


def test_cheshire_and_merseyside_staffs_the_demand_in_whole_teams(tmp_path: Path) -> None:
    hand = cheshire_hand_figures(tmp_path)
    case = run_business_case(PCPM, ics=CHESHIRE)
    assert case.sizing.entrants == pytest.approx(hand["entrants"])
    assert case.staffing.teams == hand["teams"] and case.staffing.added == hand["added"]
    assert list(case.yearly["teams"]) == hand["teams"]
    assert case.summary["teams"] == 3
    assert case.summary["total_investment"] == pytest.approx(hand["investment"], rel=1e-12)
    assert case.summary["total_gross_savings"] == pytest.approx(hand["savings"], rel=1e-12)
    assert case.summary["roi"] == pytest.approx(hand["roi"], rel=1e-12)
    # One team for 2.2 times its caseload flatters the ROI (the bug this fixes).
    assert hand["one_team_roi"] == pytest.approx(-0.38, abs=0.01)
    assert hand["roi"] == pytest.approx(-0.77, abs=0.01)


def test_the_cli_prints_the_teams_and_the_hand_roi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hand = cheshire_hand_figures(tmp_path)
    tables = tmp_path / "tables"
    code = main(["business-case", str(PCPM), "--ics", CHESHIRE, "--csv", str(tables)])
    out = capsys.readouterr().out
    assert code == 0
    teams_line = next(line for line in out.splitlines() if "teams in post by year" in line)
    assert "2, 3, 3, 3, 3" in teams_line and "126 people a year" in teams_line and "3 set up" in teams_line
    roi_line = next(line for line in out.splitlines() if "return on investment" in line)
    assert f"{hand['roi']:.1%}" in roi_line
    yearly = pd.read_csv(tables / "yearly.csv")
    assert list(yearly["teams"]) == hand["teams"]
    assert list(yearly["teams_added"]) == hand["added"]
    summary = pd.read_csv(tables / "summary.csv").set_index("measure")["value"]
    assert float(summary["teams"]) == 3
    assert float(summary["team_capacity"]) == pytest.approx(126)


def test_the_psa_pays_the_base_case_teams_in_every_sample(tmp_path: Path) -> None:
    """Same seed, same samples: each sample's staff cost is the one-team case's times the
    teams in post, its set-up the one-team case's year-1 set-up times the teams set up. The
    staff cost itself varies (unit costs and hours with distributions), the teams do not."""
    folder = pcpm_copy(tmp_path / "teams")
    # The shipped staff cost is fixed; give the band 8a hourly cost an (assumed) distribution
    # so that it varies. caseload_year already varies (other_hours_per_course): the teams do not.
    lines = (folder / "parameters.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("c_hour_band_8a,"))
    assert lines[row].endswith(",,")
    lines[row] = lines[row][:-2] + ",gamma,mean=82; se=8"
    (folder / "parameters.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    one_team = tmp_path / "one"
    shutil.copytree(folder, one_team)
    edit_file(one_team / "business_case.csv", TEAM_ROW, "# " + TEAM_ROW)
    teams = bcu.psa(folder, n=8, seed=3, ics=CHESHIRE, progress=False)
    one = bcu.psa(one_team, n=8, seed=3, ics=CHESHIRE, progress=False)
    assert np.ptp(teams.parameters["other_hours_per_course"]) > 0
    c = teams.categories
    staff, setup = c.index("pcpm_staff"), c.index("pcpm_setup")
    per_team = one.cost_values[:, 0, 0, staff]
    assert np.ptp(per_team) > 0  # the staff cost varies across samples
    np.testing.assert_allclose(
        teams.cost_values[:, 0, :, staff], per_team[:, None] * np.array([2, 3, 3, 3, 3]), rtol=1e-12
    )
    np.testing.assert_allclose(
        teams.cost_values[:, 0, :, setup],
        one.cost_values[:, 0, :1, setup] * np.array([2, 1, 0, 0, 0]), rtol=1e-12,
    )
    np.testing.assert_allclose(teams.gross_savings, one.gross_savings, rtol=1e-12)


# ---- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("0", r"business_case.csv:13: 'team_capacity' is 0: a team's capacity must be a positive"),
        ("-126", r"business_case.csv:13: 'team_capacity' is -126: a team's capacity must be a positive"),
        ("nan", r"business_case.csv:13: 'team_capacity' is nan"),
        ("caseload_yr", r"business_case.csv:13: 'team_capacity' 'caseload_yr' is neither a number "
                        r"nor a parameter of the model \(did you mean 'caseload_year'\?\)"),
        ("setup_nonpay - 5000", r"business_case.csv:13: 'team_capacity' 'setup_nonpay - 5000' is neither"),
    ],
)
def test_bad_team_capacity_names_the_file_line_and_key(tmp_path: Path, value: str, message: str) -> None:
    folder = pcpm_copy(tmp_path, TEAM_ROW, f"team_capacity,{value},")
    with pytest.raises(parity.InputError, match=message):
        run_business_case(folder)


def test_a_parameter_of_zero_capacity_names_the_parameter(tmp_path: Path) -> None:
    folder = pcpm_copy(tmp_path, "overrides,c_course=0;", "overrides,clinical_time_share=0; c_course=0;")
    with pytest.raises(parity.InputError,
                       match=r"business_case.csv:13: 'team_capacity' \(parameter caseload_year\) is 0"):
        run_business_case(folder)


def test_capacity_given_in_python_is_checked() -> None:
    sizing = cohort_sizing(1000, entrants=[10], horizon_years=1)
    with pytest.raises(parity.InputError, match="team capacity is inf"):
        budget_impact(service_model(), sizing, strategy="service", comparator="usual",
                      recurring={"mh_service": 1}, team_capacity=math.inf)
