"""Uncertainty benchmark: ``python -m benchmarks.uncertainty`` (``make bench-uncertainty``).

Sends the real validation digits drawn on a canvas (``app.recognition.reference``: never trained on) and
non-digits (scribbles, circles, squares, crosses, letters, dots, long lines, two digits side by side;
benchmarks/nondigits.py) through POST /api/predict and prints how many of each are flagged "uncertain",
by reason and by kind, and the accuracy on the digits that are not flagged.
"""
from collections import Counter

import numpy as np

from app.recognition import reference
from benchmarks.handdrawn import render_handdrawn
from benchmarks.harness import serving_app
from evaluation.nondigits import KINDS, render_nondigits

SEED = 2025
PER_KIND = 60


def replies(client, images):
    """The JSON replies of /api/predict for each image (an error reply counts as flagged)."""
    return [client.post("/api/predict", json={"image": data_uri(image)}).get_json() for image in images]


def flag(reply):
    """Why a reply tells the user not to trust a digit: its reason, an error code, or None."""
    if "error" in reply:
        return reply["error"]["code"]
    return reply.get("reason") if reply.get("uncertain") else None


def main():
    app, loaded = serving_app()
    client = app.test_client()
    digits, truth = reference.all_real_drawings()
    others, kinds = render_nondigits(per_kind=PER_KIND, seed=SEED)

    digit_replies, other_replies = replies(client, digits), replies(client, others)
    digit_flags = [flag(r) for r in digit_replies]
    other_flags = [flag(r) for r in other_replies]
    answered = np.array([r.get("digit", -1) for r in digit_replies])
    kept = np.array([f is None for f in digit_flags])

    threshold = loaded.metadata.get("far_threshold")
    print(f"Model version {loaded.version}: far threshold {threshold} (mean distance to the k nearest)")
    print(f"\nNon-digits flagged uncertain: {np.mean([f is not None for f in other_flags]):.1%} "
          f"of {len(others)} (target >= 80%)")
    for kind in KINDS:
        flags = [f for f, k in zip(other_flags, kinds) if k == kind]
        print(f"  {kind:9s} {np.mean([f is not None for f in flags]):6.1%}  {dict(Counter(f for f in flags if f))}")
    print(f"\nReal validation digits flagged uncertain: {1 - kept.mean():.1%} of {len(digits)} (target <= 5%) "
          f"{dict(Counter(f for f in digit_flags if f))}")
    print(f"Accuracy on the digits not flagged: {np.mean(answered[kept] == truth[kept]):.1%} "
          f"({kept.sum()} drawings); on all digits: {np.mean(answered == truth):.1%}")
    print(f"Accuracy on the flagged digits: {np.mean(answered[~kept] == truth[~kept]):.1%} ({(~kept).sum()})")

    hand, _ = render_handdrawn(renderings=4, seed=SEED)
    hand_flags = [flag(r) for r in replies(client, hand)]
    print(f"\nHand-drawn digits (benchmarks/handdrawn.py) flagged: {np.mean([f is not None for f in hand_flags]):.1%} "
          f"of {len(hand)} {dict(Counter(f for f in hand_flags if f))}")


if __name__ == "__main__":
    main()
