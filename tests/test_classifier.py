"""ClassifierFactory, DigitClassifier and signed model files: training, signing, atomic update.

Serving the stored model (kept in memory, reloads, damaged files) is tested in test_classifier_repo.py.
"""
import os
import pickle
from types import SimpleNamespace

import numpy as np
import pytest

from app.storage import model_file as clf
from app.storage.model_file import read_signed
from app.exceptions import ModelIntegrityError
from app.recognition import preprocessing as pp
from app.recognition.model import DERIVED, DROPPED, SOURCES, DigitClassifier
from app.recognition.training_set import load_base_digits
from tests.drawing import SEVEN, draw_strokes
from tests.signed import write_signed

KEY = b"test-signing-key"


def test_factory_metadata(trained):
    _, metadata = trained
    assert set(metadata) >= {"created", "sklearn_version", "params", "training_samples", "samples", "cv_accuracy"}
    assert metadata["training_samples"] == sum(metadata["samples"].values())
    assert 0.9 < metadata["cv_accuracy"] <= 1.0
    assert metadata["samples"]["handwriting"] == 4000  # the real training digits; the validation ones never


def test_a_model_trained_on_real_handwriting_reads_real_handwriting_it_never_saw(trained):
    """The reference set (real validation digits drawn on a canvas, held-out load_digits) is measured at build."""
    reference = trained[1]["reference"]
    assert set(reference) == {"handwriting", "load_digits", "all"}
    assert reference["handwriting"]["overall"] >= 0.93
    assert reference["load_digits"]["overall"] >= 0.90
    assert min(reference["handwriting"]["per_digit"]) >= 0.85


def scikit_learn_reference(model):
    """scikit-learn's ``KNeighborsClassifier`` fitted on the model's samples with its parameters (the model keeps
    none: the tests build their own)."""
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=model.n_neighbors, weights=model.weights).fit(
        model.inputs.astype(np.float32), model.labels)


@pytest.fixture(scope="module")
def reference_knn(trained):
    return scikit_learn_reference(trained[0])


def test_probabilities_match_scikit_learn(trained, reference_knn):
    model, _ = trained
    inputs, _ = load_base_digits()
    sample = inputs[:50].astype(float) + np.random.default_rng(0).normal(0, 2, (50, 64))
    predictions = model.predict(sample)
    expected = reference_knn.predict_proba(sample)
    assert np.allclose([p.probabilities for p in predictions], expected)
    assert [p.digit for p in predictions] == reference_knn.predict(sample).tolist()
    assert all(len(p.neighbors) == model.n_neighbors for p in predictions)


def test_search_finds_the_same_neighbours_as_scikit_learn(trained, reference_knn):
    model, _ = trained
    inputs, _ = load_base_digits()
    rng = np.random.default_rng(1)
    queries = np.clip(inputs[:300].astype(int) + rng.integers(-3, 4, (300, 64)), 0, 16).astype(np.float32)
    distances, indices = model.kneighbors(queries)
    expected_distances, expected_indices = reference_knn.kneighbors(queries)
    assert np.array_equal(distances, expected_distances)  # integer features: the float32 search is exact
    assert np.all(np.diff(distances, axis=1) >= 0)
    same = indices == expected_indices
    assert same.mean() > 0.95  # the rest are ties at equal distance, picked in another order


def brute_force(model, queries):
    """(distances, indices) by sorting every squared distance: nearest first, then lower sample index."""
    kind = np.int64 if np.issubdtype(queries.dtype, np.integer) else np.float64
    squared = ((queries[:, None, :].astype(kind) - model.inputs[None].astype(kind)) ** 2).sum(axis=2)
    order = np.lexsort((np.broadcast_to(np.arange(squared.shape[1]), squared.shape), squared), axis=1)
    nearest = order[:, :model.n_neighbors]
    return np.sqrt(np.take_along_axis(squared, nearest, axis=1)).astype(np.float32), nearest


def assert_single_queries_match(model, queries):
    """One query at a time, all at once (both the pruned search for whole numbers) and a full sort agree exactly."""
    expected_distances, expected_indices = brute_force(model, queries)
    batch_distances, batch_indices = model.kneighbors(queries.astype(np.float32))
    assert np.array_equal(batch_indices, expected_indices)
    assert np.array_equal(batch_distances, expected_distances)
    for query, distances, indices in zip(queries.astype(np.float32), expected_distances, expected_indices):
        one_distances, one_indices = model.kneighbors(query[None])
        assert np.array_equal(one_indices[0], indices)
        assert np.array_equal(one_distances[0], distances)


