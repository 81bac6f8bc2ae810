"""Probabilistic sensitivity analysis: shapes and columns of the results, bit-identical results
however the samples are split (threads, chunks of the C++ entry point), every sample equal to a
deterministic run at its parameter values, sample moments against the distributions' closed
forms, CSV round trips, progress callbacks and Ctrl-C."""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import SICK_SICKER, SICK_SICKER_AGE, STRATEGIES, two_state_model

import parity
from parity import _core
from parity.psa import PsaChunk, PsaResults

OUTCOMES = ["health_care", "treatment", "qalys", "life_years"]
N = 2000
SEED = 3


@pytest.fixture(scope="module")
def model() -> parity.Model:
    return parity.load(SICK_SICKER)


@pytest.fixture(scope="module")
def psa(model: parity.Model) -> PsaResults:
    """One PSA of params/sick_sicker shared by the tests that only read it."""
    return model.psa(N, SEED)


def distributed_parameters(model: parity.Model) -> list[str]:
    """The parameters with a distribution in parameters.csv, in file order."""
    table = model.parameter_table()
    kind = table["distribution"].str.strip().str.lower()
    return list(table.loc[(kind != "") & (kind != "fixed"), "name"])


# ---- shapes and columns ----------------------------------------------------------------------


def test_parameters_are_one_column_per_distribution_indexed_by_sample(
    model: parity.Model, psa: PsaResults
) -> None:
    names = distributed_parameters(model)
    assert len(names) == 16
    assert list(psa.parameters.columns) == names
    assert psa.parameters.shape == (N, 16)
    assert psa.parameters.index.name == "sample"
    assert list(psa.parameters.index) == list(range(N))
    assert np.all(np.isfinite(psa.parameters.to_numpy()))
    assert psa.n_samples == N
    assert psa.seed == SEED


def test_values_are_samples_by_strategies_by_outcomes(psa: PsaResults) -> None:
    assert psa.values.shape == (N, 4, 4)
    assert psa.strategies == STRATEGIES
    assert psa.outcomes == OUTCOMES
    assert np.all(np.isfinite(psa.values))
    # Costs are the sum of the cost categories; effects are the QALYs.
    np.testing.assert_array_equal(psa.costs, psa.values[:, :, 0] + psa.values[:, :, 1])
    np.testing.assert_array_equal(psa.effects, psa.values[:, :, 2])
    # Treatment costs nothing under standard of care; A does not change survival.
    assert np.all(psa.values[:, 0, 1] == 0)
    np.testing.assert_array_equal(psa.values[:, 0, 3], psa.values[:, 1, 3])
    assert psa.currency == "USD"
    assert psa.wtp == [100000.0]
    assert psa.model_name == "sick_sicker"


def test_parameters_stay_in_their_supports(psa: PsaResults) -> None:
    p = psa.parameters
    utilities = p[[c for c in p.columns if c.startswith("u_")]].to_numpy()
    assert np.all((utilities > 0) & (utilities < 1))
    positive = p[[c for c in p.columns if not c.startswith("u_")]].to_numpy()
    assert np.all(positive > 0)


# ---- reproducibility -------------------------------------------------------------------------


def test_one_thread_and_two_threads_give_bit_identical_results(model: parity.Model) -> None:
    one = model.psa(5000, 11, threads=1)
    two = model.psa(5000, 11, threads=2)
    assert np.array_equal(one.values, two.values)
    assert np.array_equal(one.parameters.to_numpy(), two.parameters.to_numpy())
    again = model.psa(5000, 11, threads=2)
    assert np.array_equal(two.values, again.values)


@pytest.mark.parametrize("k", [1, 777, 1024])
def test_chunks_of_the_core_entry_point_join_to_the_whole_run(
    model: parity.Model, psa: PsaResults, k: int
) -> None:
    compiled = model.compile()
    head = _core.run_psa(compiled, k, SEED, 0, 1)
    tail = _core.run_psa(compiled, N - k, SEED, k, 2)
    assert (head.first_sample, head.n_samples) == (0, k)
    assert (tail.first_sample, tail.n_samples) == (k, N - k)
    assert head.complete and tail.complete
    assert list(tail.parameters) == list(psa.parameters.columns)
    assert np.array_equal(np.concatenate([head.values, tail.values]), psa.values)
    assert np.array_equal(
        np.concatenate([head.parameter_values, tail.parameter_values]), psa.parameters.to_numpy()
    )
    joined = PsaResults.from_outcomes([tail, head], model)  # any order: sorted by first sample
    assert np.array_equal(joined.values, psa.values)
    assert joined.parameters.index.equals(psa.parameters.index)


