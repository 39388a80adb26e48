"""`python manage.py worker` training the test suite's quick model: load_digits as shipped plus feedback
(``tests.db_fixtures.quick_training_set``), without the reference drawings, so a run takes seconds.

The multi-instance tests start it (`python -m tests.quick_worker`) where they need runs to finish: they
test the set-up, not accuracy. Their run to be killed mid-way uses the real `manage.py worker`.
"""
import runpy
import sys
from pathlib import Path

from app.recognition import classifier_factory, training_set
from tests.db_fixtures import quick_training_set


def unmeasured(_model):
    """No reference accuracy: drawing the reference set takes minutes, and nothing here reads it."""
    return None


if __name__ == "__main__":
    training_set.build_training_set = quick_training_set
    classifier_factory.reference_accuracy = unmeasured
    sys.argv = ["manage.py", "worker", *sys.argv[1:]]
    runpy.run_path(str(Path(__file__).resolve().parent.parent / "manage.py"), run_name="__main__")
