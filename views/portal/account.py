"""The accountant portal (/portal): registration, sign-in in the profile's modes, password reset, home
(with the yearly credits), and the application to be a unit's accounting head."""

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from peewee import fn
from wtforms import HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Optional

from console.archive.daily_rules import CreditRequirement
from console.errors import RuleViolation
from console.filings import students, unit_head
from console.infra import clock, images
from console.people import registration, sign_in
from console.people.identity import mask_id, mask_phone
from console.profiles import current_profile
from console.review import decisions
from models import Collection, EducationCredit, Filing, ReturnReason, ReviewEvent
from models.accountant import ID_TYPES
from models.collection import COLLECTION_STATES
from models.filing import FILING_STATES
from models.review import EVENT_KINDS
from views import auth, limits
from views.forms import Form, attach_violation, options

bp = Blueprint("portal", __name__, url_prefix="/portal")


def init_app(app):
    app.register_blueprint(bp)


def required(message):
    return [InputRequired(message)]


class RegisterForm(Form):
    name = StringField("姓名", validators=required("请输入姓名"))
    id_type = SelectField("证件类型", validators=required("请选择证件类型"))
    id_number = StringField("证件号码", validators=required("请输入证件号码"))
    phone = StringField("手机号码", validators=required("请输入手机号码"))
    captcha = StringField("图形验证码")
    sms_code = StringField("短信验证码")
    username = StringField("用户名")
    password = PasswordField("密码", validators=required("请设置密码"))
    confirm = PasswordField(
        "确认密码", validators=[InputRequired("请再次输入密码"), EqualTo("password", "两次输入的密码不一致")]
    )


class LoginForm(Form):
    mode = HiddenField()
    name = StringField("姓名", validators=required("请输入姓名"))
    id_number = StringField("证件号码", validators=required("请输入证件号码"))
    username = StringField("用户名", validators=required("请输入用户名"))
    phone = StringField("手机号码", validators=required("请输入手机号码"))
    password = PasswordField("密码", validators=required("请输入密码"))
    sms_code = StringField("短信验证码", validators=required("请输入短信验证码"))
    captcha = StringField("验证码", validators=required("请输入验证码"))
    next = HiddenField()


class LegacyCodeForm(Form):
    sms_code = StringField("短信验证码", validators=required("请输入短信验证码"))


class ResetForm(Form):
    phone = StringField("注册手机号", validators=required("请输入手机号码"))
    email = StringField("已验证的电子邮箱", validators=required("请输入电子邮箱"))
    captcha = StringField("图形验证码")
    sms_code = StringField("验证码")
    password = PasswordField("新密码", validators=required("请设置新密码"))
    confirm = PasswordField(
        "确认新密码", validators=[InputRequired("请再次输入新密码"), EqualTo("password", "两次输入的密码不一致")]
    )


def sending_code(form):
    """The form's 获取验证码 button was pressed (a second submit button, so it works without JavaScript)."""
    return form.is_submitted() and "send_code" in request.form


def send_code(form, send, *args, recipient=None, told="验证码已发送，5 分钟内有效"):
    """获取验证码: only with the captcha solved, and within the per-client limits (a captcha is used up by
    its one try, so the page comes back with a new one)."""
    recipient = form.phone.data if recipient is None else recipient
    try:
        if not auth.captcha_passes(form.captcha.data):
            raise RuleViolation("请先输入图形验证码，再获取短信验证码", "captcha")
        limits.sending(recipient or "")
        send(recipient, *args)
        flash(told, "success")
    except RuleViolation as violation:
        attach_violation(form, violation)
    form.captcha.data = ""


def _told_if_registered(channel):
    """What a code sent to an account's phone or e-mail says, whether or not it has an account."""
    held = "手机号已注册" if channel == "sms" else "电子邮箱已验证"
    return f"如该{held}，验证码已发送，5 分钟内有效"


