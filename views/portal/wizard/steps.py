"""The wizard's steps: each section's form, saved as typed; looking up or adding the unit; verifying the
e-mail; the preview and submit; the printable letter; 信息变更 and withdrawing. Rules: console.collection."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField

from console.collection import answers, attachments, letters, lifecycle, rules, sections
from console.collection.sections import SECTIONS, TITLES
from console.errors import RuleViolation
from console.org import units
from console.people import verification
from console.profiles import current_profile
from models import Authority, Collection
from views.forms import attach_errors, options
from views.portal.wizard import bp, render, return_reasons, section_keys, step_url, upload_rules, uploads, with_draft
from views.portal.wizard.forms import FORMS, NOT_ANSWERS, UNIT_ADDING, YES_NO_FIELDS, SubmitForm, fill_choices

# Fields that only apply to one answer of another field; the page hides the others (static/wizard.js).
SHOWN_WHEN = {
    f.name: f"{f.shown_when[0]}={int(f.shown_when[1])}" for s in SECTIONS.values() for f in s.fields if f.shown_when
}


@bp.route("/")
@with_draft
def start(collection):
    key = collection.step if collection.step in section_keys() else section_keys()[0]
    return redirect(url_for(".section", key=key))


@bp.route("/<key>", methods=("GET", "POST"))
@with_draft
def section(collection, key):
    if key not in section_keys():
        abort(404)
    if key == "attachments":
        return uploads.attachments_page(collection)
    if key == "preview":
        return preview_page(collection)
    if key not in FORMS:  # 阅读须知 / 信息采集准备: reading only
        if request.method == "POST":
            return redirect(step_url(key, +1))
        return render("portal/wizard_notice.html", collection, key, rules=upload_rules())
    return form_page(collection, key)


def form_page(collection, key):
    form = FORMS[key]()
    if key == "qualification" and not current_profile.abacus:
        del form.abacus_level, form.abacus_certificate_no
    if key == "personal" and not current_profile.email_verification:
        del form.email_code
    fill_choices(form)
    if "residence_region_code" in form:
        form.residence_region_code.choices = options(
            [("", "请选择")]
            + [
                (a.region_code, a.name.removesuffix("财政局"))
                for a in Authority.select()
                .where(Authority.is_active, ~Authority.special, Authority.region_code.is_null(False))
                .order_by(Authority.code)
            ]
        )
    errors, adding_unit = {}, False
    action = request.form.get("action")
    if request.method == "GET":
        form.process(data=stored(collection, key))
    elif form.validate_on_submit():
        typed_answers = typed(form)
        lifecycle.save_section(collection, key, typed_answers)
        if action == "prev":
            return redirect(step_url(key, -1))
        if action in ("lookup", "add_unit"):
            errors, adding_unit = unit_action(collection, form, action)
            return render_form(collection, key, form, errors, adding_unit)
        if "email_code" in form:
            errors = email_action(collection, form, action)
            if action == "send_email_code" or errors:
                return render_form(collection, key, form, errors, adding_unit)
        errors = lifecycle.section_errors(collection, key, current_profile, typed_answers)
        if key == "commitment" and form.agree.data != "1":
            errors = {"agree": "不同意诚信提供信息承诺的，不能继续信息采集"}
        if not errors:
            return redirect(step_url(key, +1))
    return render_form(collection, key, form, errors, adding_unit)


def render_form(collection, key, form, errors, adding_unit):
    attach_errors(form, errors)
    given = answers.read(collection)
    registered = [
        (f.label, f.shown_value(given["personal"].get(f.name)))
        for f in SECTIONS["personal"].fields
        if f.kind == "fixed"
    ]
    return render(
        "portal/wizard_form.html",
        collection,
        key,
        form=form,
        reasons=return_reasons(collection),
        shown_when=SHOWN_WHEN,
        adding_unit=adding_unit,
        hidden_fields=() if adding_unit else UNIT_ADDING,
        unit=given["unit"],
        email_verified=given["personal"].get("email_verified"),
        registered=registered,
        route=routed_to(collection) if key == "post" else None,
    )


def email_action(collection, form, action):
    """Send the e-mail code, or check the one typed; returns errors by field."""
    try:
        address, code = (form.email.data or "").strip(), (form.email_code.data or "").strip()
        if action == "send_email_code":
            if not rules.EMAIL.match(address):
                raise RuleViolation("电子邮箱格式不正确", "email")
            verification.send_code(address, "verify_email", channel="email")
            flash("验证码已发送到您的电子邮箱，5 分钟内有效", "success")
        elif code:
            lifecycle.verify_email(collection, code)
            form.email_code.data = ""
            flash("电子邮箱已验证", "success")
    except RuleViolation as refusal:
        return {refusal.field or "email_code": str(refusal)}
    return {}


def unit_action(collection, form, action):
    """获取单位信息, or add the unit the system does not know yet; returns (errors, whether adding goes on)."""
    try:
        if action == "lookup":
            unit = units.find_unit(form.unit_uscc.data)
            if unit is None:
                flash("系统中还没有该单位：请填写单位信息、上传证书后添加（一个单位只需添加一次）", "warning")
                return {}, True
        else:
            licence = form.licence.data.read() if form.licence.data else b""
            if not licence:
                raise RuleViolation("请上传统一社会信用代码证书扫描件", "licence")
            unit = units.add_unit(
                form.unit_uscc.data,
                form.unit_name.data,
                form.unit_address.data,
                form.unit_economic_type.data,
                form.unit_phone.data,
                licence,
                current_profile,
                current_user._get_current_object(),
            )
    except RuleViolation as refusal:
        return {refusal.field or "unit_uscc": str(refusal)}, action == "add_unit"
    lifecycle.set_unit(collection, unit)
    flash(f"已获取单位信息：{unit.name}", "success")
    return {}, False


def typed(form):
    data = {}
    for field in form:
        if field.name == "csrf_token" or field.name in NOT_ANSWERS:
            continue
        value = field.data
        if field.name in YES_NO_FIELDS:
            value = {"1": True, "0": False}.get(value)
        elif isinstance(field, (StringField, SelectField)):
            value = (value or "").strip()
        data[field.name] = value
    return data


def stored(collection, key):
    if key in answers.RECORD_MODELS:
        return answers.record(collection, key)
    if key == "commitment":
        return {"agree": "1" if collection.commitment_at else None}
    given = answers.read(collection)
    if key == "education":
        return {f"{mode}_{k}": v for mode in ("full_time", "part_time") for k, v in given[mode].items()}
    values = dict(given["qualification" if key == "talent" else key])
    for name in YES_NO_FIELDS:
        if values.get(name) is not None:
            values[name] = "1" if values[name] else "0"
    return values


def routed_to(collection):
    given = answers.read(collection)
    if not given["post"]:
        return None
    try:
        return rules.route(given["post"], collection.accountant.id_number[:6], current_profile.name)
    except (RuleViolation, KeyError, AttributeError):
        return None


def preview_page(collection):
    form = SubmitForm()
    if form.validate_on_submit():
        if not form.confirm.data:
            form.confirm.errors = ["请阅读并勾选真实性承诺"]
        else:
            try:
                lifecycle.submit(collection, current_user._get_current_object(), current_profile)
            except RuleViolation as refusal:
                flash(str(refusal), "error")
            else:
                flash("提交成功！请等待审核，勿重复提交", "success")
                return redirect(url_for("portal.home"))
    given, uploaded = answers.read(collection), lifecycle.scans(collection)
    keys = [key for key in section_keys() if SECTIONS[key].fields and key != "commitment"]
    return render(
        "portal/wizard_preview.html",
        collection,
        "preview",
        form=form,
        gaps=lifecycle.missing(collection, current_profile, given, uploaded),
        titles=TITLES,
        shown=sections.shown(answers.flat(given), keys),
        uploaded=uploaded,
        slots=attachments.SLOTS,
        route=routed_to(collection),
    )


@bp.route("/letter")
@with_draft
def letter(collection):
    """The printable 从事会计工作证明函, where the profile asks for it."""
    if current_profile.work_proof != "letter":
        abort(404)
    try:
        facts, code = letters.letter(collection)
    except RuleViolation as refusal:
        flash(str(refusal), "warning")
        return redirect(url_for(".section", key="post"))
    return render_template("portal/letter.html", facts=facts, code=code, qr=letters.qr_svg(code, facts))


@bp.route("/change", methods=("POST",))
def change():
    """信息变更: a copy of what the archive holds, to edit and submit for review."""
    try:
        lifecycle.open_change(current_user.accountant)
    except RuleViolation as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("portal.home"))
    return redirect(url_for(".start"))


@bp.route("/withdraw", methods=("POST",))
def withdraw():
    latest = current_user.accountant.collections.order_by(Collection.id.desc()).first()
    try:
        if latest is None:
            raise RuleViolation("没有可撤回的信息采集")
        lifecycle.withdraw(latest, current_user._get_current_object())
        flash("已撤回，可以修改后重新提交", "success")
    except RuleViolation as refusal:
        flash(str(refusal), "error")
    return redirect(url_for("portal.home"))
