"""Property tests on random small models: 2-5 states, random row-stochastic matrices written as
numbers with one "C" (complement) per row, random costs and utilities, settings drawn from the
accepted values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parity

CORRECTIONS = ["start", "end", "half_cycle", "trapezoid", "simpson"]
PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass
class RandomModel:
    model: parity.Model
    n_cycles: int
    cycle_length: float
    states: list[str]
    matrix: np.ndarray  # the probabilities as the engine will see them (C filled in)


@st.composite
def random_models(draw: st.DrawFn, discount_rate: float | None = None) -> RandomModel:
    n = draw(st.integers(2, 5))
    states = [f"s{i}" for i in range(n)]
    n_cycles = draw(st.integers(1, 30))
    cycle_length = draw(st.sampled_from([1.0, 0.5, 1 / 12]))
    rate = discount_rate if discount_rate is not None else draw(st.sampled_from([0.0, 0.035, 0.1]))
    m = parity.Model(
        "random",
        n_cycles=n_cycles,
        cycle_length=cycle_length,
        discount_rate=rate,
        correction=draw(st.sampled_from(CORRECTIONS)),
    )
    m.strategies("S")
    dead = draw(st.booleans())  # make the last state a dead state?
    for i, s in enumerate(states):
        m.state(s, alive=not (dead and i == n - 1))

    weight = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)
    matrix = np.zeros((n, n))
    for i, s in enumerate(states):
        raw = np.array(draw(st.lists(weight, min_size=n, max_size=n)))
        if raw.sum() == 0:
            raw[i] = 1.0
        row = raw / raw.sum()
        c = int(np.argmax(row))  # the largest entry is the complement: the rest sum below 1
        for j, to in enumerate(states):
            if j != c and row[j] > 0:
                m.transition(s, to, float(row[j]))
                matrix[i, j] = float(row[j])
        m.transition(s, states[c], "C")
        matrix[i, c] = 1.0 - sum(matrix[i, j] for j in range(n) if j != c)

    start = np.array(draw(st.lists(weight, min_size=n, max_size=n)))
    if start.sum() == 0:
        start[0] = 1.0
    start = start / start.sum()
    m.initial(**{s: float(x) for s, x in zip(states, start)})

    money = st.floats(0.0, 1e5, allow_nan=False, allow_infinity=False)
    utility = st.floats(-0.5, 1.0, allow_nan=False, allow_infinity=False)
    for s in states:
        m.reward(s, care=draw(money), drugs=draw(money), utility=draw(utility))
    return RandomModel(m, n_cycles, cycle_length, states, matrix)


@PROPERTY_SETTINGS
@given(random_models())
def test_trace_rows_sum_to_one(rm: RandomModel) -> None:
    trace = rm.model.run().trace
    assert len(trace) == rm.n_cycles + 1
    occupancy = trace[rm.states].to_numpy()
    np.testing.assert_allclose(occupancy.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (occupancy >= -1e-15).all()


@PROPERTY_SETTINGS
@given(random_models())
def test_trace_follows_the_matrix(rm: RandomModel) -> None:
    trace = rm.model.run().trace[rm.states].to_numpy()
    np.testing.assert_allclose(trace[1:], trace[:-1] @ rm.matrix, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        rm.model.transition_matrix("S", 0).to_numpy(), rm.matrix, rtol=0, atol=1e-15
    )


@PROPERTY_SETTINGS
@given(random_models())
def test_run_and_rerun_are_identical(rm: RandomModel) -> None:
    first, second = rm.model.run(), rm.model.run()
    for table in ("summary", "costs", "trace", "cycles"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(second, table),
                                      check_exact=True)
    # A fresh compile of the same spec gives the same numbers too.
    fresh = parity.Model.from_spec(rm.model.spec).run()
    pd.testing.assert_frame_equal(first.summary, fresh.summary, check_exact=True)


@PROPERTY_SETTINGS
@given(random_models())
def test_totals_are_the_sum_of_weight_discount_value(rm: RandomModel) -> None:
    results = rm.model.run()
    cycles = results.cycles
    by_hand = (cycles["weight"] * cycles["discount"] * cycles["value"]).groupby(
        [cycles["strategy"], cycles["outcome"]]
    ).sum()
    undiscounted = (cycles["weight"] * cycles["value"]).groupby(
        [cycles["strategy"], cycles["outcome"]]
    ).sum()
    summary = results.summary.loc["S"]
    costs = results.costs.set_index("category")
    scale = 1e-12 * (1 + cycles["value"].abs().max() * (rm.n_cycles + 1))
    for category in ("care", "drugs"):
        assert by_hand["S", category] == pytest.approx(costs.loc[category, "discounted"],
                                                       rel=1e-12, abs=scale)
        assert undiscounted["S", category] == pytest.approx(costs.loc[category, "undiscounted"],
                                                            rel=1e-12, abs=scale)
    for outcome in ("qalys", "life_years"):
        assert by_hand["S", outcome] == pytest.approx(summary[outcome], rel=1e-12, abs=scale)
        assert undiscounted["S", outcome] == pytest.approx(
            summary[f"{outcome}_undiscounted"], rel=1e-12, abs=scale
        )
    assert summary["cost"] == pytest.approx(costs["discounted"].sum(), rel=1e-12, abs=scale)


@PROPERTY_SETTINGS
@given(random_models(discount_rate=0.0))
def test_zero_discount_rate_gives_discounted_equal_to_undiscounted(rm: RandomModel) -> None:
    results = rm.model.run()
    summary = results.summary
    for what in ("cost", "qalys", "life_years"):
        np.testing.assert_array_equal(summary[what], summary[f"{what}_undiscounted"])
    costs = results.costs
    np.testing.assert_array_equal(costs["discounted"], costs["undiscounted"])
    assert (results.cycles["discount"] == 1.0).all()


@PROPERTY_SETTINGS
@given(random_models(), st.sampled_from([0.01, 0.035, 0.1]))
def test_positive_discount_rate_never_increases_totals(rm: RandomModel, rate: float) -> None:
    rm.model.set(discount_rate=rate)
    summary = rm.model.run().summary
    assert (summary["life_years"] <= summary["life_years_undiscounted"] * (1 + 1e-15)).all()
    assert (summary["cost"] <= summary["cost_undiscounted"] * (1 + 1e-15)).all()


@PROPERTY_SETTINGS
@given(random_models())
def test_life_years_are_at_most_the_horizon(rm: RandomModel) -> None:
    results = rm.model.run()
    horizon = rm.n_cycles * rm.cycle_length
    summary = results.summary.loc["S"]
    assert 0 <= summary["life_years_undiscounted"] <= horizon * (1 + 1e-12)
    assert summary["life_years"] <= summary["life_years_undiscounted"] * (1 + 1e-12)
    # Every state's share of the horizon: corrected time spent in it.
    weights = results.cycles.query("outcome == 'life_years'")["weight"].to_numpy()
    trace = results.trace[rm.states].to_numpy()
    time_in_state = weights @ trace * rm.cycle_length
    assert (time_in_state <= horizon * (1 + 1e-12)).all()
    assert time_in_state.sum() == pytest.approx(horizon, rel=1e-12)
