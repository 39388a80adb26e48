"""Turning predictions into the JSON the API answers."""


def prediction_json(prediction, features):
    """The reply body for one prediction."""
    return {
        "digit": prediction.digit,
        "probabilities": [round(float(p), 6) for p in prediction.probabilities],
        "input": features.reshape(8, 8).tolist(),
    }