def test_single_query_search_is_the_brute_force(trained):
    model, _ = trained
    rng = np.random.default_rng(2)
    near = np.clip(model.inputs[rng.integers(0, len(model.inputs), 150)].astype(int)
                   + rng.integers(-4, 5, (150, 64)), 0, 16)
    samples = model.inputs[rng.integers(0, len(model.inputs), 50)]  # distance 0, duplicates among the variants
    noise = rng.integers(0, 17, (20, 64))  # far from everything: the bound prunes little
    assert_single_queries_match(model, np.vstack([near, samples, noise, np.zeros((1, 64), dtype=int)]))


def test_queries_that_are_not_whole_numbers_find_the_brute_forces_neighbours(trained):
    """They take the matrix product (the pruned search answers whole numbers only)."""
    model, _ = trained
    rng = np.random.default_rng(4)
    queries = np.clip(model.inputs[rng.integers(0, len(model.inputs), 40)] + rng.uniform(-2, 2, (40, 64)), 0, 16)
    distances, indices = model.kneighbors(queries.astype(np.float32))
    expected_distances, expected_indices = brute_force(model, queries.astype(np.float32))
    assert np.array_equal(indices, expected_indices)  # fractions: no two samples at the same distance
    assert np.allclose(distances, expected_distances, rtol=1e-4)


def test_ties_go_to_the_lower_sample_index():
    rng = np.random.default_rng(3)
    ones = np.eye(64, dtype=np.uint8)[rng.permutation(64)[:20]]  # 20 samples at distance 1 from zero
    inputs = np.vstack([rng.integers(3, 17, (30, 64)), ones, ones, rng.integers(3, 17, (30, 64)), ones[:3]])
    labels = rng.integers(0, 10, len(inputs))
    model = DigitClassifier(inputs, labels, np.zeros(len(inputs)))
    queries = np.vstack([np.zeros((1, 64), dtype=int), ones[:4], 2 * ones[:2], inputs[35:37]])
    assert_single_queries_match(model, queries)
    assert model.kneighbors(np.zeros((1, 64), dtype=np.float32))[1][0].tolist() == list(range(30, 35))


def test_pickled_model_keeps_no_derived_search_arrays(trained):
    model, _ = trained
    blob = pickle.dumps(model)
    copy = pickle.loads(blob)
    assert not set(DERIVED) & set(model.__getstate__())
    assert not set(DROPPED) & set(model.__getstate__())  # no scikit-learn estimator in the file
    assert b"sklearn" not in blob
    sample = load_base_digits()[0][:20]
    assert [p.digit for p in copy.predict(sample)] == [p.digit for p in model.predict(sample)]


@pytest.mark.parametrize("layout", ["estimator_pickled_apart", "estimator_in_the_state"])
def test_files_from_before_drop_the_scikit_learn_estimator(trained, reference_knn, layout):
    """Model files used to carry the fitted estimator (504 MB at 2 M samples); they load without it."""
    model, _ = trained
    state = model.__getstate__()
    if layout == "estimator_pickled_apart":
        state["_knn_pickle"] = pickle.dumps(reference_knn)
    else:
        state = {name: value for name, value in state.items() if name not in ("n_neighbors", "weights")}
        state["knn"] = reference_knn
    old = DigitClassifier.__new__(DigitClassifier)
    old.__setstate__(state)
    assert not set(DROPPED) & set(old.__dict__)
    assert (old.n_neighbors, old.weights) == (model.n_neighbors, model.weights)
    sample = load_base_digits()[0][:20]
    assert [p.digit for p in old.predict(sample)] == [p.digit for p in model.predict(sample)]


def test_signed_round_trip(trained, tmp_path):
    path = tmp_path / "m.pkl"
    write_signed(path, *trained, key=KEY)
    model, metadata = read_signed(path, KEY)
    assert metadata == trained[1]
    assert isinstance(model, type(trained[0]))


