"""Domain errors. Each one subclasses the builtin a caller would expect and says what to do next.

Storage, learning, recognition and jobs raise these, never HTTP errors: app/errors.py holds the one table
that answers each ``DomainError`` with its status and error code.
"""


class DomainError(Exception):
    """An error a request may meet below the API; the message is the reply's ``message``."""


class InvalidImageError(DomainError, ValueError):
    """The payload is not a decodable image."""


class ImageTooLargeError(DomainError, ValueError):
    """The image is wider or taller than the configured limit."""


class EmptyImageError(DomainError, ValueError):
    """The image has no ink: nothing was drawn."""


class ModelUnavailableError(DomainError, RuntimeError):
    """No trained model is stored yet."""


class ModelIntegrityError(DomainError, RuntimeError):
    """The stored model file fails its signature check (tampered, truncated or another key)."""


class UnknownModelError(DomainError, LookupError):
    """No model version has that number."""


class ModelNotReadyError(DomainError, RuntimeError):
    """Only a ready model version can be activated; this one is training or failed."""


class TrainingInProgressError(DomainError, RuntimeError):
    """Another version is training: one run at a time."""


class TrainingAbandonedError(DomainError, RuntimeError):
    """The run's version was declared failed (no progress for TRAINING_TIMEOUT), so the run stops."""


class QueueUnavailableError(DomainError, RuntimeError):
    """The training queue (Redis at REDIS_URL) cannot be reached."""


class QualityGateError(DomainError, RuntimeError):
    """The quality gate refuses a version that reads the reference set worse than the active one."""


class UnknownFeedbackError(DomainError, LookupError):
    """No feedback has that id."""


class ConfigurationError(RuntimeError):
    """A setting the app cannot start without is missing or wrong; the message says what to set.

    Raised while the app starts, never during a request: it is no ``DomainError``.
    """


class TooManyDigitsError(DomainError, ValueError):
    """A number drawing holds more digits than one request reads."""
