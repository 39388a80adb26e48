"""Domain errors. Each one subclasses the builtin a caller would expect and says what to do next."""


class InvalidImageError(ValueError):
    """The payload is not a decodable image."""


class ImageTooLargeError(ValueError):
    """The image is wider or taller than the configured limit."""


class EmptyImageError(ValueError):
    """The image has no ink: nothing was drawn."""


class ModelUnavailableError(RuntimeError):
    """No trained model is stored yet."""


class ModelIntegrityError(RuntimeError):
    """The stored model file fails its signature check (tampered, truncated or another key)."""


class ConfigurationError(RuntimeError):
    """A setting the app cannot start without is missing or wrong; the message says what to set."""


class TooManyDigitsError(ValueError):
    """A number drawing holds more digits than one request reads."""
