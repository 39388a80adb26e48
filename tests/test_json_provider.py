"""app.api.json_provider: replies encoded by orjson hold what the standard library's encoder would write."""
import json

import numpy as np
import pytest
from flask import Flask

from app.api.json_provider import OrjsonProvider


@pytest.fixture
def app():
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    return app


@pytest.fixture
def provider(app):
    return app.json


@pytest.mark.parametrize("value", [
    {"digit": 7, "probabilities": [0.0, 0.25, 1e-06, 0.123457], "uncertain": False, "reason": None},
    {"b": 1, "a": [{"nested": "é…"}], "n": -3.5},
    {"big": 2 ** 70},  # beyond orjson's 64 bits: the standard library writes it
])
def test_same_values_and_key_order_as_the_standard_library(provider, value):
    text = provider.dumps(value)
    assert json.loads(text) == value
    assert list(json.loads(text)) == list(value)  # insertion order, not sorted
    assert " " not in text.replace("é…", "")  # compact


def test_numpy_arrays_and_scalars_are_lists_and_numbers(provider):
    grid = np.arange(64, dtype=np.uint8).reshape(8, 8)
    value = {"input": grid, "transposed": grid.T, "distance": np.float32(0.5), "count": np.int64(3)}
    assert json.loads(provider.dumps(value)) == {"input": grid.tolist(), "transposed": grid.T.tolist(),
                                                 "distance": 0.5, "count": 3}


def test_a_reply_is_compact_json_with_a_newline(app, provider):
    with app.app_context():
        response = provider.response({"digit": 3, "input": np.zeros((2, 2), dtype=np.uint8)})
    assert response.mimetype == "application/json"
    assert response.get_data() == b'{"digit":3,"input":[[0,0],[0,0]]}\n'


def test_debug_replies_are_indented_by_the_standard_library(app, provider):
    app.debug = True
    with app.app_context():
        assert b'\n  "digit": 3' in provider.response({"digit": 3}).get_data()
