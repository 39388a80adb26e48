"""app/errors.py: every domain error of app/exceptions.py has its row in the one table, and is answered by it."""
import inspect

import pytest

from app import exceptions
from app.errors import DOMAIN_ERRORS

DOMAIN_CLASSES = [cls for _, cls in inspect.getmembers(exceptions, inspect.isclass)
                  if issubclass(cls, exceptions.DomainError) and cls is not exceptions.DomainError]


def test_every_error_class_is_a_domain_error_or_a_start_up_error():
    classes = {cls for _, cls in inspect.getmembers(exceptions, inspect.isclass) if cls.__module__ == exceptions.__name__}
    assert classes - set(DOMAIN_CLASSES) == {exceptions.DomainError, exceptions.ConfigurationError}


@pytest.mark.parametrize("cls", DOMAIN_CLASSES, ids=lambda cls: cls.__name__)
def test_every_domain_error_has_a_row(cls):
    assert cls in DOMAIN_ERRORS


@pytest.mark.parametrize("cls", DOMAIN_CLASSES, ids=lambda cls: cls.__name__)
def test_a_domain_error_is_answered_with_its_row(empty_app, cls):
    def fail():
        raise cls("What went wrong, and what to do next.")

    empty_app.add_url_rule("/api/fails", view_func=fail)
    response = empty_app.test_client().get("/api/fails")
    status, code = DOMAIN_ERRORS[cls]
    assert response.status_code == status
    assert response.get_json() == {"error": {"code": code, "message": "What went wrong, and what to do next."}}
