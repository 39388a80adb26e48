"""Numbers read through /api/predict/number's reader: accuracy by length, touching pairs, single digits, time.

Numbers of 2 to 6 digits are composed from the real VALIDATION digits (``handwriting.split_indices``; never the
training ones) as the page's Number mode exports them (``app.recognition.number_drawings``): apart, from wide gaps
to just apart, and pairs whose strokes touch and overlap slightly. Each is read from its PNG bytes as the endpoint
reads it. Single digits: every validation drawing of the reference set (both styles) must read through the number
reader exactly as through /api/predict. Time: per number, against its digits times one /predict.

    python -m benchmarks.number              # the figures (validation digits)
    python -m benchmarks.number --tune       # choose the segmentation thresholds on the 4,000 training digits
    python -m benchmarks.number --sample 5   # a quick run (the test runs this)
"""
import argparse
import io
import itertools
import time
from dataclasses import dataclass

import numpy as np

from app.exceptions import TooManyDigitsError
from app.recognition import drawings, number_drawings, reference
from app.recognition import preprocessing as pp
from app.recognition import segmentation
from app.recognition.classifier_factory import ClassifierFactory
from app.recognition.handwriting import load_real_digits, split_indices
from app.recognition.training_set import HANDWRITING_GROUPS

SEED = 2323
APART = {2: 200, 3: 200, 4: 200, 5: 150, 6: 150}  # numbers per length
TOUCHING = 400  # pairs
TARGETS = {"2-4 apart": 0.92, "5-6 apart": 0.85, "touching pairs": 0.75}
BUDGET_MS = 5.0  # time per number <= digits x one /predict + this, p99
LOOSE_GRID = (0.5, 0.0, -0.1)  # segmentation.LOOSE_OVERLAP tried on numbers apart (0.5: never loosely joined)
# The split thresholds tried on touching pairs, numbers apart and single digits. Tried before: aspect 0.3 to 0.7 and
# a cut every 5 or 10 % (0.5 and 5 % read the most pairs), whole_near 0.8, far_cut 0.6 and 0.75 (on held-out folds,
# more pairs read right only with more singles cut, as a higher gain does).
SPLIT_GRID = {"whole_near": (0.9,), "far_cut": (0.9,), "gain": (0.35, 0.4, 0.45, 0.5), "widest": (1.5, 2.0)}
SINGLES_CUT = 0.001  # tuning: the most numbers read right among settings that read at most this share of single
# digits otherwise than a reader that never cuts (a few real digits are drawn in two pieces apart: no cut reads them)
TUNE_NUMBERS = 60  # numbers per length (and touching pairs) when tuning
TUNE_SINGLES = 3000  # drawings of training digits alone when tuning (1 in 1,000 cut is 3 of them)
TUNE_FOLDS = 5  # tuning reads each training digit with a model built without it (``build_folds``)
REFUSED = {}  # length -> digit choices drawn again because they touch only nested


