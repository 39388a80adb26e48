"""The training set (held-out split, variants, feedback) and canvas drawings read through the API."""
import numpy as np
import pytest

from app import create_app
from app.recognition import training_set
from app.recognition.classifier_factory import ClassifierFactory
from app.recognition.model import SOURCES
from app.recognition.preprocessing import stroke_width
from app.recognition.training_set import build_training_set, heldout_indices, load_base_digits, training_indices
from app.recognition.drawings import render_set
from tests.drawing import data_uri
from tests.signed import write_signed


def test_heldout_split_is_fixed_stratified_and_disjoint():
    labels = load_base_digits()[1]
    held, train = heldout_indices(labels), training_indices(labels)
    assert (held == heldout_indices()).all()
    assert len(held) == pytest.approx(0.2 * len(labels), abs=1)
    assert not np.intersect1d(held, train).size and len(held) + len(train) == len(labels)
    assert np.abs(np.bincount(labels[held]) / len(held) - np.bincount(labels) / len(labels)).max() < 0.01


def test_variants_have_source_synthetic_and_the_group_of_their_digit():
    indices = training_indices()[:30]
    training = build_training_set(n_variants=3, indices=indices, handwriting=())
    synthetic = training.sources == SOURCES.index("synthetic")
    assert training.counts() == {"load_digits": 30, "synthetic": 90, "feedback": 0, "handwriting": 0}
    assert (training.groups[~synthetic] == indices).all()
    assert (training.groups[synthetic] == np.repeat(indices, 3)).all()
    assert (training.labels[synthetic] == np.repeat(load_base_digits()[1][indices], 3)).all()
    assert training.inputs.dtype == np.uint8 and training.inputs.shape == (120, 64)
    assert training.inputs.max() <= 16


def test_default_training_set_has_no_heldout_digit():
    training = build_training_set(n_variants=0, handwriting=())
    assert not np.isin(training.groups, heldout_indices()).any()
    assert training.counts()["load_digits"] == len(training_indices())


def test_feedback_is_source_feedback_in_new_groups():
    feedback = np.full((2, 8, 8), 5, dtype=np.uint8)
    training = build_training_set(feedback, [3, 4], n_variants=1, indices=training_indices()[:5],
                                  handwriting=[7, 4000], handwriting_variants=1)
    assert training.counts() == {"load_digits": 5, "synthetic": 7, "feedback": 2, "handwriting": 2}
    assert training.labels[-2:].tolist() == [3, 4]
    assert (training.inputs[-2:] == 5).all()
    assert len(set(training.groups[-2:]) | set(training.groups[:-2])) == len(set(training.groups[:-2])) + 2


def test_canvas_drawings_of_heldout_digits_are_read_through_the_api(settings):
    """60 browser-like renderings of held-out digits, POSTed to /api/predict of a model trained here."""
    model, metadata = ClassifierFactory(n_variants=1, handwriting_variants=0, cv_folds=2).build()
    settings.CLASSIFIER_STORAGE.parent.mkdir(parents=True, exist_ok=True)
    write_signed(settings.CLASSIFIER_STORAGE, model, metadata, key=settings.MODEL_SIGNING_KEY.encode())
    client = create_app(settings).test_client()
    inputs, labels = load_base_digits()
    held = heldout_indices(labels)[::6][:60]
    images, truth = render_set(inputs[held], labels[held], renderings=1, seed=7)
    answers = [client.post("/api/predict", json={"image": data_uri(image)}).get_json()["digit"]
               for image in images]
    assert np.mean(np.asarray(answers) == truth) >= 0.85


def heavy_eight():
    """load_digits #96: an 8 whose 8x8 blocks run together (no loop at the lowest ink level)."""
    inputs, labels = load_base_digits()
    assert labels[96] == 8
    return inputs[96]


def test_centre_level_opens_the_loops_of_a_heavy_eight():
    image = training_set.smooth_upsample(heavy_eight())
    assert training_set.holes(image > training_set.CENTRE_THRESHOLDS[0]) == 0
    assert training_set.holes(image > training_set.centre_level(image)) == 2


def test_centre_level_draws_each_digit_with_its_own_loops():
    inputs, labels = load_base_digits()
    assert labels[3] == 3  # a 3 whose upper arc meets the middle stroke at the higher ink levels
    image = training_set.smooth_upsample(inputs[3])
    assert training_set.holes(image > training_set.centre_level(image)) == 1
    assert training_set.holes(image > training_set.centre_level(image, loops=training_set.LOOPS[3])) == 0
    eight = training_set.smooth_upsample(heavy_eight())
    assert training_set.holes(eight > training_set.centre_level(eight, loops=training_set.LOOPS[8])) == 2


def test_pen_variant_redraws_the_centre_line_with_a_round_pen():
    rng = np.random.default_rng(0)
    for _ in range(5):
        bitmap = training_set.pen_variant(heavy_eight(), rng) > 0.5
        assert training_set.holes(bitmap) == 2  # both loops survive the bending and the pen
        height = np.ptp(np.flatnonzero(bitmap.any(axis=1)))
        width = stroke_width(bitmap)[0]
        low, high = training_set.PEN_WIDTH
        assert 0.5 * low * height < width < 1.5 * high * height + 2


