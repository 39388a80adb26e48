"""Flask's JSON replies written by orjson (Rust), several times faster than the standard library, numpy arrays and
scalars written as lists and numbers. The same values and key order as the standard library's compact output; the
bytes differ only where JSON allows either spelling: non-ASCII characters as UTF-8 rather than ``\\u`` escapes, and
exponents without a leading zero (``5e-5``, not ``5e-05``).

Parsing stays the standard library's (``DefaultJSONProvider.loads``): it accepts exactly what it always did, and
a request's JSON parse is a small share of its cost. A value orjson refuses (an integer beyond 64 bits) falls back to
the standard library, so a reply never fails for the encoder's sake.
"""
import numpy as np
import orjson
from flask.json.provider import DefaultJSONProvider, _default

OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def numpy_or_flask_default(value):
    """What neither encoder writes natively: numpy arrays orjson leaves over (not C-contiguous) and numpy scalars as
    lists and numbers, the rest as Flask writes it (dates, UUIDs, dataclasses)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return _default(value)


class OrjsonProvider(DefaultJSONProvider):
    """``app.json``: ``dumps`` and ``response`` by orjson, keys in insertion order (``sort_keys = False``)."""

    sort_keys = False
    default = staticmethod(numpy_or_flask_default)

    def encode(self, obj):
        """``obj`` -> JSON bytes, compact."""
        try:
            return orjson.dumps(obj, default=self.default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().dumps(obj, separators=(",", ":")).encode()

    def dumps(self, obj, **kwargs):
        if kwargs:  # indentation or other options only the standard library knows
            return super().dumps(obj, **kwargs)
        return self.encode(obj).decode()

    def response(self, *args, **kwargs):
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)  # indented, for people reading it
        body = self.encode(self._prepare_response_obj(args, kwargs)) + b"\n"
        return self._app.response_class(body, mimetype=self.mimetype)
