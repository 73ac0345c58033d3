"""Response headers (Flask-Talisman): a Content-Security-Policy that runs only the site's own scripts and
those carrying the page's nonce (no inline handlers: static/confirm.js asks the confirmations), no framing,
no sniffing, no referrer to other sites, HSTS behind HTTPS, and no page or file of personal data kept in a
cache. Werkzeug's server, with QuietRequestHandler, names neither itself nor Python."""

from flask import request
from flask_talisman import Talisman
from werkzeug.serving import WSGIRequestHandler

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def init_app(app):
    https = app.config["SESSION_COOKIE_SECURE"]
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the proxy in front, which redirects plain HTTP
        strict_transport_security=https,
        session_cookie_secure=https,
        frame_options="DENY",
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="same-origin",
    )
    app.after_request(_private)


def nonce():
    """This response's CSP nonce, for the inline scripts Flask-Admin writes."""
    return getattr(request, "csp_nonce", "")


def _private(response):
    if not (request.endpoint or "").endswith("static") and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's server, its Server header naming neither itself nor Python's version."""

    def version_string(self):
        return "console"
