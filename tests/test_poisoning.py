"""Poisoning, end to end in a reduced training configuration (the benchmark's runs, smaller): 3s labelled 8
never change the served model; honest corrections pass the gate and are learnt."""
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
    assert outcome.pending + outcome.accepted == 200
    assert outcome.used_in_training == 0 or not outcome.activated
    assert outcome.after == outcome.before and outcome.reference_after == outcome.reference_before


def test_poison_an_admin_accepted_is_refused_by_the_gate(base, tmp_path):
    factory, folder = base
    outcome = poisoning.poison_run(poisoning.copy_of(folder, tmp_path / "careless", factory), count=200,
                                   accept_held=True)
    poisoning.report_poison(outcome)
    # 30 came from the attacker's own address: held to its share; the other 170 each from a new address
    assert outcome.used_in_training == 170 + cap([30] + [1] * 170, 0.05) == 178
    assert not outcome.activated and "digit 3" in outcome.gate_message and "quality_gate" not in outcome.gate_message
    assert outcome.after == outcome.before and outcome.reference_after == outcome.reference_before


def test_honest_corrections_pass_the_gate_and_are_learnt(base, tmp_path):
    factory, folder = base
    outcome = poisoning.honest_run(poisoning.copy_of(folder, tmp_path / "honest", factory), wanted=30, clients=40)
    poisoning.report_honest(outcome)
    assert outcome.sent == 30 and outcome.used_in_training == 30  # all accepted, none over the share
    assert outcome.activated and outcome.gate_message is None
    assert outcome.before["corrected drawings"] == 0 and outcome.after["corrected drawings"] > 0.8
    assert outcome.after["new drawings of them"] > outcome.before["new drawings of them"]
