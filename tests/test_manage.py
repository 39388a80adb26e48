"""manage.py commands, run as a user runs them: in a subprocess with storage in a temporary folder."""
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.drawing import ZERO, draw_strokes
from tests.signed import write_signed


KEY = "cli-test-key"


def manage(storage, *args, stdin=None):
    env = dict(os.environ, STORAGE_DIR=str(storage), MODEL_SIGNING_KEY=KEY)
    return subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=600)


def stored_versions(storage):
    """(version, checksum) of every model version stored in the folder's SQLite database."""
    with sqlite3.connect(storage / "app.db") as connection:
        return connection.execute("SELECT version, checksum FROM model_blobs ORDER BY version").fetchall()


@pytest.fixture(scope="module")
def storage(tmp_path_factory, trained):
    """A storage folder holding the session's model (the shipped configuration) as a pre-versions file."""
    folder = tmp_path_factory.mktemp("cli-storage")
    write_signed(folder / "classifier.pkl", *trained, key=KEY.encode())
    listing = manage(folder, "models", "list")  # the first start adopts the file as version 1
    assert listing.returncode == 0 and [v for v, _ in stored_versions(folder)] == [1], listing.stderr
    return folder


def test_train_stores_model_and_prints_accuracy(tmp_path):
    result = manage(tmp_path, "train", "--variants", "1")  # the CLI's work, not the model's: few variants
    assert result.returncode == 0, result.stderr
    assert "Cross-validated accuracy: 0." in result.stdout and "'synthetic': 5437" in result.stdout  # 1437 + 4000
    assert "'handwriting': 4000" in result.stdout
    assert "Stored in the database (sqlite:///" in result.stdout and "version 1 is active" in result.stdout
    [(version, checksum)] = stored_versions(tmp_path)
    assert version == 1 and (tmp_path / "models" / f"v1-{checksum}.pkl").is_file()  # this instance's copy


def test_train_if_missing_keeps_a_usable_model(storage):
    before = stored_versions(storage)
    result = manage(storage, "train", "--if-missing")
    assert result.returncode == 0 and "nothing to do" in result.stdout
    assert stored_versions(storage) == before


def test_train_if_missing_rebuilds_a_damaged_model(tmp_path):
    (tmp_path / "classifier.pkl").write_bytes(b"garbage")
    result = manage(tmp_path, "train", "--if-missing", "--variants", "1")
    assert result.returncode == 0, result.stderr
    assert "not a signed model file" in result.stderr and "Cross-validated accuracy" in result.stdout


def test_predict_prints_digit_and_confidence(storage, tmp_path):
    zero = tmp_path / "zero.png"
    draw_strokes(ZERO).save(zero)
    result = manage(storage, "predict", "tests/data/seven.png", str(zero))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("tests/data/seven.png: 7 (") and lines[0].endswith("%)")
    # the k=5 voters, most of them 7s (this wide-barred 7 has had 1s among its nearest in some draws of the variants)
    assert lines[1].startswith("  closest training digits: ") and lines[1].count("distance") == 5
    assert lines[1].count("7 (") >= 3
    assert lines[2].startswith(f"{zero}: 0 (")


def test_predict_says_when_it_is_not_sure(storage, tmp_path):
    scribble = tmp_path / "scribble.png"
    draw_strokes([[(20, 20), (260, 240), (30, 250), (250, 30), (140, 270), (20, 140), (270, 150)]]).save(scribble)
    result = manage(storage, "predict", str(scribble))
    assert result.returncode == 0, result.stderr
    assert "not sure: far_from_training_data" in result.stdout.splitlines()[0]


def test_predict_reports_bad_files_and_fails(storage, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    result = manage(storage, "predict", str(bad), str(tmp_path / "missing.png"))
    assert result.returncode == 1
    assert "bad.png: error:" in result.stdout and "missing.png: error:" in result.stdout


def test_predict_without_model_says_how_to_train(tmp_path):
    result = manage(tmp_path, "predict", "tests/data/seven.png")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "error: No trained model" in result.stderr and "manage.py train" in result.stderr


def test_shell_has_app_and_repo(storage):
    result = manage(storage, "shell", "--no-ipython", "--no-bpython", "--no-ptipython", "--no-ptpython",
                    stdin="print('model at', repo.path(repo.current().version).name)\n")
    assert f"model at v1-{stored_versions(storage)[0][1]}.pkl" in result.stdout + result.stderr
