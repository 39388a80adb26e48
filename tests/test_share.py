"""At most FEEDBACK_CLIENT_SHARE of one training run's feedback examples from any single client."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import create_app
from app.learning.share import cap, keep
from tests.test_models_api import train
from tests.test_review import feedback_on


def brute_force_cap(counts, share):
    """The definition: the largest c with c <= share x sum(min(count, c))."""
    return max(c for c in range(max(counts, default=0) + 1) if c <= share * sum(min(n, c) for n in counts) + 1e-9)


@given(counts=st.lists(st.integers(1, 60), max_size=40), share=st.sampled_from([0.05, 0.1, 0.25, 0.5]))
def test_cap_is_the_largest_that_keeps_every_client_within_its_share(counts, share):
    assert cap(counts, share) == brute_force_cap(counts, share)
    kept = np.minimum(counts, cap(counts, share))
    assert kept.max(initial=0) <= share * kept.sum() + 1e-9


@pytest.mark.parametrize("counts,share,expected", [
    ([2000], 0.05, 0),  # one client alone: nothing
    ([2000] + [1] * 19, 0.05, 1),  # 20 clients: one example each, 5 % apiece
    ([2000] + [1] * 40, 0.05, 2),  # 2 <= 5 % of 42
    ([10] * 20, 0.05, 10),  # twenty equal clients: everything
    ([10] * 19, 0.05, 0),
    ([3, 5], 1.0, 5),  # share 1: no cap
])
def test_cap(counts, share, expected):
    assert cap(counts, share) == expected


def test_keep_takes_each_clients_newest_and_groups_unknown_clients():
    clients = ["a", "a", "a", None, None, "b", "c", "a"] + [f"x{i}" for i in range(12)]
    mask = keep(clients, 0.125)  # 20 rows: a 4, unknown 2, b, c and x0..x11 one each -> cap 2
    assert cap([4, 2] + [1] * 14, 0.125) == 2
    assert [i for i in range(8) if mask[i]] == [2, 3, 4, 5, 6, 7]  # a's two newest, both unknown ones
    assert mask[8:].all()


def test_keep_nothing():
    assert keep([], 0.05).tolist() == []


def test_one_training_run_holds_every_client_to_its_share(settings, quick_app):
    """25 clients behind a trusted proxy: one sends 10 confirmations, 24 send one -> the big one keeps 1."""
    settings.TRUSTED_PROXIES = 1
    settings.ADMIN_TOKEN = quick_app.config["ADMIN_TOKEN"]
    app = create_app(settings)
    app.extensions["classifier_factory"] = quick_app.extensions["classifier_factory"]
    client = app.test_client()
    for _ in range(10):
        feedback_on(client, 7, headers={"X-Forwarded-For": "203.0.113.1"})
    for n in range(24):
        feedback_on(client, 7, headers={"X-Forwarded-For": f"198.51.100.{n}"})
    assert cap([10] + [1] * 24, 0.05) == 1
    assert train(client)["samples"]["feedback"] == 25
    app.config["FEEDBACK_CLIENT_SHARE"] = 0.5
    assert train(client)["samples"]["feedback"] == 34
