"""The collection wizard (/portal/collection): the profile's sections in order, a draft saved at every step
(steps), the scans (uploads) and the forms they are typed in (forms)."""

from functools import wraps

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from console.collection import lifecycle
from console.collection.sections import TITLES
from console.errors import RuleViolation
from console.filings import entry
from console.infra.images import ImageRule
from console.profiles import current_profile
from models import ReviewEvent
from views import auth

bp = Blueprint("wizard", __name__, url_prefix="/portal/collection")
bp.before_request(auth.accountants_only)


def init_app(app):
    from views.portal.wizard import steps, uploads  # noqa: F401  (their routes join the blueprint)

    app.register_blueprint(bp)


def section_keys():
    return current_profile.sections


def step_url(key, offset):
    index = section_keys().index(key) + offset
    return (
        url_for(".section", key=section_keys()[index]) if 0 <= index < len(section_keys()) else url_for("portal.home")
    )


def render(template, collection, key, **context):
    return render_template(
        template,
        collection=collection,
        key=key,
        steps=[(k, TITLES[k]) for k in section_keys()],
        title=TITLES[key],
        prev_url=step_url(key, -1),
        next_url=step_url(key, +1),
        **context,
    )


def with_draft(view):
    """The route works on the applicant's editable draft, passed first; when there is none to edit now
    (submitted, approved, or an entry filing comes first) the reason is shown on the portal's home."""

    @wraps(view)
    def guarded(*args, **kwargs):
        try:
            collection = lifecycle.editable(current_user.accountant)
            if collection is None:
                entry.check_may_collect(current_user.accountant, current_profile)
                collection = lifecycle.open_draft(current_user.accountant)
        except RuleViolation as refusal:
            flash(str(refusal), "warning")
            return redirect(url_for("portal.home"))
        return view(collection, *args, **kwargs)

    return guarded


def return_reasons(collection):
    """The reasons of the last return, if the collection came back: shown at their fields."""
    if collection.status != "returned":
        return []
    event = collection.events.where(ReviewEvent.kind == "return").order_by(ReviewEvent.id.desc()).first()
    return list(event.reasons) if event else []


def upload_rules():
    slots = ("photo", "id_front")
    return {slot: ImageRule.for_slot(current_profile, slot).describe() for slot in slots}
