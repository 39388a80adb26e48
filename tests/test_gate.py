"""The quality gate on activation: the rule (against the best of the versions that were live), the API (409
quality_gate, force), a slow drift across versions, manage.py models activate and train."""
import copy
import logging

import pytest

from app import commands
from app.exceptions import QualityGateError
from app.learning import gate
from app.recognition.reference import reference_accuracy
from app.storage import versions
from tests.db_fixtures import ADMIN, BOTH_DATABASES
from tests.test_api import error_of
from tests.test_models_api import train

COUNTS = (236,) * 10
MARGIN, Z = 0.005, 2.0


def report(overall=0.97, per_digit=None):
    """A reference report as reference_accuracy gives it (only the part the gate reads matters here)."""
    per_digit = list(per_digit or [overall] * 10)
    return {"all": {"overall": overall, "per_digit": per_digit}}


def with_digit(share, digit, value):
    per_digit = [share] * 10
    per_digit[digit] = value
    return per_digit


class TestRule:
    @pytest.mark.parametrize("candidate,refused", [
        (report(0.97), []),
        (report(0.99), []),  # better is always fine
        (report(0.966), []),  # 0.4 points down overall: within the margin
        (report(0.964), ["overall"]),  # 0.6 points down
        (report(0.97, with_digit(0.97, 3, 0.955)), []),  # 1.5 points on one digit: within its noise
        (report(0.97, with_digit(0.97, 3, 0.94)), ["digit 3"]),  # 3 points: beyond 2 standard errors (~2.5)
        (report(0.95, with_digit(0.97, 8, 0.60)), ["overall", "digit 8"]),
    ])
    def test_shortfalls(self, candidate, refused):
        found = gate.shortfalls(candidate, {1: report(0.97)}, MARGIN, Z, COUNTS)
        assert [shortfall.what for shortfall in found] == refused

    def test_a_digit_read_perfectly_still_allows_a_drawing_or_two(self):
        perfect = {1: report(0.99, with_digit(0.99, 1, 1.0))}
        assert gate.shortfalls(report(0.99, with_digit(0.99, 1, 1 - 2 / 236)), perfect, MARGIN, Z, COUNTS) == []
        [found] = gate.shortfalls(report(0.99, with_digit(0.99, 1, 1 - 4 / 236)), perfect, MARGIN, Z, COUNTS)
        assert found.what == "digit 1"

    @pytest.mark.parametrize("share,allowed", [(0.97, 0.0246), (0.99, 0.0172), (1.0, 0.0117), (0.5, 0.0645)])
    def test_digit_allowance_is_z_standard_errors(self, share, allowed):
        assert gate.digit_allowance(share, 236, MARGIN, Z) == pytest.approx(allowed, abs=2e-4)

    def test_the_margin_is_the_floor(self):
        assert gate.digit_allowance(1.0, 100_000, MARGIN, Z) == MARGIN

    def test_message_has_both_figures(self):
        [found] = gate.shortfalls(report(0.97, with_digit(0.97, 3, 0.5)), {4: report(0.97)}, MARGIN, Z, COUNTS)
        assert str(found) == "digit 3 50.00% vs 97.00% of version 4 (a drop of 47.00 points; 2.46 allowed)"

    def test_each_figure_is_compared_with_the_best_live_version_on_it(self):
        live = {1: report(0.97, with_digit(0.97, 3, 0.99)), 2: report(0.975, with_digit(0.975, 3, 0.96))}
        assert gate.best_of(live)["digit 3"] == (0.99, 1) and gate.best_of(live)["overall"] == (0.975, 2)
        # 2 points below version 2 on digit 3 would pass; 5 below version 1 does not
        [found] = gate.shortfalls(report(0.975, with_digit(0.975, 3, 0.94)), live, MARGIN, Z, COUNTS)
        assert (found.what, found.best, found.version) == ("digit 3", 0.99, 1)
        assert gate.shortfalls(report(0.975, with_digit(0.975, 3, 0.94)), {2: live[2]}, MARGIN, Z, COUNTS) == []

    def test_reference_counts(self):
        counts = gate.digit_counts()
        assert sum(counts) == 2000 + 360  # 1,000 real digits in two styles, 360 held-out load_digits
        assert all(230 <= count <= 240 for count in counts)