def test_versions_stored_before_the_modules_moved_still_load(trained, tmp_path, monkeypatch):
    """A file pickled when the model class lived in ``app.model`` loads as today's class."""
    import sys

    from app.recognition import model as model_module

    monkeypatch.setitem(sys.modules, "app.model", model_module)
    monkeypatch.setattr(DigitClassifier, "__module__", "app.model")
    write_signed(tmp_path / "old.pkl", *trained, key=KEY)
    monkeypatch.undo()
    assert b"app.model" in (tmp_path / "old.pkl").read_bytes() and "app.model" not in sys.modules
    model, _ = read_signed(tmp_path / "old.pkl", KEY)
    assert isinstance(model, DigitClassifier)
    sample = load_base_digits()[0][:20]
    assert [p.digit for p in model.predict(sample)] == [p.digit for p in trained[0].predict(sample)]


@pytest.mark.parametrize("damage", ["flip_payload_byte", "truncate", "edit_metadata", "not_a_model"])
def test_tampered_file_is_refused_with_rebuild_hint(trained, tmp_path, damage):
    path = tmp_path / "m.pkl"
    write_signed(path, *trained, key=KEY)
    blob = bytearray(path.read_bytes())
    if damage == "flip_payload_byte":
        blob[-100] ^= 0xFF
    elif damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "edit_metadata":
        blob = bytearray(bytes(blob).replace(b'"cv_accuracy": ', b'"cv_accuracy": 1', 1))
    else:
        blob = bytearray(pickle.dumps({"evil": True}))
    path.write_bytes(bytes(blob))
    with pytest.raises(ModelIntegrityError, match="manage.py train"):
        read_signed(path, KEY)


def test_other_key_is_refused(trained, tmp_path):
    path = tmp_path / "m.pkl"
    write_signed(path, *trained, key=KEY)
    with pytest.raises(ModelIntegrityError, match="signature"):
        read_signed(path, b"another key")


def test_other_sklearn_version_is_refused(trained, tmp_path):
    model, metadata = trained
    path = tmp_path / "m.pkl"
    write_signed(path, model, dict(metadata, sklearn_version="0.1"), key=KEY)
    with pytest.raises(ModelIntegrityError, match="scikit-learn 0.1"):
        read_signed(path, KEY)


def test_model_trained_on_other_features_is_refused(trained, tmp_path):
    model, metadata = trained
    path = tmp_path / "m.pkl"
    write_signed(path, model, dict(metadata, features_version=metadata["features_version"] - 1), key=KEY)
    with pytest.raises(ModelIntegrityError, match="features of preprocessing version"):
        read_signed(path, KEY)


def test_update_is_atomic_and_leaves_no_temp_files(trained, tmp_path, monkeypatch):
    path = tmp_path / "m.pkl"
    write_signed(path, *trained, key=KEY)
    before = path.read_bytes()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(clf.os, "replace", crash)
    with pytest.raises(OSError):
        write_signed(path, trained[0], dict(trained[1], cv_accuracy=0.5), key=KEY)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.pkl"]


def test_signing_key_is_created_once(tmp_path):
    config = {"MODEL_SIGNING_KEY": "", "SIGNING_KEY_FILE": tmp_path / "k"}
    first = clf.resolve_signing_key(config)
    assert len(first) == 64
    assert clf.resolve_signing_key(config) == first
    assert (tmp_path / "k").stat().st_mode & 0o077 == 0
    assert clf.resolve_signing_key({"MODEL_SIGNING_KEY": "abc"}) == b"abc"


def test_far_is_measured_against_the_samples_drawn_by_people():
    """A drawing beside a synthetic sample but away from all handwriting is "far"; the vote still counts both."""
    rng = np.random.default_rng(5)
    handwriting = rng.integers(0, 4, (40, 64))
    synthetic = np.full((10, 64), 12)
    inputs = np.vstack([handwriting, synthetic]).astype(np.uint8)
    labels = np.r_[np.full(40, 1), np.full(10, 3)]
    people = np.r_[np.ones(40, bool), np.zeros(10, bool)]
    query = np.full((1, 64), 12.0)
    both = DigitClassifier(inputs, labels, np.zeros(len(inputs)), far_threshold=30.0, people=people)
    every = DigitClassifier(inputs, labels, np.zeros(len(inputs)), far_threshold=30.0)
    assert both.predict(query)[0].digit == every.predict(query)[0].digit == 3
    assert both.predict(query)[0].reason == "far_from_training_data" and every.predict(query)[0].reason is None
    assert both.far_distances(query)[0] == pytest.approx(np.sort(np.linalg.norm(handwriting - 12, axis=1))[:5])
    assert both.predict(handwriting[:1])[0].reason is None
    assert pickle.loads(pickle.dumps(both)).predict(query)[0].reason == "far_from_training_data"


