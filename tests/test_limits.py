"""Rate limits (Flask-Limiter): 429 rate_limited with Retry-After, per client address, behind trusted proxies,
shared through Redis across instances."""
import socket

import pytest
from sqlalchemy import select

from app import create_app
from app.learning.clients import client_of
from app.storage.records import Feedback
from tests.test_api import error_of, seven_uri
from tests.test_feedback import stored_predictions


def forwarded(address):
    """Headers a proxy sends for a client at ``address`` (documentation addresses: nothing is contacted)."""
    return {"X-Forwarded-For": address}


def give_feedback(client, prediction_ids, headers=None):
    """POST a label for each prediction -> the status codes."""
    return [client.post("/api/feedback", json={"prediction_id": i, "label": 7}, headers=headers).status_code
            for i in prediction_ids]


def assert_rate_limited(response, limit_text):
    assert response.status_code == 429 and error_of(response) == "rate_limited"
    assert limit_text in response.get_json()["error"]["message"]
    assert 0 < int(response.headers["Retry-After"]) <= 60


class TestFeedbackLimit:
    def test_30_a_minute_by_default_then_429_with_retry_after(self, quick_app, quick_client):
        ids = stored_predictions(quick_app, 31)
        assert give_feedback(quick_client, ids[:30]) == [201] * 30
        response = quick_client.post("/api/feedback", json={"prediction_id": ids[30], "label": 7})
        assert_rate_limited(response, "30 per 1 minute")
        with quick_app.extensions["database"].Session() as session:
            assert len(session.scalars(select(Feedback)).all()) == 30  # the refused one is not stored

    def test_the_limit_comes_from_settings_and_counts_every_request(self, quick_app, quick_client):
        quick_app.config["FEEDBACK_RATE_LIMIT"] = "2 per minute"
        assert quick_client.post("/api/feedback", json={"label": 3}).status_code == 400  # bad requests count too
        assert give_feedback(quick_client, stored_predictions(quick_app, 2)) == [201, 429]

    def test_an_empty_setting_turns_it_off(self, quick_app, quick_client):
        quick_app.config["FEEDBACK_RATE_LIMIT"] = ""
        assert give_feedback(quick_client, stored_predictions(quick_app, 40)) == [201] * 40

    def test_x_forwarded_for_is_ignored_without_trusted_proxies(self, quick_app, quick_client):
        quick_app.config["FEEDBACK_RATE_LIMIT"] = "2 per minute"
        ids = stored_predictions(quick_app, 3)
        statuses = [give_feedback(quick_client, [i], forwarded(f"203.0.113.{n}"))[0] for n, i in enumerate(ids)]
        assert statuses == [201, 201, 429]

    def test_other_clients_are_not_affected(self, quick_app):
        quick_app.config["FEEDBACK_RATE_LIMIT"] = "1 per minute"
        ids = stored_predictions(quick_app, 3)
        first, second = quick_app.test_client(), quick_app.test_client()
        first.environ_base["REMOTE_ADDR"], second.environ_base["REMOTE_ADDR"] = "127.0.0.2", "127.0.0.3"
        assert give_feedback(first, ids[:2]) == [201, 429]
        assert give_feedback(second, ids[2:]) == [201]

    def test_headers_say_what_is_left(self, quick_app, quick_client):
        [prediction_id] = stored_predictions(quick_app, 1)
        response = quick_client.post("/api/feedback", json={"prediction_id": prediction_id, "label": 7})
        assert response.headers["X-RateLimit-Limit"] == "30" and response.headers["X-RateLimit-Remaining"] == "29"


@pytest.fixture
def proxied_app(settings, quick_app):
    """A second app on the same storage, behind one trusted proxy (TRUSTED_PROXIES=1)."""
    settings.TRUSTED_PROXIES = 1
    settings.ADMIN_TOKEN = quick_app.config["ADMIN_TOKEN"]
    return create_app(settings)


class TestTrustedProxies:
    def test_each_forwarded_address_is_its_own_client(self, proxied_app):
        proxied_app.config["FEEDBACK_RATE_LIMIT"] = "1 per minute"
        client = proxied_app.test_client()
        ids = stored_predictions(proxied_app, 3)
        assert give_feedback(client, ids[:1], forwarded("203.0.113.1")) == [201]
        assert give_feedback(client, ids[1:2], forwarded("203.0.113.2")) == [201]
        assert give_feedback(client, ids[2:], forwarded("203.0.113.1")) == [429]

    def test_only_the_address_the_proxy_added_counts(self, proxied_app):
        """A client cannot pick its address by sending its own X-Forwarded-For: the proxy appends the real one."""
        proxied_app.config["FEEDBACK_RATE_LIMIT"] = "1 per minute"
        client = proxied_app.test_client()
        ids = stored_predictions(proxied_app, 2)
        assert give_feedback(client, ids[:1], forwarded("198.51.100.7, 203.0.113.9")) == [201]
        assert give_feedback(client, ids[1:], forwarded("198.51.100.8, 203.0.113.9")) == [429]

    def test_an_ipv6_client_is_its_64(self, proxied_app):
        """Rotating through the addresses of one /64 does not reset the limit; the next /64 is another client."""
        proxied_app.config["FEEDBACK_RATE_LIMIT"] = "2 per minute"
        client = proxied_app.test_client()
        ids = stored_predictions(proxied_app, 4)
        assert give_feedback(client, ids[:1], forwarded("2001:db8:1:2::1")) == [201]
        assert give_feedback(client, ids[1:2], forwarded("2001:db8:1:2:ffff:ffff:ffff:fffe")) == [201]
        assert give_feedback(client, ids[2:3], forwarded("2001:db8:1:2:abcd::9")) == [429]
        assert give_feedback(client, ids[3:], forwarded("2001:db8:1:3::1")) == [201]

    def test_an_ipv6_client_is_one_client_across_its_64_for_its_share_of_a_run(self, proxied_app, quick_app):
        """25 clients: one sends 10 confirmations from 10 addresses of its /64 -> still one client, it keeps 1
        (tests/test_share.py: the same with IPv4 clients)."""
        from tests.test_models_api import train
        from tests.test_review import feedback_on

        proxied_app.extensions["classifier_factory"] = quick_app.extensions["classifier_factory"]
        proxied_app.config["FEEDBACK_RATE_LIMIT"] = ""
        client = proxied_app.test_client()
        for n in range(10):
            feedback_on(client, 7, headers=forwarded(f"2001:db8:7:7::{n + 1:x}"))
        for n in range(24):
            feedback_on(client, 7, headers=forwarded(f"2001:db8:{n + 100:x}::1"))
        assert train(client)["samples"]["feedback"] == 25

    def test_feedback_stores_a_keyed_hash_of_the_address(self, proxied_app):
        client = proxied_app.test_client()
        ids = stored_predictions(proxied_app, 3)
        for prediction_id, address in zip(ids, ["203.0.113.1", "203.0.113.2", "203.0.113.1"]):
            give_feedback(client, [prediction_id], forwarded(address))
        with proxied_app.extensions["database"].Session() as session:
            clients = [row.client for row in session.scalars(select(Feedback).order_by(Feedback.id))]
        assert clients[0] == clients[2] != clients[1] and len(clients[0]) == 16
        assert all("203" not in client for client in clients)