@bp.route("/register", methods=("GET", "POST"))
def register():
    form = RegisterForm()
    form.id_type.choices = options([(key, label) for key, label in ID_TYPES if key in current_profile.id_types])
    uses_username = "username_password_captcha" in current_profile.login_modes
    if not uses_username:
        del form.username
    applicant = registration.Applicant(
        name=form.name.data or "",
        id_type=form.id_type.data,
        id_number=form.id_number.data or "",
        phone=form.phone.data or "",
        password=form.password.data or "",
        sms_code=form.sms_code.data or "",
        username=(form.username.data or "") if uses_username else "",
    )
    if sending_code(form):
        send_code(form, lambda _: registration.send_register_code(current_profile, applicant))
    elif form.validate_on_submit():
        try:
            account = registration.register(current_profile, applicant)
        except RuleViolation as violation:
            attach_violation(form, violation)
        else:
            if current_profile.sign_in_after_registration:  # 003 §1.2: 注册成功后进入信息采集填报界面
                auth.open_session(sign_in.by_password(account, applicant.password, applicant.phone))
                flash("注册成功，请填写信息采集表", "success")
                return redirect(url_for("wizard.start"))
            flash("注册成功，请登录后进行信息采集", "success")
            return redirect(url_for(".login"))
    return render_template("portal/register.html", form=form, uses_username=uses_username)


@bp.route("/login", methods=("GET", "POST"))
@limits.sign_in
def login():
    modes = current_profile.login_modes
    mode = request.values.get("mode") if request.values.get("mode") in modes else modes[0]
    form = LoginForm()
    for name in ("name", "id_number", "username", "phone", "password", "sms_code", "captcha"):
        if name not in registration.SIGN_IN_MODES[mode].fields:
            delattr(form, name)
    if not form.is_submitted():
        form.next.data = request.args.get("next", "")
    if sending_code(form):
        send_code(form, registration.send_account_code, "login", told=_told_if_registered("sms"))
    elif form.validate_on_submit():
        try:
            return _sign_in(mode, form)
        except RuleViolation as violation:
            attach_violation(form, violation)
    if "captcha" in form:
        form.captcha.data = ""
    return render_template(
        "portal/login.html", form=form, mode=mode, modes=[(m, registration.SIGN_IN_MODES[m].label) for m in modes]
    )


def _sign_in(mode, form):
    if "captcha" in form and not auth.captcha_passes(form.captcha.data):
        raise RuleViolation("验证码错误，请重新输入", "captcha")
    data = {name: form[name].data for name in registration.SIGN_IN_MODES[mode].fields}
    typed = data.get("id_number") or data.get("username") or data.get("phone")
    limits.tried(typed)
    account = registration.SIGN_IN_MODES[mode].find(data)
    if account is None and "password" in data and "id_number" in data:
        record = sign_in.legacy_first_sign_in(current_profile, data["id_number"], data["password"])
        if record is not None:
            session["legacy_sign_in"] = record.id_number
            return redirect(url_for(".legacy_sign_in"))
    if mode == "phone_sms":
        auth.open_session(sign_in.by_code(account, data["phone"].strip(), data["sms_code"], typed))
    else:
        auth.open_session(sign_in.by_password(account, data["password"], typed))
    return redirect(auth.safe_next(form.next.data, url_for(".home")))


@bp.route("/login/first", methods=("GET", "POST"))
@limits.sign_in
def legacy_sign_in():
    """The second step of an old-database person's first sign-in: the code sent to the old record's phone."""
    id_number = session.get("legacy_sign_in")
    if not id_number:
        return redirect(url_for(".login"))
    form = LegacyCodeForm()
    if form.validate_on_submit():
        try:
            account = sign_in.complete_legacy_sign_in(current_profile, id_number, form.sms_code.data)
        except RuleViolation as violation:
            attach_violation(form, violation)
        else:
            auth.open_session(account)
            return redirect(url_for(".home"))
    phone = mask_phone(sign_in.legacy_phone(id_number))
    return render_template("portal/legacy_sign_in.html", form=form, phone=phone)


@bp.route("/reset", methods=("GET", "POST"))
def reset():
    """By SMS, or by e-mail where the profile allows (002 §三.4)."""
    channels = current_profile.password_reset
    channel = request.values.get("by") if request.values.get("by") in channels else "sms"
    form = ResetForm()
    del form["email" if channel == "sms" else "phone"]
    recipient = (form.email if channel == "email" else form.phone).data
    if sending_code(form):
        told = _told_if_registered(channel)
        send_code(form, registration.send_account_code, "reset_password", channel, recipient=recipient, told=told)
    elif form.validate_on_submit():
        try:
            registration.reset_password(current_profile, recipient, form.sms_code.data, form.password.data, channel)
        except RuleViolation as violation:
            attach_violation(form, violation)
        else:
            flash("密码已重置，请用新密码登录", "success")
            return redirect(url_for(".login"))
    return render_template("portal/reset.html", form=form, channel=channel, channels=channels)


@bp.route("/logout", methods=("POST",))
def logout():
    return auth.sign_out(".login")


