"""A PSA spread over a Dask cluster of two worker processes equals the local run exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import SICK_SICKER, SICK_SICKER_AGE, edit_file, two_state_model

import parity

try:
    import dask.distributed  # noqa: F401

    MISSING = ""
except ImportError as err:  # pragma: no cover - the test extra installs it
    MISSING = str(err)

pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"dask.distributed cannot be imported ({MISSING}); pip install 'parity[distributed]'",
)


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def assert_same(a: parity.psa.PsaResults, b: parity.psa.PsaResults) -> None:
    assert np.array_equal(a.values, b.values)
    assert np.array_equal(a.parameters.to_numpy(), b.parameters.to_numpy())
    assert a.parameters.index.equals(b.parameters.index)
    assert list(a.parameters.columns) == list(b.parameters.columns)
    assert (a.strategies, a.outcomes, a.seed) == (b.strategies, b.outcomes, b.seed)
    assert (a.model_name, a.currency, a.wtp) == (b.model_name, b.currency, b.wtp)


def test_dask_psa_equals_the_local_psa(client) -> None:
    model = parity.load(SICK_SICKER)
    remote = model.psa(n=3000, seed=5, client=client, chunk_size=700)
    local = model.psa(n=3000, seed=5)
    assert remote.n_samples == 3000
    assert_same(remote, local)
    # ... so the analyses agree too.
    assert remote.evpi(100_000).equals(local.evpi(100_000))


def test_two_models_on_one_cluster_each_run_their_own_files(client, tmp_path: Path) -> None:
    """Each model's files reach the workers under their own key: a second model sent to the
    same cluster must not run on the first model's files (which share the file names)."""
    other = tmp_path / "sick_sicker"
    shutil.copytree(SICK_SICKER, other)
    edit_file(other / "parameters.csv", "c_D,0,", "c_D,500,")  # fixed in the PSA
    first = parity.load(SICK_SICKER).psa(n=500, seed=2, client=client, chunk_size=200)
    second_model = parity.load(other)
    second = second_model.psa(n=500, seed=2, client=client, chunk_size=200)
    assert_same(second, second_model.psa(n=500, seed=2))
    assert not np.array_equal(first.values, second.values)
    age = parity.load(SICK_SICKER_AGE)
    assert_same(age.psa(n=400, seed=2, client=client, chunk_size=150), age.psa(n=400, seed=2))


def test_a_model_without_distributions_fails_before_reaching_the_cluster(client) -> None:
    m = two_state_model(0.1, 5)  # no parameter has a distribution
    with pytest.raises(parity.ModelError, match="distribution"):
        m.psa(100, client=client)
    with pytest.raises(parity.ModelError, match="chunk_size"):
        parity.load(SICK_SICKER).psa(100, client=client, chunk_size=0)
