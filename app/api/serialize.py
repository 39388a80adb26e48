"""Turning predictions into the JSON the API answers."""


def neighbor_json(neighbor):
    """One training sample that voted."""
    return {
        "label": neighbor.label,
        "distance": round(neighbor.distance, 3),
        "source": neighbor.source,
        "input": neighbor.input.tolist(),
    }


def prediction_json(prediction, features):
    """The reply body for one prediction: the answer, what the model saw, who voted, how sure it is."""
    body = {
        "digit": prediction.digit,
        "probabilities": [round(float(p), 6) for p in prediction.probabilities],
        "input": features.reshape(8, 8).tolist(),
        "neighbors": [neighbor_json(n) for n in prediction.neighbors],
        "uncertain": prediction.uncertain,
    }
    if prediction.uncertain:
        body["reason"] = prediction.reason
    return body
