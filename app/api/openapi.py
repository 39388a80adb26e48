"""GET /api/openapi.json: the OpenAPI 3 description of the whole API, from app/api/openapi.yaml."""
import copy
import functools
from pathlib import Path

import yaml
from flask import current_app

from . import api

SPEC_FILE = Path(__file__).resolve().parent / "openapi.yaml"


@functools.cache
def load_spec():
    """The checked-in description, parsed once per process."""
    return yaml.safe_load(SPEC_FILE.read_text())


@functools.cache
def openapi_spec(max_batch_size):
    """The description with this server's batch limit filled in."""
    spec = copy.deepcopy(load_spec())
    spec["components"]["schemas"]["BatchRequest"]["properties"]["images"]["maxItems"] = max_batch_size
    return spec


@api.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description, as JSON."""
    return openapi_spec(current_app.config["MAX_BATCH_SIZE"])
