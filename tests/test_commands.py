"""manage.py db / models / feedback commands and training from the command line."""
import csv

import numpy as np
import pytest

from app import commands
from app.storage.db import SCHEMA_HEAD
from app.storage.model_file import read_signed
from tests.db_fixtures import ADMIN, BOTH_DATABASES
from tests.signed import write_signed
from tests.test_api import seven_uri
from tests.test_manage import manage


@pytest.fixture
def context(quick_app):
    with quick_app.app_context():
        yield quick_app


def give_feedback(app, labels):
    """Label a seven with each of ``labels``; the admin accepts the ones held for review."""
    client = app.test_client()
    app.config["FEEDBACK_CLIENT_SHARE"] = 1.0  # one test client (the share: test_share.py)
    for label in labels:
        prediction = client.post("/api/predict", json={"image": seven_uri()}).get_json()
        response = client.post("/api/feedback", json={"prediction_id": prediction["prediction_id"], "label": label})
        assert response.status_code == 201
        client.post("/api/feedback/review", json={"ids": [response.get_json()["id"]], "status": "accepted"},
                    headers=ADMIN)


@BOTH_DATABASES
def test_train_with_feedback_shows_progress_and_activates(context, capsys):
    give_feedback(context, [1, 7])
    version, metadata, refusal = commands.train_version(with_feedback=True)
    assert version == 2 and metadata["samples"]["feedback"] == 2 and refusal is None
    assert context.extensions["classifier_repo"].current().version == 2
    progress = capsys.readouterr().err
    assert "Training version 2:" in progress and "100%" in progress


def test_train_without_feedback_leaves_it_out(context):
    give_feedback(context, [1])
    assert commands.train_version()[1]["samples"]["feedback"] == 0


def test_models_list_and_activate(context, capsys):
    commands.train_version()
    assert commands.list_models() == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("* v2") and "ready" in lines[0]
    assert lines[1].startswith("  v1") and "cv 9" in lines[1]
    assert commands.activate(1) == 0 and "Version 1 is active" in capsys.readouterr().out
    assert context.extensions["classifier_repo"].current().version == 1
    assert commands.activate(7) == 1 and "no model version 7" in capsys.readouterr().err


def test_models_path_prints_the_active_file(context, capsys):
    assert commands.model_path() == 0
    path = capsys.readouterr().out.strip()
    registry = context.extensions["classifier_repo"]
    assert path.endswith(f"v1-{registry.blobs.checksum(1)}.pkl") and read_signed(path, registry.key)[1]["version"] == 1
    commands.train_version()
    assert commands.model_path() == 0 and capsys.readouterr().out.strip().endswith(f"v2-{registry.blobs.checksum(2)}.pkl")


def test_export_csv_and_npz(context, tmp_path):
    give_feedback(context, [1, 7])
    assert commands.export(str(tmp_path / "f.csv")) == 0
    with open(tmp_path / "f.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["label"], row["predicted"], row["model_version"]) for row in rows] == [("1", "7", "1"),
                                                                                         ("7", "7", "1")]
    assert len(rows[0]) == 8 + 64 and rows[0]["created"].endswith("Z")
    assert [row["status"] for row in rows] == ["accepted", "accepted"] and len(rows[0]["client"]) == 16
    assert commands.export(str(tmp_path / "f.npz")) == 0
    data = np.load(tmp_path / "f.npz")
    assert data["inputs"].shape == (2, 8, 8) and data["inputs"].dtype == np.uint8
    assert data["labels"].tolist() == [1, 7] and data["predicted"].tolist() == [7, 7]
    assert data["statuses"].tolist() == ["accepted", "accepted"]
    assert data["inputs"][0].ravel().tolist() == [int(rows[0][f"f{i}"]) for i in range(64)]


def test_export_needs_a_known_extension(context, tmp_path, capsys):
    assert commands.export(str(tmp_path / "f.txt")) == 2
    assert ".csv or .npz" in capsys.readouterr().err


def test_the_commands_run_from_the_command_line(quick_trained, tmp_path):
    write_signed(tmp_path / "classifier.pkl", *quick_trained, key=b"cli-test-key")
    result = manage(tmp_path, "db", "upgrade")
    assert result.returncode == 0 and f"is at revision {SCHEMA_HEAD}" in result.stdout, result.stderr
    result = manage(tmp_path, "models", "list")
    assert result.returncode == 0 and result.stdout.startswith("* v1    ready"), result.stderr


@BOTH_DATABASES
def test_db_prune_deletes_old_predictions_without_feedback(context, capsys):
    from tests.test_retention import age, stored_ids

    client = context.test_client()
    ids = [client.post("/api/predict", json={"image": seven_uri()}).get_json()["prediction_id"] for _ in range(3)]
    assert client.post("/api/feedback", json={"prediction_id": ids[0], "label": 7}).status_code == 201
    age(context, ids, days=31)
    assert commands.prune() == 0
    assert stored_ids(context) == [ids[0]]
    assert "Pruned 2 predictions older than 30 days without feedback" in capsys.readouterr().out