def test_a_longer_run_starts_with_the_shorter_one(model: parity.Model, psa: PsaResults) -> None:
    longer = model.psa(N + 500, SEED)
    assert np.array_equal(longer.values[:N], psa.values)
    assert np.array_equal(longer.parameters.to_numpy()[:N], psa.parameters.to_numpy())


def test_a_different_seed_gives_different_samples(model: parity.Model, psa: PsaResults) -> None:
    other = model.psa(N, SEED + 1)
    same_cells = other.parameters.to_numpy() == psa.parameters.to_numpy()
    assert same_cells.mean() < 0.001
    assert not np.any(np.all(other.values == psa.values, axis=(1, 2)))
    # ... drawn from the same distributions.
    np.testing.assert_allclose(other.effects.mean(axis=0), psa.effects.mean(axis=0), rtol=0.01)


def test_psa_of_a_chunk_joins_from_plain_chunks(model: parity.Model, psa: PsaResults) -> None:
    """PsaChunk (the picklable form Dask workers send back) joins like the core's objects."""
    compiled = model.compile()
    chunks = [PsaChunk.of(_core.run_psa(compiled, 700, SEED, s, 1)) for s in (0, 700)]
    chunks.append(PsaChunk.of(_core.run_psa(compiled, 600, SEED, 1400, 1)))
    joined = PsaResults.from_outcomes(chunks[::-1], model)
    assert np.array_equal(joined.values, psa.values)
    assert np.array_equal(joined.parameters.to_numpy(), psa.parameters.to_numpy())


# ---- each sample is a model run ---------------------------------------------------------------


@pytest.mark.parametrize("sample", [0, 1, 1234, N - 1])
def test_each_sample_equals_a_run_at_its_parameter_values(
    model: parity.Model, psa: PsaResults, sample: int
) -> None:
    overrides = psa.parameters.loc[sample].to_dict()
    run = model.run(overrides=overrides, keep_trace=False, keep_cycles=False)
    costs = run.costs.pivot(index="strategy", columns="category", values="discounted")
    for k, strategy in enumerate(STRATEGIES):
        expected = [
            costs.loc[strategy, "health_care"],
            costs.loc[strategy, "treatment"],
            run.summary.loc[strategy, "qalys"],
            run.summary.loc[strategy, "life_years"],
        ]
        np.testing.assert_allclose(psa.values[sample, k], expected, rtol=1e-9, atol=1e-9)


def test_psa_means_are_close_to_the_base_case(model: parity.Model) -> None:
    base = model.run(keep_trace=False, keep_cycles=False).summary
    results = model.psa(4000, 21)
    cost = results.costs.mean(axis=0)
    qalys = results.effects.mean(axis=0)
    np.testing.assert_allclose(cost, base.loc[STRATEGIES, "cost"], rtol=0.03)
    # u_H is 1 in the base case but its beta(200, 3) has mean 0.985: QALYs sit a little lower.
    np.testing.assert_allclose(qalys, base.loc[STRATEGIES, "qalys"], rtol=0.02)
    assert np.all(qalys < base.loc[STRATEGIES, "qalys"].to_numpy())


def test_sample_moments_match_the_distributions(model: parity.Model) -> None:
    """Means and standard deviations against closed forms (gamma k*theta, sqrt(k)*theta; beta
    a/(a+b); lognormal exp(mu + s^2/2)), within 4 Monte Carlo standard errors."""
    n = 10_000
    p = model.psa(n, 5, progress=False).parameters

    def check(name: str, mean: float, sd: float) -> None:
        assert abs(p[name].mean() - mean) < 4 * sd / math.sqrt(n), name
        # The sample sd has standard error about sd / sqrt(2n) for near-normal data.
        assert abs(p[name].std() - sd) < 6 * sd / math.sqrt(2 * n), name

    check("r_HS1", 30 / 200, math.sqrt(30) / 200)  # gamma(shape=30, rate=200)
    check("c_H", 100 * 20, math.sqrt(100) * 20)  # gamma(shape=100, scale=20)
    a, b = 200, 3  # u_H ~ beta(200, 3)
    check("u_H", a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1))))
    mu, s = math.log(10), 0.02  # hr_S2 ~ lognormal(log 10, 0.02)
    check("hr_S2", math.exp(mu + s * s / 2), math.sqrt((math.exp(s * s) - 1) * math.exp(2 * mu + s * s)))
    # Parameters are drawn independently.
    corr = np.corrcoef(p[["r_HS1", "c_H", "u_H", "hr_S2"]].to_numpy(), rowvar=False)
    assert np.all(np.abs(corr[np.triu_indices(4, 1)]) < 4 / math.sqrt(n))


