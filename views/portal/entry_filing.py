"""入库备案 on the portal (/portal/entry): the two entry filings, the printable letter of an appointment
and the upload of its signed scan. Rules: console.filings.entry."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField

from console.collection import letters
from console.content import documents
from console.errors import RuleViolation
from console.filings import entry
from console.infra import clock, dictionaries
from console.infra.images import ImageRule
from console.profiles import current_profile
from models import Filing, ReturnReason, ReviewEvent
from models.filing import FILING_KINDS, FILING_STATES
from views import auth
from views.forms import Form, attach_violation, options, posted
from views.portal.documents import send_pdf

bp = Blueprint("entry", __name__, url_prefix="/portal/entry")


def init_app(app):
    app.register_blueprint(bp)


bp.before_request(auth.accountants_only)


@bp.before_request
def where_the_profile_files_entries():
    if not current_profile.entry_filing:
        abort(404)


class QualificationForm(Form):
    level = SelectField("专业技术资格级别", validate_choice=False)
    certificate_no = StringField("证书编号")
    acquired_on = DateField("取得时间")
    scan = FileField("专业技术资格证书扫描件")


class AppointmentForm(Form):
    unit_uscc = StringField("单位统一社会信用代码")
    post = SelectField("会计工作岗位", validate_choice=False)
    work_started_on = DateField("开始从事会计工作时间")


class LetterForm(Form):
    scan = FileField("签字盖章后的证明函扫描件")


def _choices(qualification, appointment):
    qualification.level.choices = options(
        [("", "请选择")] + [(n, n) for n in dictionaries.names("qualification_level") if n != "无"]
    )
    appointment.post.choices = options([("", "请选择")] + [(n, n) for n in dictionaries.names("post")])


def _page(qualification=None, appointment=None, status=200):
    qualification, appointment = qualification or QualificationForm(), appointment or AppointmentForm()
    _choices(qualification, appointment)
    latest = (
        Filing.select()
        .where(Filing.accountant == current_user.accountant_id, Filing.kind.in_(entry.KINDS))
        .order_by(Filing.id.desc())
        .first()
    )
    reasons = (
        list(
            ReturnReason.select()
            .join(ReviewEvent)
            .where(ReviewEvent.filing == latest, ReviewEvent.kind == "return")
            .order_by(ReturnReason.id.desc())
            .limit(1)
        )
        if latest and latest.status == "returned"
        else []
    )
    return render_template(
        "portal/entry.html",
        qualification=qualification,
        appointment=appointment,
        letter_form=LetterForm(),
        latest=latest,
        reasons=reasons,
        kinds=FILING_KINDS.labels,
        states=FILING_STATES.labels,
        rule=ImageRule.for_slot(current_profile, "letter").describe(),
    ), status


@bp.route("/")
def index():
    return _page()


@bp.route("/qualification", methods=("POST",))
def qualification():
    form = QualificationForm()
    posted(form)
    try:
        scan = form.scan.data.read() if form.scan.data else None
        if scan is None:
            raise RuleViolation("请上传专业技术资格证书扫描件", "scan")
        entry.file_qualification(
            current_user._get_current_object(),
            form.level.data,
            form.certificate_no.data,
            form.acquired_on.data,
            scan,
            current_profile,
            clock.today(),
        )
    except RuleViolation as refusal:
        attach_violation(form, refusal, "level")
        return _page(qualification=form, status=422)
    flash("已提交取得会计专业技术资格入库备案，请等待会计管理部门确认", "success")
    return redirect(url_for(".index"))


@bp.route("/appointment", methods=("POST",))
def appointment():
    form = AppointmentForm()
    posted(form)
    try:
        entry.start_appointment(
            current_user._get_current_object(),
            form.unit_uscc.data,
            form.post.data,
            form.work_started_on.data,
            clock.today(),
            current_profile,
        )
    except RuleViolation as refusal:
        attach_violation(form, refusal, "unit_uscc")
        return _page(appointment=form, status=422)
    flash("已保存，请打印证明函，由单位负责人签字、加盖公章后扫描上传", "success")
    return redirect(url_for(".index"))


def _own_appointment(filing_id):
    filing = Filing.get_or_none(
        Filing.id == filing_id, Filing.kind == "appointment", Filing.accountant == current_user.accountant_id
    )
    if filing is None:
        abort(404)
    return filing


@bp.route("/<int:filing_id>/letter")
def letter(filing_id):
    """The letter to print (PDF), with its verification code in words and in a QR code."""
    printed = documents.letter(*letters.for_filing(_own_appointment(filing_id)))
    return send_pdf(printed, documents.DOCUMENTS["letter"])


@bp.route("/<int:filing_id>/letter", methods=("POST",))
def upload_letter(filing_id):
    filing = _own_appointment(filing_id)
    form = LetterForm()
    posted(form)
    try:
        if not form.scan.data:
            raise RuleViolation("请选择证明函扫描件")
        difference = entry.upload_letter(
            filing, current_user._get_current_object(), form.scan.data.read(), current_profile
        )
    except RuleViolation as refusal:
        flash(str(refusal), "error")
    else:
        if difference:
            flash(f"证明函与填写的信息不一致，已退回：{difference}", "error")
        else:
            flash("证明函已上传，请等待会计管理部门确认", "success")
    return redirect(url_for(".index"))
