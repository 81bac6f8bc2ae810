"""The SMI smoking-cessation model (params/smi_smoking): structure, payers, hand calculations of
the first cycles from the raw inputs, the published cost-of-illness identities, and bad input."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import PARAMS, edit_file, plain_number_parameters

import parity

FOLDER = PARAMS / "smi_smoking"
STRATEGIES = ["usual_care", "bsc"]


@pytest.fixture(scope="module")
def model() -> parity.Model:
    return parity.load(FOLDER)


@pytest.fixture(scope="module")
def values(model: parity.Model) -> dict[str, float]:
    return dict(model.parameter_values(0))


def life_table_long() -> dict[tuple[int, str], dict[str, float]]:
    """The ONS life table as shipped (long format: one row per age and sex)."""
    with open(FOLDER / "tables" / "ons_national_life_tables_uk.csv", newline="") as f:
        return {
            (int(r["age"]), r["sex"]): {k: float(v) for k, v in r.items() if k not in ("age", "sex")}
            for r in csv.DictReader(f)
        }



def death_probabilities(age: int) -> tuple[float, float]:
    """Smoker and ex-smoker annual death probabilities at ``age``, by hand from the inputs."""
    p = plain_number_parameters(FOLDER)
    table = life_table_long()
    mx = p["p_male"] * table[(age, "male")]["mx"] + (1 - p["p_male"]) * table[(age, "female")]["mx"]
    smr = p["smr_smi"] if age < 75 else p["smr_smi_75plus"]
    rr_ex = 1 + p["f_residual_ex"] * (p["rr_smoker"] - 1)
    m_ns = mx * smr / (p["prev_smoking_smi"] * p["rr_smoker"] + 1 - p["prev_smoking_smi"])
    return 1 - math.exp(-m_ns * p["rr_smoker"]), 1 - math.exp(-m_ns * rr_ex)


def test_life_table_copy_matches_the_shared_file_and_the_wide_table() -> None:
    shared = Path("/work/shared/references/data/ons_national_life_tables_uk.csv")
    if shared.exists():
        assert (FOLDER / "tables" / "ons_national_life_tables_uk.csv").read_bytes() == shared.read_bytes()
    long = life_table_long()
    with open(FOLDER / "tables" / "ons_life_table_uk_2022_2024_by_sex.csv", newline="") as f:
        wide = list(csv.DictReader(f))
    assert [int(r["age"]) for r in wide] == list(range(101))
    for r in wide:
        for sex in ("male", "female"):
            for col in ("mx", "qx"):
                assert float(r[f"{col}_{sex}"]) == long[(int(r["age"]), sex)][col]


def test_structure(model: parity.Model) -> None:
    assert [s.name for s in model.spec.states] == ["S", "Q", "X", "D"]
    assert [s.name for s in model.spec.strategies] == STRATEGIES
    assert {s.name: s.tunnel_length for s in model.spec.states}["Q"] == 2
    settings = model.spec.settings
    assert settings.currency == "GBP" and settings.price_year == "2024/25"
    assert settings.start_age == 46 and settings.n_cycles == 54  # mean SCIMITAR+ age to 100


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("cycle", [0, 1, 28, 29, 53])  # ages 46, 47, 74, 75 (SMR step), 99
def test_transition_rows_sum_to_one(model: parity.Model, strategy: str, cycle: int) -> None:
    matrix = model.transition_matrix(strategy, cycle)
    assert np.allclose(matrix.sum(axis=1), 1.0, atol=1e-12)
    assert (matrix.values >= 0).all()
    p_die_s, p_die_ex = death_probabilities(46 + cycle)
    assert matrix.loc["S", "D"] == pytest.approx(p_die_s, rel=1e-12)
    assert matrix.loc["X", "D"] == pytest.approx(p_die_ex, rel=1e-12)
    # a recent quitter reaches X only from the last tunnel position
    assert matrix.loc["Q[0]", "X"] == 0 and matrix.loc["Q[1]", "Q"] == 0


def test_mortality_split_keeps_the_smi_average_rate(values: dict[str, float]) -> None:
    """The smoker and non-smoker rates average (by SMI smoking prevalence) to smr * ONS rate."""
    prev, rr = values["prev_smoking_smi"], values["rr_smoker"]
    m_ns = values["mx_nonsmoker_smi"]
    assert prev * rr * m_ns + (1 - prev) * m_ns == pytest.approx(
        values["mx_pop"] * values["smr_smi"], rel=1e-12
    )


def test_quit_probability_applies_the_pooled_odds_ratio(values: dict[str, float]) -> None:
    odds = 0.23 / 0.77 * 1.67
    assert values["p_quit_bsc_12m"] == pytest.approx(odds / (1 + odds), rel=1e-12)


def test_costs_fall_to_the_right_payer(model: parity.Model) -> None:
    payers = {c.name: c.payer for c in model.spec.cost_categories}
    assert payers == {"bsc_service": "nhs_mental_health", "smoking_related_disease": "nhs_acute"}
    # neither frees cash: the service is a spend, disease savings free capacity (README)
    assert all(str(c.cash_releasing).lower() in ("no", "false") for c in model.spec.cost_categories)
    costs = model.run().costs_by_category
    assert costs.loc["usual_care", "bsc_service"] == 0
    # the service is paid once, for everyone offered it, counted at the end of year 1
    assert costs.loc["bsc", "bsc_service"] == pytest.approx(12 * 1 * 68 / 1.035, rel=1e-12)
    assert costs.loc["bsc", "smoking_related_disease"] < costs.loc["usual_care", "smoking_related_disease"]


def inflated_cost_per_smoker() -> float:
    index_2009_to_2015 = 1.030 * 1.021 * 1.017 * 1.011 * 1.009
    return 719e6 / 3e6 * index_2009_to_2015 * 1.2951


@pytest.mark.parametrize("strategy,p_quit", [("usual_care", 0.23), ("bsc", None)])
def test_two_undiscounted_cycles_by_hand(strategy: str, p_quit: float | None) -> None:
    """Costs and QALYs of the first two years, undiscounted, from the raw inputs (correction
    `end`: year t is counted by the cohort at point t)."""
    p = plain_number_parameters(FOLDER)
    if p_quit is None:
        odds = p["p_quit_uc_12m"] / (1 - p["p_quit_uc_12m"]) * p["or_bsc"]
        p_quit = odds / (1 + odds)
    c_s = inflated_cost_per_smoker()
    c_ex = p["f_residual_ex"] * c_s
    u_ns, u_s = p["u_smi_nonsmoker"], p["u_smi_nonsmoker"] - p["du_smoking"]
    # point 1
    d_s, d_ex = death_probabilities(46)
    s1 = (1 - d_s) * (1 - p_quit)
    q1 = (1 - d_s) * p_quit  # all at tunnel position 0
    # point 2 (age 47 for the move from 1 to 2)
    d_s, d_ex = death_probabilities(47)
    s2 = s1 * (1 - d_s) * (1 - p["p_quit_background"]) + q1 * (1 - d_ex) * p["p_relapse_recent"]
    q2 = s1 * (1 - d_s) * p["p_quit_background"] + q1 * (1 - d_ex) * (1 - p["p_relapse_recent"])
    service = 12 * 1 * 68 if strategy == "bsc" else 0.0
    cost = service + (s1 + s2) * c_s + (q1 + q2) * c_ex
    qalys = (s1 + s2) * u_s + (q1 + q2) * u_ns

    m = parity.load(FOLDER).set(n_cycles=2)
    summary = m.run().summary
    assert summary.loc[strategy, "cost_undiscounted"] == pytest.approx(cost, rel=1e-9)
    assert summary.loc[strategy, "qalys_undiscounted"] == pytest.approx(qalys, rel=1e-9)
    assert summary.loc[strategy, "life_years_undiscounted"] == pytest.approx(s1 + q1 + s2 + q2, rel=1e-9)


def test_cost_of_illness_identities(values: dict[str, float]) -> None:
    """Wu et al. 2015: GBP 719m + 823m + 797m = 2.34bn, shares 31/35/34%, GBP 240 per smoker."""
    total = values["c_wu_nhs"] + values["c_wu_absenteeism"] + values["c_wu_premature_mortality"]
    assert abs(total - 2.34e9) <= 0.005e9
    for name, share in [("c_wu_nhs", 0.31), ("c_wu_absenteeism", 0.35), ("c_wu_premature_mortality", 0.34)]:
        assert abs(values[name] / total - share) <= 0.005
    assert abs(values["c_smoking_nhs_2009"] - 240) <= 0.5
    assert values["c_smoking_nhs"] == pytest.approx(inflated_cost_per_smoker(), rel=1e-12)


def test_targets_file_is_complete() -> None:
    with open(FOLDER / "targets.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["expected"] in ("reproduced", "calibrated", "not reproduced"), r["id"]
        assert r["source"] and (r["expected"] == "reproduced" or r["notes"]), r["id"]
        float(r["published"]), float(r["tolerance"])


def test_every_parameter_has_a_source() -> None:
    with open(FOLDER / "parameters.csv", newline="") as f:
        for row in csv.DictReader(f):
            assert row["source"].strip(), row["name"]
            if row["unit"].startswith("GBP"):
                assert row["price_year"], f"{row['name']} is a cost without a price year"


def test_probability_above_one_names_file_and_expression(tmp_path: Path) -> None:
    folder = tmp_path / "smi_smoking"
    shutil.copytree(FOLDER, folder)
    edit_file(folder / "parameters.csv", "p_relapse_recent,0.11,", "p_relapse_recent,1.2,")
    # Its unit says probability, so the load refuses it at the cell.
    with pytest.raises(parity.InputError) as err:
        parity.load(folder)
    message = str(err.value)
    assert "parameters.csv:" in message and "'p_relapse_recent' is 1.2" in message
    assert "[0, 1]" in message