def test_the_age_dependent_model_runs(sick_sicker_age: parity.Model) -> None:
    results = sick_sicker_age.psa(500, 2)
    assert results.values.shape == (500, 4, 4)
    assert results.outcomes == OUTCOMES
    assert np.all(np.isfinite(results.values))
    # r_HD follows a life table (it varies with age), so it has no distribution.
    assert "r_HD" not in results.parameters.columns
    assert {"du_HS1", "ic_HS1", "ic_D"} <= set(results.parameters.columns)
    run = sick_sicker_age.run(overrides=results.parameters.loc[7].to_dict(), keep_trace=False, keep_cycles=False)
    np.testing.assert_allclose(results.effects[7], run.summary.loc[STRATEGIES, "qalys"], rtol=1e-9)
    np.testing.assert_allclose(results.costs[7], run.summary.loc[STRATEGIES, "cost"], rtol=1e-9)


# ---- tables and files ------------------------------------------------------------------------


def test_table_is_tidy(psa: PsaResults) -> None:
    table = psa.table()
    assert list(table.columns) == ["sample", "strategy", "outcome", "value"]
    assert len(table) == N * 4 * 4
    assert not table.duplicated(["sample", "strategy", "outcome"]).any()
    row = table[(table["sample"] == 5) & (table["strategy"] == "B") & (table["outcome"] == "qalys")]
    assert row["value"].tolist() == [psa.values[5, 2, 2]]
    cube = (
        table.set_index(["sample", "strategy", "outcome"])["value"]
        .unstack("outcome")[OUTCOMES]
        .unstack("strategy")
    )
    for k, strategy in enumerate(STRATEGIES):
        for j, outcome in enumerate(OUTCOMES):
            np.testing.assert_array_equal(cube[(outcome, strategy)].to_numpy(), psa.values[:, k, j])


def test_outcome_is_samples_by_strategies(psa: PsaResults) -> None:
    qalys = psa.outcome("qalys")
    assert qalys.shape == (N, 4)
    assert list(qalys.columns) == STRATEGIES
    assert qalys.index.equals(psa.parameters.index)
    np.testing.assert_array_equal(qalys.to_numpy(), psa.effects)
    np.testing.assert_array_equal(psa.outcome("treatment")["B"].to_numpy(), psa.values[:, 2, 1])
    with pytest.raises(parity.ModelError, match="unknown outcome 'cost'.*health_care"):
        psa.outcome("cost")


def test_to_csv_writes_files_that_read_back_equal(psa: PsaResults, tmp_path: Path) -> None:
    written = psa.to_csv(tmp_path / "out")
    assert [p.name for p in written] == ["samples.csv", "outcomes.csv"]
    samples = pd.read_csv(tmp_path / "out" / "samples.csv", index_col="sample")
    pd.testing.assert_frame_equal(samples, psa.parameters, check_exact=True, check_index_type=False)
    outcomes = pd.read_csv(tmp_path / "out" / "outcomes.csv")
    pd.testing.assert_frame_equal(outcomes, psa.table(), check_exact=True)


# ---- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "at least one sample"),
        ({"n": -5}, "at least one sample"),
        ({"n": 10, "seed": -1}, "seed"),
        ({"n": 10, "threads": -2}, "threads"),
    ],
)
def test_bad_arguments_raise_model_error(model: parity.Model, kwargs: dict, message: str) -> None:
    with pytest.raises(parity.ModelError, match=message):
        model.psa(**kwargs)


def test_a_model_without_distributions_cannot_run_a_psa() -> None:
    m = two_state_model(0.1, 5)  # no parameter has a distribution
    with pytest.raises(parity.ModelError, match="distribution"):
        m.psa(10)


