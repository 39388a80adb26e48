"""Poisoning, end to end in a reduced training configuration (the benchmark's runs, smaller): 3s labelled 8
never change the served model; honest corrections pass the gate and are learnt.

Each defence has an assertion here that fails when that defence alone is off: the rate limit (10 refused),
the review (pending, nothing trained on), the per-client share (178 of 200 accepted examples trained on, and
the one poisoned example the review let through left out), the gate (the careless admin's version refused).
"""
import numpy as np
import pytest

from app.learning.share import cap
from app.recognition.classifier_factory import ClassifierFactory
from benchmarks import poisoning

REDUCED = {"n_variants": 0, "handwriting_variants": 0, "cv_folds": 2}  # real handwriting, no variants


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """(factory, storage folder) of a service whose version 1 is trained without feedback and active."""
    factory = ClassifierFactory(**REDUCED)
    return factory, poisoning.base_service(tmp_path_factory.mktemp("poisoning") / "base", factory)


def test_poisoned_feedback_does_not_change_the_served_model(base, tmp_path):
    factory, folder = base
    outcome = poisoning.poison_run(poisoning.copy_of(folder, tmp_path / "poison", factory), count=200)
    poisoning.report_poison(outcome)
    assert outcome.refused_429 == 10 and 0 < int(outcome.retry_after) <= 60  # 30 a minute from one address
    # the review holds (nearly) every correction of a confident 3; an 8 the model half believed passes at once
    assert outcome.pending >= 190 and outcome.pending + outcome.accepted == 200, (outcome.pending, outcome.accepted)
    # ...and what passed comes from too few clients for the share: no poisoned example is trained on
    assert outcome.used_in_training == 0, f"{outcome.used_in_training} poisoned examples reached training"
    assert outcome.activated  # the version trained without them passes the gate and is served
    assert np.array_equal(outcome.answers_after, outcome.answers_before), "the served model reads 3s and 8s otherwise"
    assert outcome.reference_after == outcome.reference_before


def test_poison_an_admin_accepted_is_refused_by_the_gate(base, tmp_path):
    factory, folder = base
    outcome = poisoning.poison_run(poisoning.copy_of(folder, tmp_path / "careless", factory), count=200,
                                   accept_held=True)
    poisoning.report_poison(outcome)
    # 30 came from the attacker's own address: held to its share; the other 170 each from a new address
    assert outcome.used_in_training == 170 + cap([30] + [1] * 170, 0.05) == 178
    assert not outcome.activated, "the gate let a version trained on 178 poisoned examples be served"
    assert "digit 3" in outcome.gate_message and "quality_gate" not in outcome.gate_message
    assert np.array_equal(outcome.answers_after, outcome.answers_before), "the served model reads 3s and 8s otherwise"
    assert outcome.reference_after == outcome.reference_before


def test_honest_corrections_pass_the_gate_and_are_learnt(base, tmp_path):
    factory, folder = base
    outcome = poisoning.honest_run(poisoning.copy_of(folder, tmp_path / "honest", factory), wanted=30, clients=40)
    poisoning.report_honest(outcome)
    assert outcome.sent == 30 and outcome.used_in_training == 30  # all accepted, none over the share
    assert outcome.activated and outcome.gate_message is None
    assert outcome.before["corrected drawings"] == 0 and outcome.after["corrected drawings"] > 0.8
    assert outcome.after["new drawings of them"] > outcome.before["new drawings of them"]
