"""Poisoning benchmark: ``python -m benchmarks.poisoning`` (``make bench-poisoning``).

A fresh service (the shipped training configuration, no feedback) behind one trusted proxy
(TRUSTED_PROXIES=1), copied twice; everything goes through the HTTP API as clients and an admin use it:

- **poison**: one client sends 2,000 canvas drawings of real 3s labelled 8. From one address the rate limit
  stops it after FEEDBACK_RATE_LIMIT, so it puts a new X-Forwarded-For address on every request. Held
  feedback stays unreviewed. Then the admin trains with feedback and activates through the quality gate.
- **poison, careless admin**: the same, but the admin accepts everything held for review, so the poison
  reaches training: the quality gate is what is left.
- **honest**: people correct the real digits the model misreads (right labels, many addresses); the admin
  accepts what was held for review, trains with feedback and activates through the gate.

Prints what the rate limit, the review and the per-client share let through, the gate's decision and the
served model's accuracy on the real 3s and 8s (poison) or on new drawings of the corrected digits (honest),
before and after. Drawings: real digits of the training split only (app.recognition.handwriting); the
validation digits are the reference set. Accuracy on real 3s and 8s: their reference drawings.
"""
import argparse
import shutil
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from app import create_app
from app.recognition.drawings import data_uri, pen_strokes, render_ink, render_strokes
from app.recognition import preprocessing as pp
from app.recognition.classifier_factory import ClassifierFactory
from app.recognition.handwriting import load_real_digits, split_indices
from app.recognition.reference import reference_set
from settings import TestSettings

ADMIN_TOKEN = "bench-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TRUE_DIGIT, POISON_LABEL = 3, 8
SEED = 1717  # drawings of the training digits: another stream than the reference set's
ATTACKER = "203.0.113.66"  # documentation addresses: X-Forwarded-For values only, nothing is contacted
TRAINING_TIMEOUT_S = 3600


@dataclass
class Outcome:
    """What one run did and measured."""

    accept_held: bool
    sent: int
    refused_429: int
    retry_after: str | None
    pending: int
    accepted: int
    used_in_training: int
    version: int
    activated: bool
    gate_message: str | None
    before: dict
    after: dict
    reference_before: float
    reference_after: float
    answers_before: np.ndarray | None = None  # poison runs: the served model's answers on the real 3s and 8s
    answers_after: np.ndarray | None = None


def draw(index, style, seed):
    """Real digit ``index`` drawn on a canvas in ``style`` ("pen" or "ink") from its own seeded stream."""
    image = load_real_digits()[0][index]
    rng = np.random.default_rng([seed, int(style == "ink"), int(index)])
    return render_strokes(pen_strokes(image), rng) if style == "pen" else render_ink(image, rng)


def _encode(items, seed):
    """PNG data URIs and 8x8 features of drawings (index, style): one worker's share."""
    uris, features = [], []
    for index, style in items:
        image = draw(index, style, seed)
        uris.append(data_uri(image))
        features.append(pp.features_from_image(image).ravel())
    return uris, features


def drawings(items, seed=SEED):
    """(data URIs, features (n, 64)) of the drawings ``items`` [(index, style), ...], on every core."""
    return _drawings(tuple(items), seed)


@lru_cache(maxsize=4)
def _drawings(items, seed):
    """``drawings``, kept: both poison runs send the same drawings."""
    shares = [share for share in np.array_split(np.arange(len(items)), 16) if len(share)]
    parts = Parallel(n_jobs=-1)(delayed(_encode)([items[i] for i in share], seed) for share in shares)
    return [u for part in parts for u in part[0]], np.asarray([f for part in parts for f in part[1]], np.uint8)


def training_digits(digit=None):
    """Indices of the real digits of the training split (of ``digit`` only when given)."""
    indices = split_indices()[0]
    return indices if digit is None else indices[load_real_digits()[1][indices] == digit]