def test_a_builder_model_with_a_distribution_runs() -> None:
    m = parity.Model("two_state", n_cycles=20, discount_rate=0.0, correction="start")
    m.states("Alive", parity.Model.dead("Dead"))
    m.strategies("Usual care")
    m.parameter("p_die", 0.1, distribution="beta", distribution_parameters="alpha=10; beta=90")
    m.parameters(c_alive=1000, u_alive=1)
    m.transition("Alive", "Dead", "p_die")
    m.transition("Alive", "Alive", "C")
    m.transition("Dead", "Dead", 1)
    m.reward("Alive", nhs_acute="c_alive", utility="u_alive")
    m.initial(Alive=1)
    results = m.psa(200, 1)
    q = results.parameters["p_die"].to_numpy()
    # Undiscounted, counted at the start of each cycle: QALYs = sum_{t<20} (1 - q)^t.
    np.testing.assert_allclose(results.effects[:, 0], (1 - (1 - q) ** 20) / q, rtol=1e-12)


# ---- progress and Ctrl-C -----------------------------------------------------------------------


def test_progress_callback_sees_nondecreasing_counts_up_to_the_total(model: parity.Model) -> None:
    calls: list[tuple[int, int]] = []
    out = _core.run_psa(model.compile(), 50_000, 1, 0, 1, progress=lambda d, t: calls.append((d, t)))
    assert out.complete
    assert len(calls) >= 1
    done = [d for d, _ in calls]
    assert all(t == 50_000 for _, t in calls)
    assert done == sorted(done)
    assert done[-1] == 50_000
    assert all(0 <= d <= 50_000 for d in done)


def test_progress_callback_returning_false_stops_the_run(model: parity.Model) -> None:
    calls: list[int] = []

    def stop(done: int, total: int) -> bool:
        calls.append(done)
        return False

    out = _core.run_psa(model.compile(), 200_000, 1, 0, 1, progress=stop)
    assert out.complete is False
    assert len(calls) == 1
    assert calls[0] < 200_000
    # A stopped run cannot be turned into results silently.
    with pytest.raises(parity.ModelError, match="stopped"):
        PsaResults.from_outcomes([out], model)


def test_progress_callback_returning_none_keeps_going(model: parity.Model) -> None:
    out = _core.run_psa(model.compile(), 3000, 1, 0, 1, progress=lambda d, t: None)
    assert out.complete


def test_keyboard_interrupt_in_the_callback_reaches_the_caller(model: parity.Model) -> None:
    def interrupt(done: int, total: int) -> bool:
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        _core.run_psa(model.compile(), 200_000, 1, 0, 1, progress=interrupt)
    assert time.monotonic() - started < 5
    # The interpreter and the module still work.
    after = model.psa(300, SEED)
    assert np.all(np.isfinite(after.values))


def test_other_exceptions_in_the_callback_reach_the_caller(model: parity.Model) -> None:
    def broken(done: int, total: int) -> bool:
        raise ValueError("callback broke")

    with pytest.raises(ValueError, match="callback broke"):
        _core.run_psa(model.compile(), 100_000, 1, 0, 2, progress=broken)
    assert model.psa(100, 1).n_samples == 100


def test_sigint_stops_a_long_psa_with_keyboard_interrupt(sick_sicker_age: parity.Model) -> None:
    """A real Ctrl-C: SIGINT arrives while the main thread waits in C++ for the workers."""
    small = sick_sicker_age.psa(200, 1)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.monotonic()
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            # About ten seconds uninterrupted on one thread.
            sick_sicker_age.psa(1_000_000, 1, threads=1, progress=False)
        elapsed = time.monotonic() - started
    finally:
        timer.cancel()
        timer.join()
        signal.signal(signal.SIGINT, previous)
    assert 0.25 < elapsed < 5
    again = sick_sicker_age.psa(200, 1)
    assert np.array_equal(again.values, small.values)


def test_progress_bar_on_stderr(model: parity.Model, capfd: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    model.psa(2000, 1, progress=True)
    err = capfd.readouterr().err
    assert "PSA" in err
    assert "2000/2000" in err


def test_no_progress_bar_when_not_wanted(model: parity.Model, capfd: pytest.CaptureFixture[str]) -> None:
    model.psa(2000, 1, progress=False)
    model.psa(2000, 1)  # the default: a bar only from 20,000 samples
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""
