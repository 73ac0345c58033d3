"""Response headers every page gets: no framing, no MIME sniffing, no referrer leaks to other sites."""

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_app(app):
    app.after_request(_secure)


def _secure(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
