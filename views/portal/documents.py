"""模板下载: the profile's documents (console.content.documents) — blank for anyone at /templates/, filled from
the signed-in accountant's own collection at /portal/templates/. The wizard's printable work proof and the
entry filing's 证明函 are sent from here too (send_pdf)."""

from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from console.collection import lifecycle
from console.collection.attachments import ALL_SLOTS
from console.content import documents
from console.errors import RuleViolation
from console.extensions import login_manager
from console.org.access import is_accountant
from console.profiles import current_profile
from console.review.export import disposition
from views import auth

bp = Blueprint("documents", __name__)

BLANK_MAX_AGE = 3600


def init_app(app):
    if not Path(app.config["PDF_FONT"]).is_file():
        raise RuntimeError(f"PDF_FONT 指向的字体文件不存在：{app.config['PDF_FONT']}")
    app.register_blueprint(bp)
    login_manager.blueprint_login_views[bp.name] = "portal.login"  # a filled document asks an accountant's sign-in
    app.jinja_env.globals.update(document_for=document_for)


def document_for(slot):
    """For the wizard: the profile's document for an upload slot (its link beside the slot), or None."""
    return documents.serving(current_profile, slot)


@bp.route("/templates/")
def index():
    listed = [
        (document, [ALL_SLOTS[slot] for slot in document.slots if ALL_SLOTS[slot] != document.title])
        for document in documents.listed(current_profile)
    ]  # each with the uploads it is for, where they are called otherwise
    return render_template("portal/documents.html", listed=listed, signed_in=is_accountant(current_user))


# The endpoint ends in "static": a blank is the same for everyone, so like the site's static files it is kept in
# caches, and its request leaves the session alone (views.security and views.auth tell static files by that ending).
@bp.route("/templates/<key>.pdf", endpoint="blank_static")
def blank(key):
    document = _listed(key)
    if not document.blank:
        abort(404)
    return send_pdf(documents.blank(key), document, private=False)


@bp.route("/portal/templates/<key>.pdf")
@auth.accountant_required
def filled(key):
    person = current_user.accountant
    return filled_response(_listed(key), lifecycle.latest_of(person))


def filled_response(document, collection):
    """The document filled for the signed-in accountant from `collection` (theirs); where the 证明函 lacks the
    facts it is made of, back to the step that asks them."""
    try:
        content = documents.filled(document.key, current_user.accountant, collection)
    except RuleViolation as refusal:
        flash(str(refusal), "warning")
        return redirect(url_for("wizard.section", key="post"))
    return send_pdf(content, document)


def send_pdf(content, document, private=True):
    """A document as a download under its Chinese name; a filled one is the person's, kept by no cache."""
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = disposition(document.filename)
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.cache_control.public = True
        response.cache_control.max_age = BLANK_MAX_AGE
    return response


def _listed(key):
    document = documents.find(current_profile, key)
    if document is None:
        abort(404)
    return document
