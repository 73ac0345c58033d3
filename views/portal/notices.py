"""What the province and its bureaus publish, for anyone: 通知公告 (a paged list, each at a stable address),
操作指南, 常见问题, and their files. A person signed in sees their bureau's and those above it; anyone else, the
province's. A draft or withdrawn item opens only for the staff who may preview it. Rules: console.content."""

import io

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user
from markupsafe import Markup

from console.content import notices
from console.infra import storage
from console.org.access import is_accountant
from models import Content, ContentFile

bp = Blueprint("notices", __name__)


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals.update(latest_notices=latest_notices, guide_for_step=guide_for_step)


def _area():
    """The bureau whose people the reader is one of; None when not signed in as an accountant."""
    return current_user.accountant.authority_id if is_accountant(current_user) else None


def latest_notices(authority_id=None):
    """For the home and sign-in pages: the newest notices a person of this bureau sees."""
    return list(notices.visible_notices(authority_id).limit(notices.LATEST))


def guide_for_step(step):
    """For the wizard: the guide that explains the step to this person, or None."""
    return notices.guide_for_step(step, _area())


@bp.route("/notices/")
def notice_list():
    page = max(request.args.get("page", 1, type=int), 1)
    query = notices.visible_notices(_area())
    shown = list(query.paginate(page, notices.PAGE_SIZE + 1))  # one more: whether a next page exists
    return render_template(
        "portal/notices.html",
        items=shown[: notices.PAGE_SIZE],
        page=page,
        more=len(shown) > notices.PAGE_SIZE,
    )


@bp.route("/notices/<int:content_id>")
def notice(content_id):
    return _page(content_id, "notice")


@bp.route("/guides/")
def guide_list():
    return render_template("portal/notice_guides.html", items=list(notices.visible("guide", notices.area(_area()))))


@bp.route("/guides/<int:content_id>")
def guide(content_id):
    return _page(content_id, "guide")


@bp.route("/faq")
def faq():
    items = [(item, _body(item)) for item in notices.visible("faq", notices.area(_area()))]
    return render_template("portal/notice_faq.html", items=items)


@bp.route("/notices/files/<int:file_id>")
def content_file(file_id):
    attached = ContentFile.get_or_none(ContentFile.id == file_id)
    if attached is None or not notices.readable(attached.content, current_user):
        abort(404)  # the same answer whether it exists or not
    response = send_file(
        io.BytesIO(storage.read(attached.storage_name)),
        mimetype=attached.content_type,
        download_name=attached.filename,
        as_attachment=attached.content_type == "application/pdf",  # saved, never run in the site's origin
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page(content_id, kind):
    item = Content.get_or_none(Content.id == content_id, Content.kind == kind)
    if item is None or not notices.readable(item, current_user):
        abort(404)
    return render_template(
        "portal/notice.html",
        item=item,
        body=_body(item),
        files=list(item.files.order_by(ContentFile.id)),
        expired=notices.expired(item),
    )


def _body(item):
    return Markup(notices.render_body(item.body))  # sanitised: console.content.notices.render_body
