"""档案调转 on the portal (/portal/transfer): an archived person asks to leave for another province, with a
reason, and follows the request; after it is confirmed the page says where the archive went. Rules:
console.archive.transfers."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectField, TextAreaField

from console.archive import transfers
from console.archive.duplicates import PROVINCES
from console.errors import RuleViolation
from console.profiles import current_profile
from models.transfer import TRANSFER_STATES
from views import auth
from views.forms import Form, attach_violation, options, posted

bp = Blueprint("portal_transfer", __name__, url_prefix="/portal/transfer")
bp.before_request(auth.accountants_only)


def init_app(app):
    app.register_blueprint(bp)


class RequestForm(Form):
    province = SelectField("调入省份", validate_choice=False)
    reason = TextAreaField("调出原因")


@bp.route("/", methods=("GET", "POST"))
def index():
    form = RequestForm()
    form.province.choices = options(
        [("", "请选择")] + [(code, name) for code, name in PROVINCES.items() if code != current_profile.province_code]
    )
    status = 200
    if posted(form):
        try:
            account = current_user._get_current_object()
            transfers.request_out(account, form.province.data, form.reason.data, current_profile)
        except RuleViolation as refusal:
            attach_violation(form, refusal)
            status = 422
        else:
            flash("已提交档案调出申请，请等待会计管理部门确认", "success")
            return redirect(url_for(".index"))
    person = current_user.accountant
    return render_template(
        "portal/transfer.html",
        form=form,
        person=person,
        latest=transfers.latest_out(person),
        states=TRANSFER_STATES.labels,
    ), status