def test_variant_kinds_take_turns_and_are_seeded(monkeypatch):
    monkeypatch.setattr(training_set, "VARIANT_KINDS", ("distort", "pen"))
    inputs = load_base_digits()[0][training_indices()[:3]]
    labels = load_base_digits()[1][training_indices()[:3]]
    first = training_set.synthetic_samples(inputs, labels, 4, seed=5)
    assert first.shape == (12, 64) and first.dtype == np.uint8 and first.max() <= 16
    assert (first == training_set.synthetic_samples(inputs, labels, 4, seed=5)).all()
    assert not (first == training_set.synthetic_samples(inputs, labels, 4, seed=6)).all()
    kinds = []
    monkeypatch.setattr(training_set, "pen_variant", lambda *a, **k: kinds.append("pen") or training_set.redraw(a[0]))
    monkeypatch.setattr(training_set, "variant", lambda bitmap, rng: kinds.append("distort") or bitmap)
    training_set.synthetic_samples(inputs[:1], labels[:1], 4, n_jobs=1)  # in this process, where the spies are
    assert kinds == ["distort", "pen", "distort", "pen"]


def test_variants_do_not_depend_on_how_the_work_is_split():
    inputs, labels = (part[training_indices()[:5]] for part in load_base_digits())
    one = training_set.synthetic_samples(inputs, labels, 3, seed=2, n_jobs=1)
    assert (one == training_set.synthetic_samples(inputs, labels, 3, seed=2, n_jobs=2)).all()


def test_no_variants_is_an_empty_set():
    assert training_set.synthetic_samples(*(part[:3] for part in load_base_digits()), 0).shape == (0, 64)
    built = training_set.build_training_set(n_variants=0, indices=np.arange(10), handwriting=())
    assert len(built.labels) == 10 and set(built.counts().values()) == {10, 0}
    assert len(training_set.build_training_set(n_variants=0, indices=[], handwriting=[]).labels) == 0


def test_real_handwriting_and_its_variants_keep_their_digit_and_group():
    indices = np.array([3, 1499, 4999])
    built = training_set.handwriting_set(indices, n_variants=2)
    real = built.sources == SOURCES.index("handwriting")
    assert built.inputs.shape == (9, 64) and built.inputs.dtype == np.uint8 and built.inputs.max() == 16
    assert real.tolist() == [True, False, False] * 3
    assert (built.sources[~real] == SOURCES.index("synthetic")).all()
    assert built.labels.tolist() == [0] * 3 + [2] * 3 + [9] * 3
    assert (built.groups == np.repeat(training_set.HANDWRITING_GROUPS + indices, 3)).all()
    assert (built.inputs[0] != built.inputs[1]).any()  # a variant is bent, not a copy


def test_real_handwriting_features_do_not_depend_on_how_the_work_is_split():
    indices = np.arange(0, 5000, 625)
    one = training_set.handwriting_set(indices, n_variants=1, n_jobs=1)
    assert (one.inputs == training_set.handwriting_set(indices, n_variants=1, n_jobs=2).inputs).all()
    assert (one.inputs[::2] == training_set.handwriting_set(indices, n_variants=0, n_jobs=1).inputs).all()


def test_warp_bends_a_real_digit_within_its_frame_and_is_seeded():
    image = training_set.load_real_digits()[0][0]
    bent = [training_set.distorted_ink(image, np.random.default_rng(seed)) for seed in (3, 3, 4)]
    straight = np.pad(training_set.upsampled_ink(image), training_set.HANDWRITING_MARGIN)
    assert bent[0].shape == straight.shape and np.array_equal(bent[0], bent[1])
    assert not np.allclose(bent[0], bent[2]) and not np.allclose(bent[0], straight)
    assert 0.6 < bent[0].sum() / straight.sum() < 1.6  # the ink is moved, not lost or smeared over the frame
    border = np.concatenate([bent[0][:4].ravel(), bent[0][-4:].ravel(), bent[0][:, :4].ravel()])
    assert border.max() < 0.05


def test_displacement_is_smooth_and_bounded_at_any_coarseness():
    for coarse in (1, 4):
        field = training_set.displacement((144, 120), np.random.default_rng(0), alpha=6.0, sigma=12.0, coarse=coarse)
        assert field.shape == (2, 144, 120)
        assert np.abs(field).max() == pytest.approx(6.0)
        assert np.abs(np.diff(field, axis=1)).max() < 1.0  # neighbouring pixels move nearly together


def test_cross_validation_scores_the_original_digits_and_never_their_variants():
    training_set = build_training_set(n_variants=1, indices=training_indices()[:300], handwriting=np.arange(0, 5000, 25),
                                      handwriting_variants=1)
    accuracy, scores = ClassifierFactory().cross_validate(training_set)
    synthetic = training_set.sources == SOURCES.index("synthetic")
    assert np.isnan(scores[synthetic]).all() and np.isfinite(scores[~synthetic]).all()
    assert 0.8 < accuracy <= 1.0


def test_the_far_threshold_is_a_number_without_real_handwriting_too():
    training_set = build_training_set(n_variants=1, indices=training_indices()[:300], handwriting=[])
    model, metadata = ClassifierFactory(n_variants=1).build(training_set)
    assert np.isfinite(model.far_threshold) and metadata["far_threshold"] > 0