class Service:
    """One copy of the service behind a trusted proxy, used over its HTTP API (Flask's test client)."""

    def __init__(self, folder, factory, key="test-signing-key", adopt=None):
        settings = TestSettings(folder)
        settings.ADMIN_TOKEN = ADMIN_TOKEN
        settings.TRUSTED_PROXIES = 1
        settings.MODEL_SIGNING_KEY = key
        if adopt is not None:
            settings.CLASSIFIER_STORAGE = adopt  # a model file signed with ``key``: version 1 of this copy
        self.app = create_app(settings)
        self.app.extensions["classifier_factory"] = lambda: factory
        self.client = self.app.test_client()

    def post(self, path, body, address=None, headers=None):
        headers = dict(headers or {}, **({"X-Forwarded-For": address} if address else {}))
        return self.client.post(path, json=body, headers=headers)

    def model(self, version):
        return self.client.get(f"/api/models/{version}").get_json()

    def train(self):
        """Train a new version with feedback over the API and wait for it -> its model JSON."""
        response = self.post("/api/models", {"include_feedback": True}, headers=ADMIN)
        assert response.status_code == 202, response.get_json()
        version, deadline = response.get_json()["version"], time.monotonic() + TRAINING_TIMEOUT_S
        while (model := self.model(version))["status"] == "training":
            assert time.monotonic() < deadline, f"version {version} still training"
            time.sleep(0.5)
        assert model["status"] == "ready", model["error"]
        return model

    def activate(self, version):
        """Activate through the gate -> (activated, the refusal's message or None)."""
        response = self.post(f"/api/models/{version}/activate", {}, headers=ADMIN)
        assert response.status_code in (200, 409), response.get_json()
        return response.status_code == 200, None if response.status_code == 200 else response.get_json()["error"]["message"]

    def review_pending(self, status):
        """Decide every feedback waiting for review, 500 (the listing's page) at a time."""
        while ids := [item["id"] for item in self.client.get("/api/feedback?status=pending&limit=500",
                                                              headers=ADMIN).get_json()["feedback"]]:
            assert self.post("/api/feedback/review", {"ids": ids, "status": status}, headers=ADMIN).status_code == 200

    def counts(self):
        return self.client.get("/api/feedback?limit=1", headers=ADMIN).get_json()["counts"]

    def served_digits(self, features):
        """What the served (active) version answers for these features."""
        return np.array([p.digit for p in self.app.extensions["classifier_repo"].current().model.predict(features)])

    def reference_overall(self):
        active = self.client.get("/api/models").get_json()["active"]
        return self.model(active)["reference"]["all"]["overall"]


def base_service(folder, factory):
    """A service whose version 1 (no feedback) is trained and active -> its storage folder."""
    service = Service(folder, factory)
    model = service.train()
    assert service.activate(model["version"])[0]
    return folder


def stored_base(folder):
    """A service whose version 1 is the model ``make model`` stored in storage/, when it was trained in the
    shipped configuration without feedback -> its storage folder and signing key; (None, None) otherwise."""
    registry = create_app().extensions["classifier_repo"]
    metadata = registry.current().metadata
    if (metadata.get("samples") or {}).get("feedback") or metadata.get("variants_per_digit") != ClassifierFactory().n_variants:
        return None, None
    key = registry.key.decode()
    Service(folder, None, key=key, adopt=registry.path(metadata["version"]))
    return folder, key


def copy_of(base, folder, factory, key="test-signing-key"):
    """A copy of the base service's storage in ``folder``, served by a new app."""
    shutil.copytree(base, folder)
    return Service(folder, factory, key=key)


def accuracy_by_digit(digits, labels, wanted):
    """{digit: share right} over the drawings of each wanted digit."""
    return {d: round(float((digits[labels == d] == d).mean()), 4) for d in wanted}


def send(service, uris, labels, addresses):
    """POST each drawing as feedback from its address -> (status codes, Retry-After of the first 429)."""
    codes, retry_after = [], None
    for uri, label, address in zip(uris, labels, addresses):
        response = service.post("/api/feedback", {"image": uri, "label": int(label)}, address)
        codes.append(response.status_code)
        if response.status_code == 429 and retry_after is None:
            retry_after = response.headers.get("Retry-After")
    return codes, retry_after


