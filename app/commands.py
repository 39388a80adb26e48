"""manage.py commands for the database, model versions and feedback: ``db``, ``models``, ``feedback``, training."""
import sys

from flask import current_app
from flask_script_ng import Command, Manager
from tqdm import tqdm

from .jobs import training_runs
from .learning import gate
from .storage import retention, versions
from .storage.export import export as export_feedback
from .exceptions import DomainError, QualityGateError

db = Manager(usage="Database schema (Alembic migrations; the app also upgrades at start-up)")
models = Manager(usage="List model versions and choose the active one")
feedback = Manager(usage="Export people's feedback")


def _database():
    return current_app.extensions["database"]


def _percent(value):
    return "-" if value is None else f"{value:.2%}"


def train_version(with_feedback=False, variants=None, force=False):
    """Train a new version in the foreground with a progress bar, then activate it through the quality gate
    -> (version, metadata, the gate's refusal or None)."""
    from .recognition.classifier_factory import ClassifierFactory  # training code: imported by the commands that train

    factory = ClassifierFactory() if variants is None else ClassifierFactory(n_variants=variants,
                                                                             handwriting_variants=variants)
    database = _database()
    version = training_runs.start(database, factory, current_app.config["TRAINING_TIMEOUT"])
    with tqdm(total=100, desc=f"Training version {version}", unit="%", file=sys.stderr,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}") as bar:
        metadata = training_runs.train(database, current_app.extensions["classifier_repo"], factory, version,
                                       with_feedback, progress=lambda f: bar.update(round(100 * f) - bar.n),
                                       timeout=current_app.config["TRAINING_TIMEOUT"],
                                       client_share=current_app.config["FEEDBACK_CLIENT_SHARE"])
    try:
        activate_version(version, force)
    except QualityGateError as refusal:
        return version, metadata, refusal
    return version, metadata, None


def activate_version(version, force=False):
    """Activate ``version`` through the quality gate (``force`` overrides it, logged) -> its row."""
    with _database().Session() as session:
        return gate.activate(session, current_app.extensions["classifier_repo"], version, current_app.config,
                             force=force, who="manage.py")


@db.option("--sql", dest="sql", action="store_true", help="print the SQL instead of running it")
def upgrade(sql=False):
    """Migrate the database to the latest schema and print its revision."""
    from alembic import command as alembic

    database = _database()
    if sql:
        alembic.upgrade(database.alembic_config(), "head", sql=True)
        return 0
    database.upgrade()
    print(f"Database {database.url.render_as_string(hide_password=True)} is at revision {database.revision()}.")
    return 0


@db.option("--days", dest="days", type=float, help="keep this many days (default: PREDICTION_RETENTION_DAYS)")
def prune(days=None):
    """Delete predictions older than PREDICTION_RETENTION_DAYS that got no feedback, with their images."""
    days = current_app.config["PREDICTION_RETENTION_DAYS"] if days is None else days
    rows, freed = retention.prune(_database(), days)
    kept = "every prediction is kept (retention 0)" if days <= 0 else f"older than {days:g} days without feedback"
    print(f"Pruned {rows} predictions {kept}: {freed} bytes of images freed.")
    return 0


@db.option("message", metavar="MESSAGE", help="what the migration does")
def revision(message):
    """Write a new migration from the difference between app/storage/records.py and the database (autogenerate)."""
    from alembic import command as alembic

    with _database().engine.begin() as connection:
        alembic.revision(_database().alembic_config(connection), message=message, autogenerate=True)
    return 0


def list_models():
    """Print every model version, newest first; * marks the active one."""
    with _database().Session() as session:
        active = versions.active_version(session)
        rows = [versions.to_json(row, active, current_app.config["TRAINING_TIMEOUT"])
                for row in versions.listing(session)]
    if not rows:
        print("No model versions yet. Train one with `python manage.py train`.")
    for row in rows:
        status = f"training {row['progress']:.0%}" if row["status"] == "training" else row["status"]
        samples = ", ".join(f"{name} {count}" for name, count in (row["samples"] or {}).items())
        print(f"{'*' if row['active'] else ' '} v{row['version']:<4} {status:<13} {row['created']}  "
              f"cv {_percent(row['cv_accuracy'])}  feedback {_percent(row['feedback_accuracy'])}  "
              f"reference {_reference(row['reference'])}  {samples}"
              + (f"  error: {row['error']}" if row["error"] else ""))
    return 0


def _reference(reference):
    """A version's reference accuracy in one column: overall, then each digit 0..9."""
    if not reference:
        return "-"
    overall = reference["all"]
    return f"{overall['overall']:.2%} [" + " ".join(f"{share:.0%}" for share in overall["per_digit"]) + "]"


@models.option("--force", dest="force", action="store_true",
               help="activate even when the quality gate refuses (logged)")
@models.option("version", type=int, metavar="VERSION", help="a ready version (see `models list`)")
def activate(version, force=False):
    """Serve VERSION from now on, if it reads the reference set no worse than the versions served so far (--force:
    anyway)."""
    try:
        activate_version(version, force)
    except DomainError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Version {version} is active.")
    return 0


def model_path():
    """Print this instance's copy of the active model version, a signed model file (to copy it, or serve it
    elsewhere as CLASSIFIER_STORAGE)."""
    with _database().Session() as session:
        version = versions.active_version(session)
    if version is None:
        print("error: no model version is active. Train one with `python manage.py train`.", file=sys.stderr)
        return 1
    print(current_app.extensions["classifier_repo"].path(version))
    return 0


@feedback.option("path", metavar="FILE", help="FILE.csv or FILE.npz")
def export(path):
    """Write every feedback example (features, label, prediction) to FILE: CSV or NPZ by extension."""
    try:
        with _database().Session() as session:
            count = export_feedback(session, path)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Exported {count} feedback examples to {path}.")
    return 0


models.add_command("list", Command(list_models))
models.add_command("path", Command(model_path))
