"""Probabilistic sensitivity analysis: run it, on this machine or over a Dask cluster, and read
its results as tidy tables.

The sampling and the model runs happen in C++ with the GIL released (``core/psa.cpp``); random
numbers come from counter-based streams keyed by (seed, sample, parameter), so the same seed gives
the same numbers on one thread, on many, or split into chunks over Dask workers.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import _core
from .uncertainty import UncertaintyAnalysis

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

#: Samples per Dask task: large enough to amortise scheduling, small enough to balance.
DEFAULT_CHUNK = 2_000


def _progress_bar(total: int, enabled: bool | None) -> tuple[Callable | None, Callable[[], None]]:
    """A tqdm progress callback when tqdm is installed (and wanted), else None."""
    if enabled is False:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, lambda: None
    if enabled is None and total < 20_000:
        return None, lambda: None
    bar = tqdm(total=total, unit="sample", desc="PSA")

    def update(done: int, _total: int) -> bool:
        bar.update(done - bar.n)
        return True

    return update, bar.close


def model_payload(model: "Model") -> dict[str, bytes]:
    """The model as the bytes of its model-folder files, to send to another process."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "model"
        model.to_folder(target)
        return {
            str(p.relative_to(target)): p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()
        }


def model_from_payload(payload: Mapping[str, bytes]) -> "Model":
    """Rebuild a model sent with :func:`model_payload`."""
    from .model import Model

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "model"
        for name, data in payload.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return Model.from_folder(target)


@dataclass(frozen=True)
class PsaChunk:
    """The fields of a :class:`parity._core.PsaOutcomes` as plain Python data, which (unlike the
    C++ object) can be pickled to travel back from a Dask worker."""

    strategies: tuple[str, ...]
    outcomes: tuple[str, ...]
    parameters: tuple[str, ...]
    seed: int
    first_sample: int
    n_samples: int
    parameter_values: np.ndarray
    values: np.ndarray
    complete: bool

    @classmethod
    def of(cls, out: _core.PsaOutcomes) -> "PsaChunk":
        return cls(
            tuple(out.strategies),
            tuple(out.outcomes),
            tuple(out.parameters),
            int(out.seed),
            int(out.first_sample),
            int(out.n_samples),
            np.asarray(out.parameter_values),
            np.asarray(out.values),
            bool(out.complete),
        )


def _run_chunk(
    payload: Mapping[str, bytes], first: int, n: int, seed: int, keep_parameters: bool = True
) -> PsaChunk:
    """One Dask task: a chunk of samples [first, first + n) of the whole PSA."""
    model = model_from_payload(payload)
    return PsaChunk.of(_core.run_psa(model.compile(), n, seed, first, 0, None, keep_parameters))


def check_psa_arguments(n: int, seed: int, threads: int | None) -> None:
    """ModelError for fewer than one sample, a negative seed or a negative thread count."""
    if int(n) < 1:
        raise _core.ModelError(f"a PSA needs at least one sample (n was {n})")
    if int(seed) < 0:
        raise _core.ModelError(f"the seed must be a whole number >= 0 (it was {seed})")
    if threads is not None and int(threads) < 0:
        raise _core.ModelError(f"threads must be >= 1, or 0 or None for every core (it was {threads})")


def run_psa(
    model: "Model",
    n: int = 1000,
    seed: int = 1,
    *,
    threads: int | None = None,
    progress: bool | None = None,
    client: Any = None,
    chunk_size: int = DEFAULT_CHUNK,
    keep_parameters: bool = True,
) -> "PsaResults":
    """Run a probabilistic sensitivity analysis of ``model``.

    Parameters
    ----------
    model
        The model; every parameter with a distribution varies.
    n
        Number of samples (>= 1).
    seed
        Seed of the random streams: the same seed gives identical results however the work is
        split.
    threads
        Worker threads on this machine (default: every core).
    progress
        Show a tqdm progress bar (default: for runs of 20,000 samples or more, when tqdm is
        installed). Ctrl-C stops the run cleanly and raises KeyboardInterrupt.
    client
        A ``dask.distributed.Client``: the samples are split into chunks of ``chunk_size`` and
        spread over its workers; the result is exactly the local one.
    chunk_size
        Samples per Dask task.
    keep_parameters
        Keep every sample's parameter values (needed for EVPPI). A model with thousands of
        varying parameters (Dirichlet transition rows) can set False to keep only outcomes.

    Returns
    -------
    PsaResults
    """
    check_psa_arguments(n, seed, threads)
    compiled = model.compile()
    if client is None:
        callback, close = _progress_bar(int(n), progress)
        try:
            out = _core.run_psa(
                compiled, int(n), int(seed), 0, int(threads or 0), callback, bool(keep_parameters)
            )
        finally:
            close()
        return PsaResults.from_outcomes([out], model)
    if int(chunk_size) < 1:
        raise _core.ModelError(f"chunk_size must be at least 1 (it was {chunk_size})")
    # One sample here first, so that a model the PSA cannot run (no distributions, a bad
    # distribution) fails at once with its own message instead of on every worker.
    _core.run_psa(compiled, 1, int(seed), 0, 1)
    # Scatter the payload as one object: scattering the dict itself would make each file a
    # cluster key named after the file ("parameters.csv"), shared by every model sent to the
    # cluster, so a second model could run on the first model's files.
    [payload] = client.scatter([model_payload(model)], broadcast=True, hash=True)
    starts = list(range(0, int(n), int(chunk_size)))
    sizes = [min(int(chunk_size), int(n) - s) for s in starts]
    count = len(starts)
    futures = client.map(
        _run_chunk, [payload] * count, starts, sizes, [int(seed)] * count,
        [bool(keep_parameters)] * count, pure=False,
    )
    return PsaResults.from_outcomes(client.gather(futures), model)


