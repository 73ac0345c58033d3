"""会计信用信息 on the portal (/portal/credit/): the accountant's own records, whoever entered them, and the
declaration of one's own 守信 or 失信 with its proof, recorded at once (002 §十二(五): 会计人员可以直接申报记载).
Rules: console.archive.credit_records."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, TextAreaField

from console.archive import credit_records
from console.errors import RuleViolation
from console.infra import clock, images
from console.profiles import current_profile
from models import CreditRecord
from models.credit_record import CREDIT_KINDS, CREDIT_SOURCES, CREDIT_STATES
from views import auth
from views.forms import Form, attach_violation, posted

bp = Blueprint("credit", __name__, url_prefix="/portal/credit")


def init_app(app):
    app.register_blueprint(bp)


bp.before_request(auth.accountants_only)


class DeclarationForm(Form):
    kind = SelectField("类别", choices=CREDIT_KINDS.options("请选择"))
    occurred_on = DateField("发生日期")
    description = TextAreaField("事由（获得的表彰奖励，或受到的处罚、处理）")
    proof = FileField("证明材料扫描件（表彰文件、获奖证书或处罚决定书等）")


@bp.route("/", methods=("GET", "POST"))
def index():
    form = DeclarationForm()
    if not posted(form):
        return _page(form)
    try:
        credit_records.declare(
            current_user._get_current_object(),
            form.kind.data,
            form.occurred_on.data,
            form.description.data,
            form.proof.data.read() if form.proof.data else b"",
            current_profile,
            clock.today(),
        )
    except RuleViolation as refusal:
        attach_violation(form, refusal, "description")
        return _page(form, 422)
    flash("已申报，信用信息已记入您的会计人员档案", "success")
    return redirect(url_for(".index"))


def _page(form, status=200):
    person = current_user.accountant
    records = CreditRecord.select().where(CreditRecord.accountant == person).order_by(CreditRecord.occurred_on.desc())
    return render_template(
        "portal/credit.html",
        form=form,
        person=person,
        records=list(records),
        kinds=CREDIT_KINDS.labels,
        sources=CREDIT_SOURCES.labels,
        states=CREDIT_STATES.labels,
        rules={
            kind: images.ImageRule.for_slot(current_profile, slot) for kind, slot in credit_records.PROOF_SLOTS.items()
        },
    ), status
