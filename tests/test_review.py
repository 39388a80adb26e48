"""Feedback held for review: the rule, the admin's list and decisions, and training on accepted feedback only."""
import numpy as np
import pytest
from sqlalchemy import select

from app.learning.review import status_for
from app.recognition.model import SOURCES
from app.storage.records import Feedback
from tests.db_fixtures import ADMIN, BOTH_DATABASES
from tests.drawing import ONE, data_uri, draw_strokes
from tests.test_api import error_of, seven_uri
from tests.test_models_api import train


def shares(**votes):
    """Vote shares over the ten digits from {"d3": 0.6, ...}."""
    probabilities = np.zeros(10)
    for name, share in votes.items():
        probabilities[int(name[1:])] = share
    return probabilities


@pytest.mark.parametrize("probabilities,label,status", [
    (shares(d3=1.0), 3, "accepted"),  # a confirmation
    (shares(d3=1.0), 8, "pending"),  # contradicts a unanimous answer
    (shares(d3=0.6, d8=0.4), 8, "pending"),  # contradicts a confident answer (the threshold itself)
    (shares(d3=0.55, d8=0.45), 8, "accepted"),  # corrects an answer the model was unsure about
    (shares(d3=0.4, d5=0.35, d8=0.25), 8, "accepted"),
    (shares(d3=0.5, d5=0.5), 8, "pending"),  # unsure, but 8 got no vote at all
])
def test_status_for(probabilities, label, status):
    assert status_for(probabilities, label, confidence=0.6) == status


