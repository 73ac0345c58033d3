"""材料示例 images, for anyone: they are nobody's personal data. Each is cached for a while and revalidated by its
SHA-256 (the ETag); a page links it with that checksum in the query, so a replaced sample shows at once.
Rules: console.content.samples."""

from flask import Blueprint, Response, abort, request

from console.content import samples
from console.infra import storage

bp = Blueprint("samples", __name__, url_prefix="/samples")

MAX_AGE = 300


def init_app(app):
    app.register_blueprint(bp)


# The endpoints end in "static": like the site's own static files, a sample is public and kept in caches, and its
# request leaves the session alone (views.security and views.auth tell static files by that ending).
@bp.route("/<slot>", endpoint="image_static")
def image(slot):
    found = _found(slot)
    return _send(found.storage_name, found.content_type, found.sha256)


@bp.route("/<slot>/thumbnail", endpoint="thumbnail_static")
def thumbnail(slot):
    found = _found(slot)
    return _send(storage.thumbnail_name(found.storage_name), "image/jpeg", found.sha256 + "-thumbnail")


def _found(slot):
    found = samples.sample(slot)
    if found is None:
        abort(404)
    return found


def _send(name, mimetype, etag):
    """The file, or 304 without reading it when the asker holds this version."""
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(storage.read(name), mimetype=mimetype)
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response
