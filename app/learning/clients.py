"""Who sent a request: the client address (after ProxyFix, when TRUSTED_PROXIES says a proxy is in front)
and the keyed hash of it that is stored with feedback, so addresses are never kept in the clear."""
import hashlib
import hmac

from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from ..storage.model_file import resolve_signing_key

HASH_HEX = 16  # 64 bits of the HMAC: no collisions among any realistic number of clients


def client_address():
    """The request's client address: the socket peer, or the address a trusted proxy forwarded."""
    return request.remote_addr or "unknown"


def client_hash(address, key):
    """A stable pseudonym for ``address``; without the key it cannot be reversed by trying every address."""
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:HASH_HEX]


def current_client():
    """The pseudonym of this request's client."""
    return client_hash(client_address(), current_app.extensions["client_key"])


def init_app(app):
    """Trust X-Forwarded-For from TRUSTED_PROXIES proxies (none by default) and derive the hashing key."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    # Its own key, derived from the signing secret every instance shares: the same client hashes alike everywhere.
    app.extensions["client_key"] = hmac.new(resolve_signing_key(app.config), b"feedback client",
                                            hashlib.sha256).digest()
