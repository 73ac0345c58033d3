"""Per-request memory for look-ups a request makes again and again (the authority tree, which authority manages
a region): kept in the request's `g`, dropped by forget() whenever the authority tree changes."""

from functools import wraps

from flask import g, has_request_context


def per_request(function):
    @wraps(function)
    def remembered(*args):
        if not has_request_context():
            return function(*args)
        store = g.setdefault("memo", {})
        key = (function.__qualname__, args)
        if key not in store:
            store[key] = function(*args)
        return store[key]

    return remembered


def forget():
    if has_request_context():
        g.pop("memo", None)
