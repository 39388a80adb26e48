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
import statistics
import time

import numpy as np

from app.recognition import number_drawings, reference
from app.recognition import preprocessing as pp
from app.recognition import segmentation
from app.recognition.handwriting import load_real_digits, split_indices

SEED = 2323
APART = {2: 200, 3: 200, 4: 200, 5: 150, 6: 150}  # numbers per length
TOUCHING = 400  # pairs
TARGETS = {"2-4 apart": 0.92, "5-6 apart": 0.85, "touching pairs": 0.75}
BUDGET_MS = 5.0  # time per number <= digits x one /predict + this, p99
MERGE_GRID = (0.3, 0.5, 0.7)  # segmentation.MERGE_OVERLAP tried on numbers apart
SPLIT_GRID = {"aspect": (1.0, 1.1, 1.2), "gain": (0.7, 0.8, 0.9), "far_whole": (0.7, 0.85, 1.0)}  # on touching pairs
TUNE_NUMBERS = 60  # numbers per length (and touching pairs) when tuning
TUNE_SINGLES = 600  # training digits drawn alone when tuning
REFUSED = {}  # length -> digit choices drawn again because they touch only nested


def png_bytes(image):
    """The PNG file the page would upload."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def composed(indices, per_length, touching, seed):
    """[(PNG bytes, truth string)]: ``per_length[n]`` numbers of n digits drawn from ``indices``; touching pairs
    when ``touching``."""
    images, labels = load_real_digits()
    rng = np.random.default_rng(seed)
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
            numbers.append((png_bytes(number_drawings.render(drawing, rng)), "".join(map(str, labels[chosen]))))
            made += 1
    return numbers


def read(reader, raw):
    """The number the reader reads from PNG bytes, as the endpoint reads it."""
    return "".join(str(digit.prediction.digit) for digit in reader.read(pp.open_image(raw)))


def post(client, path, raw):
    """(the JSON reply to a multipart upload of PNG bytes, milliseconds)."""
    started = time.perf_counter()
    response = client.post(path, data={"image": (io.BytesIO(raw), "drawing.png")})
    elapsed = (time.perf_counter() - started) * 1000
    return response.get_json(), elapsed


def digits_right(truth, answer):
    """Digits read right in their place (none when the count differs: which box is which is unknown)."""
    return sum(a == b for a, b in zip(truth, answer)) if len(truth) == len(answer) else 0


def score(numbers, answer_of):
    """(whole numbers right, digits right, digits, times in ms) of ``numbers``; ``answer_of(raw)`` ->
    (number read, ms)."""
    whole = right = total = 0
    times = []
    for raw, truth in numbers:
        answer, elapsed = answer_of(raw)
        whole += answer == truth
        right += digits_right(truth, answer)
        total += len(truth)
        times.append(elapsed)
    return whole, right, total, times


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
    validation = split_indices()[1]
    per_length = {n: max(1, round(c * scale)) for n, c in APART.items()}
    apart = {n: composed(validation, {n: c}, False, SEED + n) for n, c in per_length.items()}
    pairs = composed(validation, {2: max(1, round(TOUCHING * scale))}, True, SEED)
    drawings = singles if singles is not None else reference.all_real_drawings()[0]
    same, count, single_times = singles_agree(client, drawings)
    one = percentile(single_times, 0.99)
    print(f"one /api/predict, {count} single drawings: p50 {percentile(single_times, 0.5):.1f} ms, p99 {one:.1f} ms")
    print(f"\n{'numbers':16}{'count':>7}{'whole':>9}{'digits':>9}{'p50 ms':>9}{'p99 ms':>9}{'budget':>9}")

    def answer_of(raw):
        body, elapsed = post(client, "/api/predict/number", raw)
        return body["number"], elapsed

    groups, results, met = {}, {}, True
    for length, numbers in apart.items():
        results[f"{length} apart"] = score(numbers, answer_of)
        groups.setdefault("2-4 apart" if length <= 4 else "5-6 apart", []).append(f"{length} apart")
    results["touching pairs"] = score(pairs, answer_of)
    groups["touching pairs"] = ["touching pairs"]
    for name, (whole, right, total, times) in results.items():
        budget = total / len(times) * one + BUDGET_MS
        met &= percentile(times, 0.99) <= budget
        print(f"{name:16}{len(times):7d}{whole / len(times):9.1%}{right / total:9.1%}{percentile(times, 0.5):9.1f}"
              f"{percentile(times, 0.99):9.1f}{budget:9.1f}")
    print(f"\n{'group':16}{'whole':>9}{'target':>9}")
    for group, names in groups.items():
        whole = sum(results[n][0] for n in names) / sum(len(results[n][3]) for n in names)
        met &= whole >= TARGETS[group]
        print(f"{group:16}{whole:9.1%}{TARGETS[group]:9.0%}")
    print(f"touching pairs: {REFUSED.get(2, 0)} digit pairs drawn again because their strokes meet only when one is "
          f"pushed into the other by more than {number_drawings.TOUCH_OVERLAP:.0%} of the height")
    print(f"\nsingle digits through /api/predict/number reading exactly as /api/predict: {same} of {count}")
    print("budget: the number's digits x one /api/predict p99 + 5 ms, against the number's p99")
    return met and same == count


def training_singles(indices, seed=SEED):
    """Training digits drawn alone in both styles, as the reference set draws the validation ones."""
    return [reference.draw_real(index, style, seed) for index in indices for style in reference.STYLES]


def tune(model):
    """Choose the thresholds on numbers and single drawings of the TRAINING digits: first the merge overlap on
    numbers apart, then the split thresholds that keep every single digit as /predict reads it and read the most
    touching pairs right."""
    training = split_indices()[0]
    apart = composed(training, {n: TUNE_NUMBERS for n in APART}, False, SEED + 100)
    pairs = composed(training, {2: TUNE_NUMBERS * 2}, True, SEED + 101)
    singles = training_singles(np.random.default_rng(SEED).choice(training, TUNE_SINGLES // 2, replace=False))
    alone = [str(model.predict_one(*pp.drawing_from_image(image)).digit) for image in singles]
    singles = [png_bytes(image) for image in singles]
    for overlap in MERGE_GRID:
        reader = segmentation.NumberReader(model, overlap=overlap)
        print(f"overlap {overlap:.2f}: numbers apart read right {np.mean([read(reader, raw) == t for raw, t in apart]):.1%}",
              flush=True)
    print(f"{'aspect':>8}{'gain':>8}{'far':>8}{'touching':>10}{'singles':>9}")
    rows = []
    for aspect, gain, far_whole in itertools.product(*SPLIT_GRID.values()):
        reader = segmentation.NumberReader(model, aspect=aspect, gain=gain, far_whole=far_whole)
        touching = np.mean([read(reader, raw) == truth for raw, truth in pairs])
        same = np.mean([read(reader, raw) == digit for raw, digit in zip(singles, alone)])
        print(f"{aspect:8.2f}{gain:8.2f}{far_whole:8.2f}{touching:10.1%}{same:9.1%}", flush=True)
        rows.append(((same, touching), (aspect, gain, far_whole)))
    print("best split thresholds (aspect, gain, far):", max(rows, key=lambda row: row[0])[1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="choose the thresholds on the training digits")
    parser.add_argument("--sample", type=int, help="numbers per length (and single drawings): a quick run")
    args = parser.parse_args(argv)
    from benchmarks.harness import serving_app

    app, loaded = serving_app()
    if args.tune:
        tune(loaded.model)
        return 0
    singles = None
    if args.sample:
        singles = [reference.draw_real(i, style) for i in split_indices()[1][:args.sample] for style in reference.STYLES]
    met = report(app, args.sample / APART[2] if args.sample else 1.0, singles)
    print("\nevery target met" if met else "\nsome targets missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