def poison_run(service, count, accept_held=False, from_one_address=40):
    """One client sends ``count`` real 3s labelled 8: first from one address, then a new address each time.
    The feedback held for review stays pending, or (``accept_held``) a careless admin accepts all of it."""
    threes = training_digits(TRUE_DIGIT)
    items = [(int(threes[i % len(threes)]), ("pen", "ink")[(i // len(threes)) % 2]) for i in range(count)]
    uris, _ = drawings(items)
    features, labels = reference_set()["handwriting"]
    judged = np.isin(labels, (TRUE_DIGIT, POISON_LABEL))
    answers_before = service.served_digits(features[judged])
    reference_before = service.reference_overall()

    burst = min(from_one_address, count)
    codes, retry_after = send(service, uris[:burst], [POISON_LABEL] * burst, [ATTACKER] * burst)
    refused = [i for i, code in enumerate(codes) if code == 429]
    rotating = refused + list(range(burst, count))  # the refused ones again, now each from its own address
    addresses = [f"198.18.{n // 250}.{n % 250 + 1}" for n in range(len(rotating))]  # RFC 2544 benchmark range
    more, _ = send(service, [uris[i] for i in rotating], [POISON_LABEL] * len(rotating), addresses)
    assert all(code == 201 for code in more), set(more)
    counts = service.counts()
    if accept_held:
        service.review_pending("accepted")

    model = service.train()
    activated, message = service.activate(model["version"])
    answers_after = service.served_digits(features[judged])
    before, after = (accuracy_by_digit(answers, labels[judged], (TRUE_DIGIT, POISON_LABEL))
                     for answers in (answers_before, answers_after))
    return Outcome(accept_held, count, len(refused), retry_after, counts["pending"], counts["accepted"],
                   model["samples"]["feedback"], model["version"], activated, message, before, after,
                   reference_before, service.reference_overall(), answers_before, answers_after)


def misread(service, wanted, chunk=200):
    """Drawings (pen and ink) of training digits the served model misreads, drawn ``chunk`` digits at a time
    until there are ``wanted`` (or the training digits run out): (uris, features, true labels, source digits)."""
    order = np.random.default_rng(SEED).permutation(training_digits())
    uris, features, truth, sources = [], [], [], []
    for start in range(0, len(order), chunk):
        items = [(int(i), style) for i in order[start:start + chunk] for style in ("pen", "ink")]
        drawn, drawn_features = drawings(items)
        labels = load_real_digits()[1][[index for index, _ in items]]
        for i in np.flatnonzero(service.served_digits(drawn_features) != labels):
            uris.append(drawn[i])
            features.append(drawn_features[i])
            truth.append(labels[i])
            sources.append(items[i][0])
        if len(uris) >= wanted:
            break
    return (uris[:wanted], np.asarray(features[:wanted]), np.asarray(truth[:wanted]),
            sorted(set(sources[:wanted])))


def honest_run(service, wanted, clients):
    """People (``clients`` addresses) send the right labels for ``wanted`` drawings of training digits the
    model misreads; the admin accepts what was held. Measured on the corrected drawings and on new drawings
    of the same digits (another seed), which nobody sent."""
    uris, features, truth, sources = misread(service, wanted)
    fresh_items = [(index, style) for index in sources for style in ("pen", "ink")]
    _, fresh = drawings(fresh_items, seed=SEED + 1)
    fresh_truth = load_real_digits()[1][[index for index, _ in fresh_items]]

    def measure():
        return {"corrected drawings": round(float((service.served_digits(features) == truth).mean()), 4),
                "new drawings of them": round(float((service.served_digits(fresh) == fresh_truth).mean()), 4)}

    before, reference_before = measure(), service.reference_overall()
    codes, _ = send(service, uris, truth, [f"192.0.2.{n % clients + 1}" for n in range(len(uris))])
    assert all(code == 201 for code in codes), set(codes)
    counts = service.counts()
    service.review_pending("accepted")  # the admin checks each held correction: all are right

    model = service.train()
    activated, message = service.activate(model["version"])
    return Outcome(True, len(uris), 0, None, counts["pending"], counts["accepted"], model["samples"]["feedback"],
                   model["version"], activated, message, before, measure(), reference_before,
                   service.reference_overall())


def percent(share):
    return f"{100 * share:.1f} %"


def report_poison(outcome):
    admin = "a careless admin accepts everything held" if outcome.accept_held else "held feedback left unreviewed"
    print(f"\nPoison ({admin}): one client sends {outcome.sent:,} drawings of real {TRUE_DIGIT}s labelled "
          f"{POISON_LABEL}")
    print(f"  rate limit from one address: {outcome.refused_429} of the first requests refused "
          f"(429 rate_limited, Retry-After {outcome.retry_after} s); the rest sent from a new X-Forwarded-For "
          "address each")
    print(f"  review: {outcome.pending:,} held as pending, {outcome.accepted:,} accepted at once "
          "(corrections of answers the model was unsure of)")
    print(f"  per-client share: {outcome.used_in_training:,} feedback examples reached training")
    print(f"  version {outcome.version}: " + ("activated through the gate" if outcome.activated
                                              else f"refused by the gate: {outcome.gate_message}"))
    for digit in (TRUE_DIGIT, POISON_LABEL):
        before, after = outcome.before[digit], outcome.after[digit]
        change = "unchanged" if before == after else f"changed by {100 * (after - before):+.1f} points"
        print(f"  served model on real {digit}s (reference drawings): {percent(before)} -> {percent(after)} ({change})")
    print(f"  served model on the whole reference set: {percent(outcome.reference_before)} -> "
          f"{percent(outcome.reference_after)}")


def report_honest(outcome):
    print(f"\nHonest: people correct {outcome.sent:,} drawings of real digits the model misreads")
    print(f"  review: {outcome.pending:,} held as pending (the admin accepts them), {outcome.accepted:,} accepted "
          "at once")
    print(f"  feedback examples in training: {outcome.used_in_training:,}")
    print(f"  version {outcome.version}: " + ("passes the gate and is activated" if outcome.activated
                                              else f"refused by the gate: {outcome.gate_message}"))
    for name in outcome.before:
        print(f"  served model on the {name}: {percent(outcome.before[name])} -> {percent(outcome.after[name])}")
    print(f"  served model on the whole reference set: {percent(outcome.reference_before)} -> "
          f"{percent(outcome.reference_after)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poison", type=int, default=2000, help="drawings of 3s labelled 8 (default 2,000)")
    parser.add_argument("--honest", type=int, default=60, help="misread drawings people correct (default 60)")
    parser.add_argument("--train-base", action="store_true",
                        help="train the base version here instead of using the model stored in storage/")
    parser.add_argument("--clients", type=int, default=40, help="addresses the honest corrections come from")
    args = parser.parse_args()
    factory = ClassifierFactory()
    with tempfile.TemporaryDirectory(prefix="digits-poisoning-") as root:
        base, key = (None, None) if args.train_base else stored_base(Path(root) / "base")
        if base is None:
            started = time.perf_counter()
            base, key = base_service(Path(root) / "base", factory), "test-signing-key"
            print(f"Base version trained (shipped configuration, no feedback) in {time.perf_counter() - started:.0f} s")
        else:
            print("Base version: the model stored in storage/ (shipped configuration, no feedback)")
        report_poison(poison_run(copy_of(base, Path(root) / "poison", factory, key), args.poison))
        report_poison(poison_run(copy_of(base, Path(root) / "careless", factory, key), args.poison, accept_held=True))
        report_honest(honest_run(copy_of(base, Path(root) / "honest", factory, key), args.honest, args.clients))


if __name__ == "__main__":
    main()
