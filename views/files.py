"""Stored scans, served only to those entitled to them; anyone else is told there is no such file."""

import io

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required

from console.collection import attachments
from console.infra import storage
from models import Attachment

bp = Blueprint("files", __name__, url_prefix="/files")


def init_app(app):
    app.register_blueprint(bp)


def _readable(attachment_id):
    attachment = Attachment.get_or_none(Attachment.id == attachment_id)
    if attachment is None or not attachments.can_read(current_user, attachment):
        abort(404)  # the same answer whether it exists or not
    return attachment


@bp.route("/<int:attachment_id>")
@login_required
def original(attachment_id):
    attachment = _readable(attachment_id)
    attachments.record_read(current_user, attachment)
    return _send(attachment.storage_name, attachment.content_type)


@bp.route("/<int:attachment_id>/thumbnail")
@login_required
def thumbnail(attachment_id):
    attachment = _readable(attachment_id)
    return _send(storage.thumbnail_name(attachment.storage_name), "image/jpeg")


def _send(name, mimetype):
    response = send_file(io.BytesIO(storage.read(name)), mimetype=mimetype, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