def png_bytes(image):
    """The PNG file the page would upload."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Number:
    """A composed number: the PNG the page would upload, the digits drawn, and each digit's own strokes drawn
    alone (cut to its ink): what a perfect segmentation would hand the model."""

    raw: bytes
    truth: str
    alone: list


def drawn_alone(drawing, images, rng):
    """Each digit of a ``NumberDrawing`` rendered from its own strokes alone, cut to its visible pixels (the pen
    strokes of ``images[i]`` are the i-th run of ``drawing.strokes``, as ``compose`` placed them)."""
    alone, start = [], 0
    for image, box in zip(images, drawing.boxes):
        count = len(drawings.pen_strokes(image))
        own = number_drawings.NumberDrawing(drawing.strokes[start:start + count], drawing.pen, drawing.size, [box])
        start += count
        rendered = number_drawings.render(own, rng)
        alone.append(rendered.crop(rendered.getchannel("A").getbbox()))
    return alone


def composed(indices, per_length, touching, seed):
    """[``Number``]: ``per_length[n]`` numbers of n digits drawn from ``indices``; touching pairs when
    ``touching``."""
    images, labels = load_real_digits()
    rng, alone_rng = np.random.default_rng(seed), np.random.default_rng([seed, 1])
    numbers = []
    for length, count in per_length.items():
        made = 0
        while made < count:
            chosen = rng.choice(indices, length)
            try:
                drawing = number_drawings.compose(images[chosen], rng, touching)
            except number_drawings.CannotTouch:
                REFUSED[length] = REFUSED.get(length, 0) + 1
                continue  # digits that meet only nested: two others
            numbers.append(Number(png_bytes(number_drawings.render(drawing, rng)), "".join(map(str, labels[chosen])),
                                  drawn_alone(drawing, images[chosen], alone_rng)))
            made += 1
    return numbers


def read_alone(model, number):
    """The number the model reads when each digit is handed to it alone (perfect segmentation)."""
    read = [pp.drawing_from_image(image) for image in number.alone]
    predictions = model.predict(np.stack([features for features, _ in read]), [shape for _, shape in read])
    return "".join(str(p.digit) for p in predictions)


def read(reader, raw):
    """The number the reader reads from PNG bytes, as the endpoint reads it ("" when it refuses: too many digits)."""
    try:
        return "".join(str(digit.prediction.digit) for digit in reader.read(pp.open_image(raw)))
    except TooManyDigitsError:
        return ""


def post(client, path, raw):
    """(the JSON reply to a multipart upload of PNG bytes, milliseconds)."""
    started = time.perf_counter()
    response = client.post(path, data={"image": (io.BytesIO(raw), "drawing.png")})
    elapsed = (time.perf_counter() - started) * 1000
    return response.get_json(), elapsed


def digits_right(truth, answer):
    """Digits read right in their place (none when the count differs: which box is which is unknown)."""
    return sum(a == b for a, b in zip(truth, answer)) if len(truth) == len(answer) else 0


def score(numbers, answer_of, model):
    """(whole numbers right, digits right, digits, times in ms, whole numbers right with each digit read alone) of
    ``numbers``; ``answer_of(raw)`` -> (number read, ms)."""
    whole = right = total = alone = 0
    times = []
    for number in numbers:
        answer, elapsed = answer_of(number.raw)
        whole += answer == number.truth
        right += digits_right(number.truth, answer)
        total += len(number.truth)
        alone += read_alone(model, number) == number.truth
        times.append(elapsed)
    return whole, right, total, times, alone


def percentile(values, share):
    """The ``share`` (0..1) percentile of ``values``."""
    return float(np.percentile(values, share * 100)) if values else float("nan")


SAME_FIELDS = ("digit", "probabilities", "input", "neighbors", "uncertain", "reason")


def singles_agree(client, drawings):
    """(drawings /api/predict/number reads as one digit, exactly as /api/predict does, drawings, /predict ms)."""
    same, times = 0, []
    for image in drawings:
        raw = png_bytes(image)
        alone, elapsed = post(client, "/api/predict", raw)
        times.append(elapsed)
        digits = post(client, "/api/predict/number", raw)[0]["digits"]
        same += len(digits) == 1 and all(digits[0].get(field) == alone.get(field) for field in SAME_FIELDS)
    return same, len(drawings), times


def served_client(app):
    """A test client of ``app`` whose predictions are written by the background writer, as served."""
    app.extensions["prediction_writer"].interval = 0.05
    return app.test_client()


def report(app, scale=1.0, singles=None):
    """Print the figures on the validation digits, each drawing sent through the API; True when every target
    is met."""
    client = served_client(app)
    model = app.extensions["classifier_repo"].current().model
    validation = split_indices()[1]
    per_length = {n: max(1, round(c * scale)) for n, c in APART.items()}
    apart = {n: composed(validation, {n: c}, False, SEED + n) for n, c in per_length.items()}
    pairs = composed(validation, {2: max(1, round(TOUCHING * scale))}, True, SEED)
    drawings = singles if singles is not None else reference.all_real_drawings()[0]
    same, count, single_times = singles_agree(client, drawings)
    one = percentile(single_times, 0.99)
    print(f"one /api/predict, {count} single drawings: p50 {percentile(single_times, 0.5):.1f} ms, p99 {one:.1f} ms")
    print(f"\n{'numbers':16}{'count':>7}{'whole':>9}{'digits':>9}{'alone':>9}{'p50 ms':>9}{'p99 ms':>9}{'budget':>9}")

    def answer_of(raw):
        body, elapsed = post(client, "/api/predict/number", raw)
        return body.get("number", ""), elapsed  # a refusal (422 too_many_digits) reads nothing

    groups, results, met = {}, {}, True
    for length, numbers in apart.items():
        results[f"{length} apart"] = score(numbers, answer_of, model)
        groups.setdefault("2-4 apart" if length <= 4 else "5-6 apart", []).append(f"{length} apart")
    results["touching pairs"] = score(pairs, answer_of, model)
    groups["touching pairs"] = ["touching pairs"]
    for name, (whole, right, total, times, alone) in results.items():
        budget = total / len(times) * one + BUDGET_MS
        met &= percentile(times, 0.99) <= budget
        print(f"{name:16}{len(times):7d}{whole / len(times):9.1%}{right / total:9.1%}{alone / len(times):9.1%}"
              f"{percentile(times, 0.5):9.1f}{percentile(times, 0.99):9.1f}{budget:9.1f}")
    print(f"\n{'group':16}{'whole':>9}{'alone':>9}{'target':>9}")
    for group, names in groups.items():
        numbers = sum(len(results[n][3]) for n in names)
        whole, alone = (sum(results[n][i] for n in names) / numbers for i in (0, 4))
        met &= whole >= TARGETS[group]
        print(f"{group:16}{whole:9.1%}{alone:9.1%}{TARGETS[group]:9.0%}")
    print(f"touching pairs: {REFUSED.get(2, 0)} digit pairs drawn again because their strokes meet only when one is "
          f"pushed into the other by more than {number_drawings.TOUCH_OVERLAP:.0%} of the height")
    print(f"\nsingle digits through /api/predict/number reading exactly as /api/predict: {same} of {count}")
    print("alone: whole numbers right if each digit were segmented perfectly (its own strokes drawn alone, read by "
          "the model): the model's ceiling")
    print("budget: the number's digits x one /api/predict p99 + 5 ms, against the number's p99")
    return met and same == count


KINDS = ("right", "too few (merged)", "too many (split)", "misread, alone too", "misread, right alone")


def error_kind(truth, answer, alone):
    """Which of ``KINDS`` the reader's ``answer`` is, given the number read digit by digit ``alone``: a wrong
    count, or the right count with a digit the model misreads alone as well, or only as the reader cut it."""
    if answer == truth:
        return KINDS[0]
    if len(answer) != len(truth):
        return KINDS[1] if len(answer) < len(truth) else KINDS[2]
    segmented = any(a != t and b == t for a, b, t in zip(answer, alone, truth))
    return KINDS[4] if segmented else KINDS[3]


@dataclass
class Fold:
    """Training digits and a model built without them and their variants: they lie as far from its training data
    as validation digits lie from the served model's, so thresholds chosen on them hold for new drawings."""

    indices: np.ndarray
    model: object