def feedback_on(client, label, uri=None, headers=None):
    """Predict ``uri`` (default: a seven), then label it -> (prediction, feedback reply)."""
    prediction = client.post("/api/predict", json={"image": uri or seven_uri()}).get_json()
    response = client.post("/api/feedback", json={"prediction_id": prediction["prediction_id"], "label": label},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    return prediction, response.get_json()


def statuses(app):
    with app.extensions["database"].Session() as session:
        return [row.status for row in session.scalars(select(Feedback).order_by(Feedback.id))]


@BOTH_DATABASES
class TestFeedbackStatus:
    def test_a_confirmation_is_accepted_and_a_contradiction_held(self, quick_app, quick_client):
        prediction, reply = feedback_on(quick_client, 7)
        assert prediction["digit"] == 7 and max(prediction["probabilities"]) >= 0.6
        assert reply["status"] == "accepted"
        assert feedback_on(quick_client, 1)[1]["status"] == "pending"
        assert statuses(quick_app) == ["accepted", "pending"]

    def test_feedback_with_an_image_is_judged_on_its_new_prediction(self, quick_client):
        response = quick_client.post("/api/feedback", json={"image": data_uri(draw_strokes(ONE)), "label": 4})
        assert response.status_code == 201 and response.get_json()["status"] == "pending"


@BOTH_DATABASES
class TestReviewApi:
    def test_listing_needs_the_admin_token(self, quick_client):
        assert quick_client.get("/api/feedback").status_code == 401
        response = quick_client.post("/api/feedback/review", json={"ids": [1], "status": "accepted"})
        assert response.status_code == 401

    def test_pending_feedback_is_listed_with_what_the_model_said(self, quick_client):
        feedback_on(quick_client, 7)
        prediction, reply = feedback_on(quick_client, 1)
        body = quick_client.get("/api/feedback?status=pending", headers=ADMIN).get_json()
        assert body["counts"] == {"pending": 1, "accepted": 1, "rejected": 0}
        [item] = body["feedback"]
        assert item["id"] == reply["id"] and item["prediction_id"] == prediction["prediction_id"]
        assert (item["label"], item["predicted"], item["status"]) == (1, 7, "pending")
        assert item["confidence"] == pytest.approx(max(prediction["probabilities"]), abs=1e-4)
        assert item["input"] == prediction["input"] and len(item["client"]) == 16 and item["reviewed"] is None
        everything = quick_client.get("/api/feedback", headers=ADMIN).get_json()["feedback"]
        assert [row["label"] for row in everything] == [1, 7]  # newest first

    @pytest.mark.parametrize("query,code", [("status=maybe", "invalid_status"), ("limit=0", "invalid_limit"),
                                            ("limit=501", "invalid_limit"), ("limit=x", "invalid_limit")])
    def test_bad_arguments_are_400(self, quick_client, query, code):
        response = quick_client.get(f"/api/feedback?{query}", headers=ADMIN)
        assert response.status_code == 400 and error_of(response) == code

    def test_accept_and_reject(self, quick_app, quick_client):
        ids = [feedback_on(quick_client, label)[1]["id"] for label in (1, 2, 3)]
        response = quick_client.post("/api/feedback/review", json={"ids": ids[:2], "status": "accepted"},
                                     headers=ADMIN)
        assert response.status_code == 200 and response.get_json() == {"reviewed": 2, "status": "accepted"}
        quick_client.post("/api/feedback/review", json={"ids": [ids[2]], "status": "rejected"}, headers=ADMIN)
        assert statuses(quick_app) == ["accepted", "accepted", "rejected"]
        reviewed = quick_client.get("/api/feedback", headers=ADMIN).get_json()["feedback"]
        assert all(item["reviewed"].endswith("Z") for item in reviewed)

    def test_an_unknown_id_changes_nothing(self, quick_app, quick_client):
        [feedback_id] = [feedback_on(quick_client, 1)[1]["id"]]
        response = quick_client.post("/api/feedback/review", json={"ids": [feedback_id, 999], "status": "accepted"},
                                     headers=ADMIN)
        assert response.status_code == 404 and error_of(response) == "unknown_feedback"
        assert "999" in response.get_json()["error"]["message"] and statuses(quick_app) == ["pending"]

    @pytest.mark.parametrize("body,code", [
        ({"ids": [1], "status": "pending"}, "invalid_status"), ({"ids": [1]}, "invalid_status"),
        ({"ids": [], "status": "accepted"}, "invalid_ids"), ({"ids": "1", "status": "accepted"}, "invalid_ids"),
        ({"ids": [True], "status": "accepted"}, "invalid_ids"), ({"ids": [0], "status": "accepted"}, "invalid_ids"),
        ({"ids": list(range(1, 502)), "status": "accepted"}, "invalid_ids"),
    ])
    def test_bad_reviews_are_400(self, quick_client, body, code):
        response = quick_client.post("/api/feedback/review", json=body, headers=ADMIN)
        assert response.status_code == 400 and error_of(response) == code


def trained_feedback(app, version):
    """(label, 8x8 input) of every feedback example model ``version`` was trained on, sorted."""
    model, _ = app.extensions["classifier_repo"].load(version)
    rows = np.flatnonzero(model.sources == SOURCES.index("feedback"))
    return sorted((int(model.labels[i]), model.inputs[i].tolist()) for i in rows)


@BOTH_DATABASES
def test_training_uses_accepted_feedback_only(quick_app, quick_client):
    quick_app.config["FEEDBACK_CLIENT_SHARE"] = 1.0  # one test client: the share is tested in test_share.py
    confirmed, reply = feedback_on(quick_client, 7)
    assert reply["status"] == "accepted"
    contradicted, reply = feedback_on(quick_client, 1)
    assert reply["status"] == "pending", "a 7 the model is sure of, labelled 1, was not held for review"
    pending = reply["id"]
    rejected = feedback_on(quick_client, 2)[1]["id"]
    quick_client.post("/api/feedback/review", json={"ids": [rejected], "status": "rejected"}, headers=ADMIN)
    first = train(quick_client)["version"]
    assert trained_feedback(quick_app, first) == [(7, sum(confirmed["input"], []))], "trained on held feedback"
    quick_client.post("/api/feedback/review", json={"ids": [pending], "status": "accepted"}, headers=ADMIN)
    second = train(quick_client)["version"]
    assert trained_feedback(quick_app, second) == sorted([(7, sum(confirmed["input"], [])),
                                                          (1, sum(contradicted["input"], []))])


def test_stats_leave_rejected_feedback_out(quick_app, quick_client):
    feedback_on(quick_client, 7)
    rejected = feedback_on(quick_client, 3)[1]["id"]
    assert quick_client.get("/api/stats").get_json()["feedback_count"] == 2
    quick_client.post("/api/feedback/review", json={"ids": [rejected], "status": "rejected"}, headers=ADMIN)
    stats = quick_client.get("/api/stats").get_json()
    assert stats["feedback_count"] == 1 and stats["accuracy"] == 1.0