class TestPredictLimit:
    def test_off_by_default(self, quick_client):
        assert all(quick_client.post("/api/predict", json={"image": seven_uri()}).status_code == 200
                   for _ in range(40))

    def test_no_limit_no_check_then_checked_once_a_request_when_set(self, quick_app, quick_client, monkeypatch):
        """Off, a prediction never reaches the limiter (its check is ~0.09 ms); set live, each is checked once."""
        limiter, checks = quick_app.extensions["rate_limiter"], []
        check = limiter._check_request_limit
        monkeypatch.setattr(limiter, "_check_request_limit", lambda *a, **k: checks.append(1) or check(*a, **k))
        assert quick_client.post("/api/predict", json={"image": seven_uri()}).status_code == 200 and not checks
        quick_app.config["PREDICT_RATE_LIMIT"] = "5 per minute"
        response = quick_client.post("/api/predict", json={"image": seven_uri()})
        assert response.status_code == 200 and response.headers["X-RateLimit-Remaining"] == "4" and checks == [1]

    def test_configurable_and_shared_with_batches_image_by_image(self, quick_app, quick_client):
        quick_app.config["PREDICT_RATE_LIMIT"] = "5 per minute"
        assert quick_client.post("/api/predict/batch", json={"images": [seven_uri()] * 3}).status_code == 200
        assert quick_client.post("/api/predict", json={"image": seven_uri()}).status_code == 200
        assert quick_client.post("/api/predict", json={"image": seven_uri()}).status_code == 200
        assert_rate_limited(quick_client.post("/api/predict", json={"image": seven_uri()}), "5 per 1 minute")
        response = quick_client.post("/api/predict/batch", json={"images": [seven_uri()]})
        assert_rate_limited(response, "5 per 1 minute")

    def test_feedback_and_predictions_count_separately(self, quick_app, quick_client):
        quick_app.config["PREDICT_RATE_LIMIT"] = "1 per minute"
        quick_app.config["FEEDBACK_RATE_LIMIT"] = "1 per minute"
        assert quick_client.post("/api/predict", json={"image": seven_uri()}).status_code == 200
        assert give_feedback(quick_client, stored_predictions(quick_app, 1)) == [201]


def instance(settings, redis_url, limit="2 per minute"):
    """One more app ("instance") on the same database, with its own limiter and the given REDIS_URL."""
    settings.REDIS_URL = redis_url
    app = create_app(settings)
    app.config["FEEDBACK_RATE_LIMIT"] = limit
    return app


class TestRedis:
    def test_limits_hold_across_instances(self, quick_app, settings, redis_url):
        first, second = instance(settings, redis_url), instance(settings, redis_url)
        ids = stored_predictions(quick_app, 3)
        assert give_feedback(first.test_client(), ids[:1]) == [201]
        assert give_feedback(second.test_client(), ids[1:2]) == [201]
        response = first.test_client().post("/api/feedback", json={"prediction_id": ids[2], "label": 7})
        assert_rate_limited(response, "2 per 1 minute")

    def test_in_memory_each_instance_counts_for_itself(self, quick_app, settings):
        first, second = instance(settings, ""), instance(settings, "")
        ids = stored_predictions(quick_app, 4)
        assert give_feedback(first.test_client(), ids[:2]) == [201, 201]
        assert give_feedback(second.test_client(), ids[2:]) == [201, 201]

    def test_an_unreachable_redis_does_not_fail_requests(self, quick_app, settings):
        with socket.socket() as probe:  # a loopback port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        app = instance(settings, f"redis://127.0.0.1:{port}/0", limit="1 per minute")
        ids = stored_predictions(quick_app, 2)
        assert give_feedback(app.test_client(), ids) == [201, 429]  # limited in memory meanwhile


@pytest.mark.parametrize("address,client", [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2::", "2001:db8:1:2::/64"),
    ("fe80::1%eth0", "fe80::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("unknown", "unknown"),
])
def test_client_of(address, client):
    assert client_of(address) == client