def set_reference(app, version, reference):
    with app.extensions["database"].Session() as session:
        versions.set_reference(session, version, reference)


def worse_on_digit(app, version, digit, drop):
    """Version ``version``'s stored reference figures with ``digit`` read ``drop`` worse."""
    with app.extensions["database"].Session() as session:
        reference = copy.deepcopy(versions.get(session, version).reference)
    reference["all"]["per_digit"][digit] -= drop
    return reference


@BOTH_DATABASES
class TestActivation:
    def test_every_version_carries_its_reference_figures(self, quick_app, quick_client):
        trained = train(quick_client, include_feedback=False)
        for model in quick_client.get("/api/models").get_json()["models"]:
            reference = model["reference"]
            assert set(reference) == {"handwriting", "load_digits", "all"}
            assert 0.5 < reference["all"]["overall"] <= 1 and len(reference["all"]["per_digit"]) == 10
        model, _ = quick_app.extensions["classifier_repo"].load(2)
        assert trained["reference"] == reference_accuracy(model)  # what version 2 reads, measured again here

    def test_a_worse_version_is_refused_with_both_figures(self, quick_app, quick_client):
        train(quick_client, include_feedback=False)
        active = quick_client.get("/api/models/1").get_json()["reference"]["all"]["per_digit"][3]
        set_reference(quick_app, 2, worse_on_digit(quick_app, 1, 3, 0.3))
        response = quick_client.post("/api/models/2/activate", headers=ADMIN)
        assert response.status_code == 409 and error_of(response) == "quality_gate"
        message = response.get_json()["error"]["message"]
        assert f"digit 3 {active - 0.3:.2%} vs {active:.2%}" in message and '"force": true' in message
        assert quick_client.get("/api/models").get_json()["active"] == 1

    def test_force_overrides_and_is_logged(self, quick_app, quick_client, caplog):
        train(quick_client, include_feedback=False)
        set_reference(quick_app, 2, worse_on_digit(quick_app, 1, 8, 0.3))
        with caplog.at_level(logging.WARNING, logger="app.learning.gate"):
            response = quick_client.post("/api/models/2/activate", json={"force": True}, headers=ADMIN)
        assert response.status_code == 200 and response.get_json()["active"] is True
        [record] = [r for r in caplog.records if "overridden" in r.getMessage()]
        assert "version 2 activated in place of 1" in record.getMessage() and "digit 8" in record.getMessage()
        assert "127.0.0.1" in record.getMessage()  # who: the admin's address
        # Rolling back to the better version passes the gate.
        assert quick_client.post("/api/models/1/activate", headers=ADMIN).status_code == 200

    def test_a_version_within_the_margin_activates(self, quick_app, quick_client):
        train(quick_client, include_feedback=False)
        set_reference(quick_app, 2, worse_on_digit(quick_app, 1, 5, 0.004))
        assert quick_client.post("/api/models/2/activate", headers=ADMIN).status_code == 200

    def test_a_digit_drifting_down_version_by_version_is_refused(self, quick_app, quick_client):
        """Versions 2, 3, 4, 5 each read digit 3 a little worse than the one before, each step within what the
        gate allows against the active version; the fifth version has lost more than that since version 1."""
        first = quick_client.get("/api/models/1").get_json()["reference"]
        allowed = gate.digit_allowance(first["all"]["per_digit"][3], gate.digit_counts()[3], MARGIN, Z)
        step = 0.3 * allowed  # three steps: 0.9 of the allowance; four: 1.2
        previous, responses = first, []
        for version in range(2, 6):
            assert train(quick_client, include_feedback=False)["version"] == version
            drifted = copy.deepcopy(previous)
            drifted["all"]["per_digit"][3] -= step
            set_reference(quick_app, version, drifted)
            # against the version before it alone, every step passes: what the gate compared with until now
            assert gate.shortfalls(drifted, {version - 1: previous}, MARGIN, Z, gate.digit_counts()) == []
            responses.append(quick_client.post(f"/api/models/{version}/activate", headers=ADMIN))
            previous = drifted
        assert [response.status_code for response in responses] == [200, 200, 200, 409]
        message = responses[-1].get_json()["error"]["message"]
        best = first["all"]["per_digit"][3]
        assert f"digit 3 {best - 4 * step:.2%} vs {best:.2%} of version 1" in message
        assert f"{100 * allowed:.2f} allowed" in message and "active: 4" in message
        assert quick_client.get("/api/models").get_json()["active"] == 4

    def test_versions_never_served_do_not_raise_the_bar(self, quick_app, quick_client):
        """A version trained but never activated (or refused) is not a figure to keep; one forced live is."""
        first = quick_client.get("/api/models/1").get_json()["reference"]
        perfect = {"all": {"overall": 1.0, "per_digit": [1.0] * 10}}
        train(quick_client, include_feedback=False)
        set_reference(quick_app, 2, perfect)  # never activated
        train(quick_client, include_feedback=False)
        set_reference(quick_app, 3, first)
        assert quick_client.post("/api/models/3/activate", headers=ADMIN).status_code == 200
        assert quick_client.post("/api/models/2/activate", json={"force": True}, headers=ADMIN).status_code == 200
        response = quick_client.post("/api/models/3/activate", headers=ADMIN)  # now below live version 2
        assert response.status_code == 409 and "of version 2" in response.get_json()["error"]["message"]

    @pytest.mark.parametrize("force", [1, "yes", None])
    def test_force_must_be_a_bool(self, quick_client, force):
        response = quick_client.post("/api/models/1/activate", json={"force": force}, headers=ADMIN)
        assert response.status_code == 400 and error_of(response) == "invalid_force"

    def test_figures_missing_from_the_row_come_from_the_model_file(self, quick_app, quick_client):
        train(quick_client, include_feedback=False)
        stored = quick_client.get("/api/models/1").get_json()["reference"]
        set_reference(quick_app, 1, None)  # as for a version stored before the figures had a column
        assert quick_client.post("/api/models/2/activate", headers=ADMIN).status_code == 200
        assert quick_client.get("/api/models/1").get_json()["reference"] == stored