@bp.route("/")
@auth.accountant_required
def home():
    person = current_user.accountant
    latest = person.collections.order_by(Collection.id.desc()).first()
    events, reasons = (
        decisions.history(ReviewEvent.collection == latest, hidden=("claim", "release"))  # the back office's own
        if latest
        else ([], {})
    )
    return render_template(
        "portal/home.html",
        person=person,
        latest=latest,
        states=COLLECTION_STATES.labels,
        events=events,
        reasons=reasons,
        event_kinds=EVENT_KINDS.labels,
        credits=_yearly_credits(person),
        masked_id=mask_id(person.id_number),
        masked_phone=mask_phone(person.phone),
    )


def _yearly_credits(person):
    """继续教育学分 per year, providers summed, and whether the year's requirement was met."""
    requirement = CreditRequirement.from_profile(current_profile.continuing_education)
    years = (
        EducationCredit.select(
            EducationCredit.year, fn.SUM(EducationCredit.credits), fn.SUM(EducationCredit.professional_credits)
        )
        .where(EducationCredit.accountant == person)
        .group_by(EducationCredit.year)
        .order_by(EducationCredit.year.desc())
        .tuples()
    )
    tenth = Decimal("0.1")  # SQLite sums whole numbers to an int, PostgreSQL keeps the column's scale
    shown = [
        (year, Decimal(str(total)).quantize(tenth), Decimal(str(special)).quantize(tenth))
        for year, total, special in years
    ]
    return [(year, total, special, requirement.met(total, special)) for year, total, special in shown]


class HeadForm(Form):
    letter = FileField("单位会计机构负责人备案函（加盖单位公章的扫描件）")


@bp.route("/head", methods=("GET", "POST"))
@auth.accountant_required
def head():
    """Apply to be the unit's accounting head (单位会计机构负责人备案), and follow the application."""
    form = HeadForm()
    if form.validate_on_submit():
        try:
            if not form.letter.data:
                raise RuleViolation("请上传备案函扫描件", "letter")
            unit_head.apply_for_head(current_user._get_current_object(), form.letter.data.read(), current_profile)
        except RuleViolation as refusal:
            attach_violation(form, refusal, "letter")
        else:
            flash("已提交，请等待会计管理部门确认", "success")
            return redirect(url_for(".head"))
    latest, reasons = _latest_filing("unit_head")
    return render_template(
        "portal/head.html",
        form=form,
        person=current_user.accountant,
        latest=latest,
        reasons=reasons,
        states=FILING_STATES.labels,
        rule=images.ImageRule.for_slot(current_profile, "head_letter"),
    )


def _latest_filing(kind):
    """The applicant's latest filing of a kind, and the reasons it was returned with, if it was."""
    latest = (
        Filing.select()
        .where(Filing.kind == kind, Filing.accountant == current_user.accountant_id)
        .order_by(Filing.id.desc())
        .first()
    )
    if latest is None or latest.status != "returned":
        return latest, []
    return latest, list(
        ReturnReason.select().join(ReviewEvent).where(ReviewEvent.filing == latest, ReviewEvent.kind == "return")
    )


class StudentForm(Form):
    major = SelectField("所学专业", choices=options([("", "请选择")] + [(m, m) for m in students.ACCOUNTING_MAJORS]))
    graduation_year = IntegerField("预计毕业年份", validators=[Optional()])
    report = FileField("学籍在线验证报告（教育部学信网出具）")


@bp.route("/student", methods=("GET", "POST"))
@auth.accountant_required
def student():
    """会计类专业在校学生申报, and its state."""
    form = StudentForm()
    if form.is_submitted():
        try:
            if not form.validate():
                raise RuleViolation("请填写 4 位数字的预计毕业年份", "graduation_year")
            if not form.report.data:
                raise RuleViolation("请上传学籍在线验证报告", "report")
            students.apply_as_student(
                current_user._get_current_object(),
                form.major.data,
                form.graduation_year.data,
                form.report.data.read(),
                current_profile,
                clock.today().year,
            )
        except RuleViolation as refusal:
            attach_violation(form, refusal, "major")
        else:
            flash("已提交，请等待会计管理部门确认", "success")
            return redirect(url_for(".student"))
    latest, reasons = _latest_filing("student")
    return render_template(
        "portal/student.html",
        form=form,
        latest=latest,
        reasons=reasons,
        states=FILING_STATES.labels,
        rule=images.ImageRule.for_slot(current_profile, "student"),
    )
