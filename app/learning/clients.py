"""Who sent a request: the client address (after ProxyFix, when TRUSTED_PROXIES says a proxy is in front)
and the keyed hash of it that is stored with feedback, so addresses are never kept in the clear.

An IPv6 client is its /64: one subscriber usually gets a whole /64 and can use any address in it, so keying on
the full address would let it rotate past the rate limits and its share of a training run.
"""
import hashlib
import hmac
import ipaddress

from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from ..storage.model_file import resolve_signing_key

HASH_HEX = 16  # 64 bits of the HMAC: no collisions among any realistic number of clients
IPV6_CLIENT_PREFIX = 64  # the addresses one IPv6 subscriber is given


def client_of(address):
    """The client an address belongs to: an IPv4 address itself, an IPv6 address's /64 ("2001:db8:1:2::/64").

    IPv4-mapped IPv6 addresses (::ffff:192.0.2.1) count as their IPv4 address; anything that is not an
    address (a Unix socket's peer, a test client) is kept as it is.
    """
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone ("fe80::1%eth0")
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))


def client_address():
    """The request's client: the socket peer, or the address a trusted proxy forwarded (IPv6: its /64)."""
    return client_of(request.remote_addr or "unknown")


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
