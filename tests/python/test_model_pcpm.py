"""The PCPM model (params/pcpm): structure, payers, the staff-cost arithmetic, a two-month
undiscounted run computed by hand from the raw inputs, the targets' measures, and bad input."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from helpers import PARAMS, broken_copy, plain_number_parameters

import parity

FOLDER = PARAMS / "pcpm"
STRATEGIES = ["usual_care", "pcpm"]
SERVICES = ["gp_consultations", "outpatient", "emergency_department", "emergency_admissions"]
MONTH = 1 / 12


@pytest.fixture(scope="module")
def model() -> parity.Model:
    return parity.load(FOLDER)



def mx_at(age: int) -> dict[str, float]:
    """Male and female mx at an age, from the shared ONS file (not the model's reshaped copy)."""
    shared = Path("/work/shared/references/data/ons_national_life_tables_uk.csv")
    source = shared if shared.exists() else FOLDER / "tables" / "ons_nlt_uk_2022_2024_mx.csv"
    with open(source, newline="") as f:
        rows = list(csv.DictReader(f))
    if "sex" in rows[0]:
        return {r["sex"]: float(r["mx"]) for r in rows if int(r["age"]) == age}
    row = next(r for r in rows if int(r["age"]) == age)
    return {"male": float(row["male"]), "female": float(row["female"])}


def annual_use_costs(p: dict[str, float]) -> dict[str, float]:
    """Cost per person-year of each service before referral, by hand."""
    n_ae = p["ae_attendances_england"] / p["population_england"] * p["rr_ae_mh"]
    c_op = p["c_op_2016_17"] * p["nhscii_2024_25"] / p["nhscii_2016_17"]
    return {
        "gp_consultations": p["n_gp_year"] * p["c_gp"],
        "outpatient": p["n_op_year"] * c_op,
        "emergency_department": n_ae * p["c_ae"],
        "emergency_admissions": p["n_adm_year"] * p["c_adm"],
    }


FALL_AFTER = {
    "gp_consultations": "red_gp_after",
    "outpatient": "red_op_after",
    "emergency_department": "red_ae_after",
    "emergency_admissions": "red_adm_after",
}


def test_structure(model: parity.Model) -> None:
    spec = model.spec
    assert [s.name for s in spec.states] == [
        "referred", "in_treatment", "discharged", "relapsed", "dead"]
    assert [s.name for s in spec.strategies] == STRATEGIES
    assert spec.settings.cycle_length == pytest.approx(MONTH)
    assert spec.settings.currency == "GBP" and spec.settings.price_year == "2024/25"
    with open(FOLDER / "settings.csv", newline="") as f:
        settings = {r["setting"]: r["value"] for r in csv.DictReader(f)}
    assert settings["require_sources"] == "true"
    for p in spec.parameters:
        assert p.source.strip(), f"parameter {p.name} has no source"


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("cycle", [0, 11, 35])
def test_transition_rows_are_probabilities(model: parity.Model, strategy: str, cycle: int) -> None:
    matrix = model.transition_matrix(strategy, cycle)
    assert ((matrix.values >= 0) & (matrix.values <= 1)).all()
    np.testing.assert_allclose(matrix.sum(axis=1).values, 1.0, atol=1e-12)
    if strategy == "usual_care":
        assert matrix.loc["referred", "in_treatment"] == 0.0


def test_only_pcpm_patients_are_treated(model: parity.Model) -> None:
    trace = model.run().trace.set_index(["strategy", "cycle"])
    treated = ["in_treatment", "discharged", "relapsed"]
    assert (trace.loc["usual_care", treated].values == 0).all()
    # After three years almost every PCPM patient has been treated (mean wait one month).
    assert trace.loc[("pcpm", 36), "referred"] < 1e-6
    np.testing.assert_allclose(trace.sum(axis=1).values, 1.0, atol=1e-12)


def test_payers_and_cash_releasing(model: parity.Model) -> None:
    categories = {c.name: c for c in model.spec.cost_categories}
    expected = {
        "gp_consultations": ("nhs_primary_care", False),
        "outpatient": ("nhs_acute", False),
        "emergency_department": ("nhs_acute", False),
        "emergency_admissions": ("nhs_acute", False),
        "pcpm_staff": ("nhs_mental_health", True),
        "pcpm_setup": ("nhs_mental_health", True),
    }
    assert set(categories) == set(expected)
    for name, (payer, cash) in expected.items():
        assert categories[name].payer == payer, name
        assert categories[name].cash_releasing is cash, name
    costs = model.run().costs_by_category
    # Running and set-up costs of the service fall on the PCPM strategy only.
    assert costs.loc["usual_care", "pcpm_staff"] == 0 and costs.loc["usual_care", "pcpm_setup"] == 0
    assert costs.loc["pcpm", "pcpm_staff"] > 0 and costs.loc["pcpm", "pcpm_setup"] > 0


def test_staff_cost_caseload_and_cost_per_course(model: parity.Model) -> None:
    p = plain_number_parameters(FOLDER)
    wte = {
        "wte_consultant_psychiatrist": p["c_hour_consultant_psychiatrist"],
        "wte_psychologist_band_8a": p["c_hour_band_8a"],
        "wte_practitioner_band_7": p["c_hour_band_7"],
    }
    staff = p["hours_per_wte_year"] * sum(p[w] * cost for w, cost in wte.items())
    hours_per_course = p["sessions_per_course"] * p["session_hours"] + p["other_hours_per_course"]
    caseload = (sum(p[w] for w in wte) * p["hours_per_wte_year"] * p["clinical_time_share"]
                / hours_per_course)
    v = model.parameter_values()
    assert staff == pytest.approx(1575 * (0.2 * 239 + 82 + 72))  # 317,835 GBP a year
    assert v["staff_cost_year"] == pytest.approx(staff, rel=1e-12)
    assert v["caseload_year"] == pytest.approx(caseload, rel=1e-12)
    assert v["c_course"] == pytest.approx(staff / caseload, rel=1e-12)
    setup = staff * p["setup_staff_months"] / 12 + p["setup_nonpay"]
    assert v["setup_cost_per_course"] == pytest.approx(setup / caseload, rel=1e-12)


def test_two_months_undiscounted_by_hand(model: parity.Model) -> None:
    """Two monthly cycles, no discounting, each month counted at its start: month 0 is everyone
    referred; month 1 has the survivors split by p_start, and the course cost is paid on the
    move into treatment."""
    p = plain_number_parameters(FOLDER)
    v = model.parameter_values()
    mx = mx_at(int(model.spec.settings.start_age))  # month 1 is still in the same year of age
    mx_mix = p["share_female"] * mx["female"] + (1 - p["share_female"]) * mx["male"]
    q = 1 - math.exp(-mx_mix / 12)
    start = 1 - math.exp(-1 / p["wait_months"])
    base = annual_use_costs(p)
    usual = {s: base[s] for s in SERVICES}  # rtm_reduction is 0 in the base case
    during = {s: base[s] * (1 - p["during_effect_share"] * p[FALL_AFTER[s]]) for s in SERVICES}
    to_treatment = (1 - q) * start
    referred_1 = (1 - q) * (1 - start)

    model_2 = parity.load(FOLDER).set(n_cycles=2, discount_rate=0)
    costs = model_2.run().costs_by_category
    for s in SERVICES:
        usual_care = MONTH * usual[s] * (1 + (1 - q))
        assert costs.loc["usual_care", s] == pytest.approx(usual_care, rel=1e-10)
        pcpm = MONTH * usual[s] + MONTH * (referred_1 * usual[s] + to_treatment * during[s])
        assert costs.loc["pcpm", s] == pytest.approx(pcpm, rel=1e-10)
    assert costs.loc["pcpm", "pcpm_staff"] == pytest.approx(to_treatment * v["c_course"], rel=1e-10)
    assert costs.loc["pcpm", "pcpm_setup"] == pytest.approx(
        to_treatment * v["setup_cost_per_course"], rel=1e-10)
    assert v["p_start"] == pytest.approx(start, rel=1e-12)


def test_pcpcs_ratio_measure_by_hand(model: parity.Model) -> None:
    """targets.csv's 'about a third' measure: annual saving after treatment over the PCPCS
    cost per course inflated from 2013/14 to 2024/25."""
    p = plain_number_parameters(FOLDER)
    base = annual_use_costs(p)
    saving = sum(base[s] * p[FALL_AFTER[s]] for s in SERVICES)
    inflation = (1 + p["hchs_pct_2014_15"] / 100) * p["nhscii_2024_25"] / 100
    course = p["c_course_pcpcs_2013_14"] * inflation
    v = model.parameter_values()
    assert v["saving_year_after"] == pytest.approx(saving, rel=1e-12)
    assert v["c_course_pcpcs"] == pytest.approx(course, rel=1e-12)
    assert abs(saving / course - 1 / 3) <= 0.033  # the target's tolerance


def test_first_year_claim_measure(model: parity.Model) -> None:
    """The PCPM ratio (first-year fall in GP, outpatient and A&E costs over staff cost) is below 1
    with the model's inputs (targets.csv: not reproduced), and rises when the course is cheaper."""
    first_year = parity.load(FOLDER).set(n_cycles=12, discount_rate=0)

    def ratio(overrides: dict[str, float] | None = None) -> float:
        c = first_year.run(overrides).costs_by_category
        fall = sum(c.loc["usual_care", s] - c.loc["pcpm", s] for s in SERVICES[:3])
        return fall / c.loc["pcpm", "pcpm_staff"]

    base = ratio()
    assert 0 < base < 1
    # Fall and staff cost are both proportional to the share who start treatment, so the
    # ratio is inversely proportional to the cost per course.
    v = model.parameter_values()
    assert ratio({"c_course": v["c_course"] / 2}) == pytest.approx(2 * base, rel=1e-10)


def test_targets_file_names_known_quantities() -> None:
    with open(FOLDER / "targets.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["expected"] for r in rows} <= {"reproduced", "calibrated", "not reproduced"}
    assert any(r["expected"] == "reproduced" for r in rows)
    names = {p for p in plain_number_parameters(FOLDER)} | set(parity.load(FOLDER).parameter_values().index)
    for r in rows:
        assert r["source"].strip()
        if r["expected"] != "not reproduced" or r["measure"]:
            for token in r["measure"].replace("(", " ").replace(")", " ").split():
                if token.isidentifier() and not token.startswith(("cost_", "payer_")):
                    assert token in names, f"{r['id']}: unknown name {token}"


@pytest.fixture
def broken(tmp_path: Path):
    def make(file: str, old: str, new: str) -> Path:
        return broken_copy(FOLDER, tmp_path / "pcpm_broken", file, old, new)

    return make


def test_probability_above_one_names_file_and_line(broken) -> None:
    folder = broken("transitions.csv", "(1 - p_die) * p_end,", "(1 - p_die) * p_end + 1,")
    with pytest.raises(parity.ModelError) as error:
        parity.load(folder).run()
    message = str(error.value)
    assert "transitions.csv:6" in message
    assert "in_treatment" in message and "discharged" in message
    assert "[0, 1]" in message


def test_negative_waiting_time_is_caught(broken) -> None:
    # p_start = 1 - exp(-1 / wait_months) is negative for a negative wait.
    folder = broken("parameters.csv", "wait_months,1,", "wait_months,-1,")
    with pytest.raises(parity.ModelError) as error:
        parity.load(folder).run()
    assert "referred" in str(error.value) and "in_treatment" in str(error.value)


def test_unknown_payer_is_rejected(broken) -> None:
    folder = broken("cost_categories.csv", "nhs_primary_care,no", "nhs_primary,no")
    with pytest.raises(parity.ParityError) as error:
        parity.load(folder).run()
    assert "cost_categories.csv" in str(error.value) and "nhs_primary" in str(error.value)
