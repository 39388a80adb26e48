"""Turning predictions into the JSON the API answers.

The 8x8 grids stay numpy arrays: the JSON provider (``json_provider.OrjsonProvider``) writes them as nested lists
in C, without a Python list per row.
"""


def neighbor_json(neighbor):
    """One training sample that voted."""
    return {
        "label": neighbor.label,
        "distance": round(neighbor.distance, 3),
        "source": neighbor.source,
        "input": neighbor.input,
    }


def prediction_json(prediction, features):
    """The reply body for one prediction: the answer, what the model saw, who voted, how sure it is."""
    body = {
        "digit": prediction.digit,
        "probabilities": [round(p, 6) for p in prediction.probabilities.tolist()],
        "input": features.reshape(8, 8),
        "neighbors": [neighbor_json(n) for n in prediction.neighbors],
        "uncertain": prediction.uncertain,
    }
    if prediction.uncertain:
        body["reason"] = prediction.reason
    return body
