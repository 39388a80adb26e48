"""A start-up warning for a set-up that lets clients choose their own address.

With TRUSTED_PROXIES above 0 the app takes the client's address from X-Forwarded-For. That is right behind
nginx, and only if nothing else can reach the port: a client that connects to a public address directly
writes any address it likes there, and walks past the rate limits and its share of a training run.
"""
import ipaddress
import logging
import socket

log = logging.getLogger(__name__)


def is_public(host):
    """True when ``host`` (an address or a name) listens where the outside may reach it: every interface
    (0.0.0.0, ::) or an address that is neither loopback, private nor link-local."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host or "0.0.0.0", None)}
    except socket.gaierror:
        return False  # gunicorn will refuse to bind it anyway
    for address in addresses:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
        if parsed.is_unspecified or not (parsed.is_loopback or parsed.is_private or parsed.is_link_local):
            return True
    return False


def warn_if_exposed(host, trusted_proxies):
    """Log a warning (and return True) when the app binds a public ``host`` yet trusts X-Forwarded-For."""
    if trusted_proxies <= 0 or not is_public(host):
        return False
    log.warning("Bound to %s with TRUSTED_PROXIES=%d: a client that reaches this port directly sets its own "
                "address in X-Forwarded-For and walks past the rate limits and the per-client share. Bind to "
                "127.0.0.1 (or a private address) behind nginx, or set TRUSTED_PROXIES=0 (docs/deploy.md).",
                host, trusted_proxies)
    return True