def build_folds(model, count=TUNE_FOLDS, training=None):
    """[``Fold``]: the training digits in ``count`` parts, each with a model of ``model``'s recipe trained on
    ``training`` (default: the recipe's training set) without that part's digits and variants, and ``model``'s own
    "far" and shape thresholds (those are already measured on digits the model never saw)."""
    factory = ClassifierFactory(n_neighbors=model.n_neighbors, weights=model.weights)
    training = training or factory.training_set()
    people = training.drawn_by_people()
    parts = np.array_split(np.random.default_rng(SEED).permutation(split_indices()[0]), count)
    built = []
    for part in parts:
        keep = ~np.isin(training.groups, HANDWRITING_GROUPS + part)
        built.append(Fold(np.sort(part), factory.fit(
            training.inputs[keep], training.labels[keep], training.sources[keep], far_threshold=model.far_threshold,
            people=people[keep], shape_threshold=model.shape_threshold)))
    return built


def training_numbers(folds, per_length=None):
    """{row: [(``Number``, index of the fold whose model never saw its digits)]} of TRAINING digits: about
    ``per_length`` numbers apart per length, twice as many touching pairs, each of one fold's digits."""
    share = -(-(per_length or TUNE_NUMBERS) // len(folds))
    rows = {}
    for index, fold in enumerate(folds):
        for length in APART:
            numbers = composed(fold.indices, {length: share}, False, SEED + 1000 * index + 100 + length)
            rows.setdefault(f"{length} apart", []).extend((number, index) for number in numbers)
        pairs = composed(fold.indices, {2: 2 * share}, True, SEED + 1000 * index + 101)
        rows.setdefault("touching pairs", []).extend((number, index) for number in pairs)
    return rows


def fold_readers(folds, **thresholds):
    """A ``NumberReader`` with these thresholds for each fold's model."""
    return [segmentation.NumberReader(fold.model, **thresholds) for fold in folds]


def diagnose(folds, rows):
    """Print, per row of numbers, how many the reader reads right, how the others go wrong (``KINDS``), and the
    ceiling: the whole numbers right when each digit is read alone."""
    readers = fold_readers(folds)
    print(f"{'numbers':16}{'count':>6}" + "".join(f"{kind:>22}" for kind in KINDS) + f"{'digits alone':>14}")
    for name, numbers in rows.items():
        counts = dict.fromkeys(KINDS, 0)
        ceiling = 0
        for number, fold in numbers:
            alone = read_alone(folds[fold].model, number)
            counts[error_kind(number.truth, read(readers[fold], number.raw), alone)] += 1
            ceiling += alone == number.truth
        print(f"{name:16}{len(numbers):6d}" + "".join(f"{counts[k]:22d}" for k in KINDS)
              + f"{ceiling / len(numbers):14.1%}", flush=True)


def training_singles(folds, count=TUNE_SINGLES, seed=SEED):
    """[(PNG bytes, the digit its fold's model reads from it alone, fold index)]: ``count`` drawings of training
    digits alone, in both styles, as the reference set draws the validation ones."""
    rng = np.random.default_rng(seed)
    singles = []
    for index, fold in enumerate(folds):
        for digit in rng.choice(fold.indices, count // 2 // len(folds), replace=False):
            for style in reference.STYLES:
                image = reference.draw_real(digit, style, seed)
                singles.append((png_bytes(image), str(fold.model.predict_one(*pp.drawing_from_image(image)).digit),
                                index))
    return singles


def count_read(readers, drawings):
    """How many of ``drawings`` [(PNG bytes, the number expected, fold index)] their fold's reader reads right."""
    return sum(read(readers[fold], raw) == truth for raw, truth, fold in drawings)


def tune(folds):
    """Choose the thresholds on numbers and single drawings of the TRAINING digits, each read by its fold's model
    (``build_folds``): first the loose merge overlap on numbers apart, then the split thresholds that read the most
    touching pairs and numbers apart right among those that read at most ``SINGLES_CUT`` of single digits otherwise
    than a reader that never cuts."""
    rows = training_numbers(folds)
    apart = [(n.raw, n.truth, fold) for name, numbers in rows.items() if "apart" in name for n, fold in numbers]
    pairs = [(n.raw, n.truth, fold) for n, fold in rows["touching pairs"]]
    singles = training_singles(folds)
    for loose in LOOSE_GRID:
        right = count_read(fold_readers(folds, loose=loose), apart)
        print(f"loose overlap {loose:.2f}: numbers apart read right {right / len(apart):.1%}", flush=True)
    uncut = count_read(fold_readers(folds, gain=0.0), singles)  # gain 0: no cut is ever taken
    allowed = round(SINGLES_CUT * len(singles))
    print(f"single drawings read as /predict reads them when nothing is cut: {uncut} of {len(singles)}; a setting may "
          f"read at most {allowed} fewer")
    print("".join(f"{name:>11}" for name in SPLIT_GRID) + f"{'touching':>10}{'apart':>8}{'singles':>9}")
    results = []
    for values in itertools.product(*SPLIT_GRID.values()):
        thresholds = dict(zip(SPLIT_GRID, values))
        readers = fold_readers(folds, **thresholds)
        touching, numbers, same = (count_read(readers, drawings) for drawings in (pairs, apart, singles))
        print("".join(f"{value:11.2f}" for value in values)
              + f"{touching / len(pairs):10.1%}{numbers / len(apart):8.1%}{same:9d}", flush=True)
        results.append(((uncut - same <= allowed, touching / len(pairs) + numbers / len(apart), same), thresholds))
    print("best split thresholds:", max(results, key=lambda row: row[0])[1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="choose the thresholds on the training digits")
    parser.add_argument("--diagnose", action="store_true", help="how numbers of training digits are misread")
    parser.add_argument("--sample", type=int, help="numbers per length (and single drawings): a quick run")
    args = parser.parse_args(argv)
    from benchmarks.harness import serving_app

    app, loaded = serving_app()
    if args.tune:
        tune(build_folds(loaded.model))
        return 0
    if args.diagnose:
        folds = build_folds(loaded.model)
        diagnose(folds, training_numbers(folds, args.sample))
        return 0
    singles = None
    if args.sample:
        singles = [reference.draw_real(i, style) for i in split_indices()[1][:args.sample] for style in reference.STYLES]
    met = report(app, args.sample / APART[2] if args.sample else 1.0, singles)
    print("\nevery target met" if met else "\nsome targets missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