class PsaResults(UncertaintyAnalysis):
    """Samples and outcomes of a PSA, with the analyses of :class:`UncertaintyAnalysis`.

    Attributes
    ----------
    parameters : pandas.DataFrame
        One row per sample, one column per parameter that varies.
    values : numpy.ndarray
        ``n_samples x strategies x outcomes``: discounted costs by category, QALYs, life-years.
        The cost of the CE plane, CEAC and EVPI sums the categories the model's ``perspective``
        counts (``in_total``, one flag per cost category; all of them when None).
    """

    def __init__(
        self,
        parameters: pd.DataFrame,
        values: np.ndarray,
        strategies: Sequence[str],
        outcomes: Sequence[str],
        *,
        seed: int,
        model_name: str = "",
        currency: str = "GBP",
        price_year: str = "",
        wtp: Sequence[float] = (20000.0, 30000.0),
        in_total: Sequence[bool] | None = None,
    ) -> None:
        self.parameters = parameters
        self.values = values
        self.outcomes = list(outcomes)
        self.seed = seed
        cost_columns = [i for i, o in enumerate(self.outcomes) if o not in ("qalys", "life_years")]
        if in_total is not None:  # the model's perspective: only these categories count
            cost_columns = [i for i, counted in zip(cost_columns, in_total) if counted]
        costs = values[:, :, cost_columns].sum(axis=2)
        super().__init__(
            costs=costs,
            effects=values[:, :, self.outcomes.index("qalys")],
            strategies=strategies,
            parameters=parameters,
            model_name=model_name,
            currency=currency,
            price_year=price_year,
            wtp=wtp,
        )

    @classmethod
    def from_outcomes(
        cls, chunks: Sequence["_core.PsaOutcomes | PsaChunk"], model: "Model"
    ) -> "PsaResults":
        """Join chunks (in sample order) returned by the C++ core (or as :class:`PsaChunk`)."""
        chunks = sorted(chunks, key=lambda c: c.first_sample)
        if not chunks:
            raise _core.ModelError("no PSA chunks to join")
        if not all(c.complete for c in chunks):
            raise _core.ModelError(
                "the PSA was stopped before every sample was run; its outcomes are incomplete"
            )
        first = chunks[0]
        parameters = np.concatenate([c.parameter_values for c in chunks], axis=0)
        values = np.concatenate([c.values for c in chunks], axis=0)
        index = pd.RangeIndex(first.first_sample, first.first_sample + len(parameters), name="sample")
        settings = model.spec.settings
        return cls(
            pd.DataFrame(
                parameters,
                columns=list(first.parameters) if parameters.shape[1] else [],
                index=index,
            ),
            values,
            list(first.strategies),
            list(first.outcomes),
            seed=first.seed,
            model_name=model.name,
            currency=settings.currency,
            price_year=settings.price_year,
            wtp=list(settings.wtp),
            in_total=model.compile().cost_in_total,
        )

    @property
    def n_samples(self) -> int:
        return int(self.values.shape[0])

    def table(self) -> pd.DataFrame:
        """Tidy outcomes: ``sample, strategy, outcome, value``."""
        n, s, o = self.values.shape
        return pd.DataFrame(
            {
                "sample": np.repeat(self.parameters.index.to_numpy(), s * o),
                "strategy": np.tile(np.repeat(self.strategies, o), n),
                "outcome": np.tile(self.outcomes, n * s),
                "value": self.values.reshape(-1),
            }
        )

    def outcome(self, name: str) -> pd.DataFrame:
        """One outcome (a cost category, ``qalys`` or ``life_years``) as samples x strategies."""
        if name not in self.outcomes:
            raise _core.ModelError(f"unknown outcome '{name}'. Outcomes are: {', '.join(self.outcomes)}")
        return pd.DataFrame(
            self.values[:, :, self.outcomes.index(name)],
            columns=self.strategies,
            index=self.parameters.index,
        )

    def to_csv(self, folder: str | os.PathLike) -> list[Path]:
        """Write samples.csv (parameters) and outcomes.csv (tidy outcomes) into ``folder``."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "samples.csv", out / "outcomes.csv"]
        self.parameters.to_csv(written[0])
        self.table().to_csv(written[1], index=False)
        return written