@pytest.fixture
def context(quick_app):
    with quick_app.app_context():
        yield quick_app


def test_manage_models_activate_goes_through_the_gate(context, capsys):
    train(context.test_client(), include_feedback=False)
    set_reference(context, 2, worse_on_digit(context, 1, 0, 0.2))
    assert commands.activate(2) == 1
    assert "quality_gate" not in (err := capsys.readouterr().err) and "digit 0" in err and "--force" in err
    assert commands.activate(2, force=True) == 0 and "Version 2 is active" in capsys.readouterr().out


def test_manage_train_activates_only_through_the_gate(context, capsys):
    perfect = {"all": {"overall": 1.0, "per_digit": [1.0] * 10}}
    set_reference(context, 1, perfect)  # no new version can match this: the gate refuses it
    version, metadata, refusal = commands.train_version()
    assert version == 2 and isinstance(refusal, QualityGateError)
    assert context.extensions["classifier_repo"].current().version == 1
    version, _, refusal = commands.train_version(force=True)
    assert version == 3 and refusal is None and context.extensions["classifier_repo"].current().version == 3


def test_manage_models_list_shows_the_reference_figures(context, capsys):
    assert commands.list_models() == 0
    line = capsys.readouterr().out.splitlines()[0]
    reference = context.test_client().get("/api/models/1").get_json()["reference"]["all"]
    assert f"reference {reference['overall']:.2%} [" in line