def stored_without(model, attribute):
    """``model`` as a file from before it had ``attribute`` loads."""
    state = model.__getstate__()
    del state[attribute]
    old = DigitClassifier.__new__(DigitClassifier)
    old.__setstate__(state)
    return old


def test_models_stored_before_the_shape_threshold_flag_dots_only(trained):
    model, _ = trained
    old = stored_without(model, "shape_threshold")
    assert old.shape_threshold is None
    assert old.predict_one(*pp.drawing_from_image(draw_strokes([[(140, 140)]], width=14))).uncertain  # a dot
    seven, crossing = pp.features_from_image(draw_strokes(SEVEN)), SimpleNamespace(extent=8.0, crossing=True)
    assert old.predict_one(seven).reason is None and old.predict_one(seven, crossing).reason is None
    old.shape_threshold = 0.0
    assert old.predict_one(seven, crossing).reason == "not_a_digit_shape"


def test_models_stored_before_the_people_search_measure_far_against_every_sample(trained):
    model, _ = trained
    old = stored_without(model, "people")
    sample = load_base_digits()[0][:5]
    assert np.array_equal(old.far_distances(sample), model.kneighbors(sample.astype(np.float32))[0])


def test_the_shipped_recipe_measures_far_against_real_handwriting_its_variants_and_feedback(trained):
    model, _ = trained
    sources = model.sources[model.people]
    assert {"handwriting", "synthetic"} <= {SOURCES[s] for s in sources} and "load_digits" not in {SOURCES[s] for s in sources}
    assert (model.sources == SOURCES.index("handwriting")).sum() == (sources == SOURCES.index("handwriting")).sum()


def test_fewer_people_samples_than_k_measure_far_against_every_sample():
    inputs = np.random.default_rng(6).integers(0, 17, (30, 64)).astype(np.uint8)
    labels = np.arange(30) % 10
    people = np.zeros(30, bool)
    people[:3] = True
    model = DigitClassifier(inputs, labels, np.zeros(30), far_threshold=1.0, people=people)
    assert model.people is None
    assert np.array_equal(model.far_distances(inputs[:4]), model.kneighbors(inputs[:4].astype(np.float32))[0])


def test_answers_judge_far_as_the_full_people_search_does(trained):
    """The second search is skipped where its answer cannot change the judgement: the same reasons either way."""
    from app.recognition.uncertainty import judge

    model, _ = trained
    rng = np.random.default_rng(8)
    inputs = load_base_digits()[0]
    queries = np.vstack([inputs[:150], np.clip(inputs[150:300].astype(int) + rng.integers(-6, 7, (150, 64)), 0, 16),
                         rng.integers(0, 17, (50, 64)), model.inputs[model.people[:50]]]).astype(np.float32)
    predictions = model.predict(queries)
    full = model.far_distances(queries)
    assert [p.reason for p in predictions] == [judge(p.probabilities, far, model.far_threshold)
                                               for p, far in zip(predictions, full)]
    assert {p.reason for p in predictions} >= {None, "far_from_training_data"}
    assert [model.predict_one(q).reason for q in queries[::25]] == [p.reason for p in predictions[::25]]


def test_votes_and_far_are_predicts_votes_and_the_full_people_search(trained):
    """The people search is skipped where the k nearest of all are people's: the same distances either way."""
    model, _ = trained
    rng = np.random.default_rng(9)
    inputs = load_base_digits()[0]
    queries = np.vstack([inputs[:100], rng.integers(0, 17, (50, 64)), model.inputs[model.people[:50]]])
    _, indices = model.kneighbors(queries.astype(np.float32))
    all_people = model._is_people[indices].all(axis=1)
    assert all_people.any() and not all_people.all()  # both routes taken
    probabilities, far = model.votes_and_far(queries)
    assert np.array_equal(far, model.far_distances(queries))
    assert np.array_equal(probabilities, np.stack([p.probabilities for p in model.predict(queries)]))
