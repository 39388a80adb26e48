"""GET /api/openapi.json: it covers the whole contract, and real replies match its response schemas."""
import re
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from openapi_schema_validator import OAS30Validator
from PIL import Image
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from tests.drawing import ONE, SEVEN, b64, data_uri, draw_strokes
from tests.test_preprocessing import png_claiming_size

CONTRACT = Path(__file__).resolve().parent.parent / "docs" / "api-contract.md"
SEVEN_URI = data_uri(draw_strokes(SEVEN))


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").get_json()


def contract_endpoints():
    """(method, path) of every endpoint docs/api-contract.md names, paths in OpenAPI's {param} form."""
    found = re.findall(r"\b(GET|POST|PUT|PATCH|DELETE) (/api/[\w/<>.-]+)", CONTRACT.read_text())
    return sorted({(method.lower(), re.sub(r"<(\w+)>", r"{\1}", path)) for method, path in found})


def check_reply(spec, path, method, response):
    """Validate a real reply against the spec's schema for its path, method, status and media type."""
    operation = spec["paths"][path][method]
    assert str(response.status_code) in operation["responses"], f"{response.status_code} not documented"
    reply = operation["responses"][str(response.status_code)]
    if "$ref" in reply:
        reply = spec["components"]["responses"][reply["$ref"].rsplit("/", 1)[1]]
    schema = reply["content"][response.mimetype]["schema"]
    # The spec is the root document, so "#/components/..." references resolve inside it.
    OAS30Validator({**spec, **schema}).validate(response.get_json())


def test_every_contract_endpoint_is_described(spec):
    assert len(contract_endpoints()) >= 10
    for method, path in contract_endpoints():
        assert method in spec["paths"].get(path, {}), f"{method.upper()} {path} missing from the spec"


def test_every_component_schema_is_a_valid_schema(spec):
    for name, schema in spec["components"]["schemas"].items():
        OAS30Validator.check_schema(schema)


def test_optional_prediction_fields_are_not_required(spec):
    prediction = spec["components"]["schemas"]["Prediction"]
    assert set(prediction["required"]) == {"digit", "probabilities", "input"}
    assert {"prediction_id", "model_version", "neighbors", "uncertain", "reason"} <= set(prediction["properties"])


def test_batch_limit_comes_from_settings(settings):
    settings.MAX_BATCH_SIZE = 7
    served = create_app(settings).test_client().get("/api/openapi.json").get_json()
    assert served["components"]["schemas"]["BatchRequest"]["properties"]["images"]["maxItems"] == 7


@pytest.mark.parametrize("path", ["/api/predict", "/api/predict/number"])
def test_the_store_switch_is_described(spec, path):
    [ref] = spec["paths"][path]["post"]["parameters"]
    store = spec["components"]["parameters"][ref["$ref"].rsplit("/", 1)[1]]
    assert store["name"] == "store" and store["in"] == "query" and store["schema"] == {"type": "boolean", "default": True}
    assert "prediction_id" in store["description"] and "invalid_store" in store["description"]


@pytest.mark.parametrize("path,method,kwargs", [
    ("/api/predict", "post", {"json": {"image": SEVEN_URI}}),
    ("/api/predict?store=false", "post", {"json": {"image": SEVEN_URI}}),
    ("/api/predict?store=maybe", "post", {"json": {"image": SEVEN_URI}}),
    ("/api/predict", "post", {"json": {"image": SEVEN_URI}, "headers": {"Accept": "text/plain"}}),
    ("/api/predict", "post", {"json": {}}),
    ("/api/predict", "post", {"json": {"image": "junk!"}}),
    ("/api/predict", "post", {"data": "not json", "content_type": "text/plain"}),
    ("/api/predict", "post", {"json": {"image": data_uri(Image.new("RGBA", (280, 280)))}}),
    ("/api/predict", "post", {"json": {"image": b64(png_claiming_size(9000, 9000))}}),
    ("/api/predict/batch", "post", {"json": {"images": [SEVEN_URI, "junk!", data_uri(draw_strokes(ONE))]}}),
    ("/api/predict/batch", "post", {"json": {"images": []}}),
    ("/api/predict/number", "post", {"json": {"image": SEVEN_URI}}),
    ("/api/predict/number", "post", {"json": {"image": SEVEN_URI}, "headers": {"Accept": "text/plain"}}),
    ("/api/predict/number", "post", {"json": {"image": data_uri(Image.new("RGBA", (600, 200)))}}),
    ("/api/predict/batch", "post", {"json": {"images": ["x"] * 257}}),
    ("/api/health", "get", {}),
    ("/api/ready", "get", {}),
    ("/api/openapi.json", "get", {}),
], ids=lambda value: value if isinstance(value, str) else None)
def test_real_replies_match_the_spec(client, spec, path, method, kwargs):
    response = getattr(client, method)(path, **kwargs)
    path = path.split("?")[0]
    if response.mimetype == "text/plain":
        assert re.fullmatch(spec["paths"][path][method]["responses"]["200"]["content"]["text/plain"]["schema"]
                            ["pattern"], response.get_data(as_text=True))
    else:
        check_reply(spec, path, method, response)


@pytest.mark.parametrize("path,method,kwargs", [
    ("/api/predict", "post", {"json": {"image": SEVEN_URI}}),
    ("/api/predict/batch", "post", {"json": {"images": [SEVEN_URI]}}),
    ("/api/health", "get", {}),
    ("/api/ready", "get", {}),
])
def test_replies_without_a_model_match_the_spec(empty_app, path, method, kwargs):
    client = empty_app.test_client()
    check_reply(client.get("/api/openapi.json").get_json(), path, method, getattr(client, method)(path, **kwargs))


def spec_operations():
    """(path, method) of every operation in the checked-in description."""
    import yaml

    spec = yaml.safe_load((CONTRACT.parent.parent / "app" / "api" / "openapi.yaml").read_text())
    return [(path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"]


@pytest.mark.parametrize("path,method", spec_operations())
def test_schemathesis(app, path, method):
    """Schemathesis generates requests from the served description and checks every reply against it."""
    routed = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()}
    if path not in routed:
        pytest.skip(f"{path} is described but not built yet")
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path][method.upper()]

    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                       response_schema_conformance])

    check()
