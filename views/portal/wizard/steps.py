"""The wizard's steps: each section's form, saved as typed; looking up or adding the unit; verifying the
e-mail; the preview and submit; the printable work proof; 信息变更 and withdrawing. Rules: console.collection."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectField, StringField

from console import profile_settings
from console.collection import answers, attachments, lifecycle, rules, sections
from console.collection.sections import SECTIONS, TITLES
from console.content import documents, notices
from console.errors import RuleViolation
from console.org import routing, unit_codes, units
from console.people import verification
from console.profiles import current_profile
from models import Collection
from models.collection import RESIDENCE_TYPES
from views.forms import attach_errors, options
from views.portal.documents import filled_response
from views.portal.wizard import bp, render, return_reasons, section_keys, step_url, uploads, with_draft
from views.portal.wizard.forms import BLANK, FORMS, NOT_ANSWERS, UNIT_ADDING, YES_NO_FIELDS, SubmitForm, fill_choices

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
        return render(
            "portal/wizard_notice.html",
            collection,
            key,
            notice=Markup(notices.render_body(current_profile.preparation_notice)),  # sanitised
            materials=profile_settings.materials(current_profile),
        )
    return form_page(collection, key)


def form_page(collection, key):
    given = answers.read(collection)
    form = prepared_form(collection, key, given)
    errors, adding_unit = {}, False
    action = request.form.get("action") or ("choose_unit" if "pick" in request.form else None)
    if request.method == "GET":
        form.process(data=stored(collection, key, given))
    elif form.validate_on_submit():
        typed_answers = typed(form)
        lifecycle.save_section(collection, key, typed_answers, current_profile)
        if action == "prev":
            return redirect(step_url(key, -1))
        if action in ("lookup", "add_unit", "choose_unit"):
            errors, adding_unit, matches = unit_action(collection, form, action)
            return render_form(collection, key, form, errors, adding_unit, matches)
        if "email_code" in form:
            errors = email_action(collection, form, action)
            if action == "send_email_code" or errors:
                return render_form(collection, key, form, errors, adding_unit)
        if "new_phone" in form:
            errors = phone_action(collection, form, action)
            if action == "send_phone_code" or errors:
                return render_form(collection, key, form, errors, adding_unit)
        errors = lifecycle.section_errors(collection, key, current_profile, typed_answers)
        if key == "commitment" and form.agree.data != "1":
            errors = {"agree": "不同意诚信提供信息承诺的，不能继续信息采集"}
        if not errors:
            return redirect(step_url(key, +1))
    return render_form(collection, key, form, errors, adding_unit)


def prepared_form(collection, key, given):
    """The section's form with the fields this profile and this person are asked, and today's choices."""
    form = FORMS[key]()
    editable = lifecycle.typed_identity(collection, given["personal"], current_profile) if key == "personal" else ()
    for spec in SECTIONS[key].fields:
        if spec.name in form and (
            not spec.asked(current_profile) or spec.kind == "registered" and spec.name not in editable
        ):
            del form[spec.name]
    if key == "personal" and not current_profile.email_verification:
        del form.email_code
    if key == "personal" and collection.kind != "change":  # a new phone only by a 信息变更, confirmed by a code
        del form.new_phone, form.phone_code
    if key == "post" and current_profile.routing != "unit":  # the unit's region is the work place chosen, or its code's
        del form.unit_region_code
    fill_choices(form)
    code = current_profile.province_code
    regions = options([("", BLANK), *routing.choosable_regions(code)])
    for name in ("residence_region_code", "work_region_code", "unit_region_code"):
        if name in form:
            form[name].choices = regions
    if "work_region_code" in form:
        form.work_region_code.label.text = current_profile.region_label
    if "chosen_authority" in form:
        form.chosen_authority.choices = options(
            [("", BLANK), *((str(i), n) for i, n in routing.choosable_authorities(code))]
        )
    if "residence_type" in form:
        kinds = current_profile.residence_types
        form.residence_type.choices = options([("", BLANK), *((k, RESIDENCE_TYPES.label(k)) for k in kinds)])
    if "unit_uscc" in form and current_profile.unit_codes != ["uscc"]:
        form.unit_uscc.label.text = "单位代码（统一社会信用代码、组织机构代码或营业执照注册号）或单位名称"
    return form


def render_form(collection, key, form, errors, adding_unit, matches=()):
    attach_errors(form, errors)
    given = answers.read(collection)
    registered = [
        (f.label, f.shown_value(given["personal"].get(f.name)))
        for f in SECTIONS["personal"].fields
        if f.kind in ("fixed", "registered") and f.name not in form
    ]
    if adding_unit and "unit_region_code" in form and not form.unit_region_code.data:
        form.unit_region_code.data = units.suggested_region(form.unit_uscc.data, current_profile)
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
        matches=matches,
        email_verified=given["personal"].get("email_verified"),
        registered=registered,
        route=routed_to(given) if key == "post" else None,
        proof_title=proof_title(),
    )


def proof_title():
    """The link to the printable work proof: 002's button is 【填写并打印证明函】, the others print a form."""
    proof = documents.serving(current_profile, current_profile.work_proof)
    return proof and ("填写并打印" if not proof.blank else "打印") + proof.title


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


def phone_action(collection, form, action):
    """信息变更 of the phone: send a code to the new number, or take the number once its code is typed."""
    try:
        if action == "send_phone_code":
            lifecycle.send_phone_code(collection, form.new_phone.data)
            flash("验证码已发送到新手机号，5 分钟内有效", "success")
        elif (form.phone_code.data or "").strip():
            lifecycle.change_phone(collection, form.new_phone.data, form.phone_code.data)
            form.new_phone.data = form.phone_code.data = ""
            flash("手机号码已更换，审核通过后生效", "success")
    except RuleViolation as refusal:
        return {refusal.field or "phone_code": str(refusal)}
    return {}


def unit_action(collection, form, action):
    """获取单位信息 (by code; by name, the units it names listed to choose from), or add the unit the system
    does not know yet; returns (errors, whether adding goes on, units to choose from)."""
    try:
        if action == "choose_unit":
            unit = units.Unit.get_or_none(units.Unit.id == request.form.get("pick", type=int))
            if unit is None or unit.state != "active":
                raise RuleViolation("请重新查找并选择单位", "unit_uscc")
        elif action == "lookup":
            by_code = unit_codes.kind_of(unit_codes.normalized(form.unit_uscc.data)) is not None
            found = units.find_units(form.unit_uscc.data, current_profile)
            if not (by_code and found):
                lifecycle.set_unit(collection, None)  # what was found before is no longer the answer
                return _not_found(by_code, found)
            unit = found[0]
        else:
            unit = _added(form)
    except RuleViolation as refusal:
        return {refusal.field or "unit_uscc": str(refusal)}, action == "add_unit", ()
    lifecycle.set_unit(collection, unit)
    form.unit_uscc.data = unit.uscc
    flash(f"已获取单位信息：{unit.name}", "success")
    return {}, False, ()


def _not_found(by_code, found):
    if found:
        flash("请在下列单位中选择您的工作单位", "warning")
        return {}, False, found
    if not by_code:
        return {"unit_uscc": "没有名称含此文字的单位；系统中没有的单位，请填写单位代码后添加"}, False, ()
    flash("系统中还没有该单位：请填写单位信息、上传证书后添加（一个单位只需添加一次）", "warning")
    return {}, True, ()


def _added(form):
    licence = form.licence.data.read() if form.licence.data else b""
    if not licence:
        raise RuleViolation("请上传统一社会信用代码证书扫描件", "licence")
    return units.add_unit(
        form.unit_uscc.data,
        form.unit_name.data,
        form.unit_address.data,
        form.unit_economic_type.data,
        form.unit_phone.data,
        licence,
        current_profile,
        current_user._get_current_object(),
        region_code=(form.unit_region_code.data if "unit_region_code" in form else "")
        or (form.work_region_code.data if "work_region_code" in form else ""),
    )


def typed(form):
    data = {}
    for field in form:
        if field.name == "csrf_token" or field.name in NOT_ANSWERS:
            continue
        value = field.data
        if field.name in YES_NO_FIELDS:
            value = {"1": True, "0": False}.get(value)
        elif field.name == "chosen_authority":
            value = int(value) if str(value or "").isdigit() and len(str(value)) < 10 else None
        elif isinstance(field, (StringField, SelectField)):
            value = (value or "").strip()
        data[field.name] = value
    return data


def stored(collection, key, given):
    if key in answers.RECORD_MODELS:
        return given[key]
    if key == "commitment":
        return {"agree": "1" if collection.commitment_at else None}
    if key == "education":
        return {f"{mode}_{k}": v for mode in ("full_time", "part_time") for k, v in given[mode].items()}
    values = dict(given[sections.STORED_IN.get(key, key)])
    for name in YES_NO_FIELDS:
        if values.get(name) is not None:
            values[name] = "1" if values[name] else "0"
    if values.get("chosen_authority") is not None:
        values["chosen_authority"] = str(values["chosen_authority"])
    return values


def routed_to(given):
    """The bureau the answers so far route to, shown on the unit step and the preview; None until they do."""
    if not given["post"]:
        return None
    try:
        return rules.route(given, current_profile)
    except (RuleViolation, KeyError, AttributeError):
        return None


@bp.route("/submit", methods=("POST",))
def submit():
    """提交审核. The second POST of a double click finds the collection submitted by the first (before or
    while it is handled) and lands on the same page as the first."""
    collection = lifecycle.latest_of(current_user.accountant)
    if collection is None:
        return redirect(url_for(".start"))
    if collection.status not in lifecycle.EDITABLE:
        return _submitted(collection.status)
    form = SubmitForm()
    if not form.validate_on_submit():
        return preview_page(collection, form)
    if not form.confirm.data:
        form.confirm.errors = ["请阅读并勾选真实性承诺"]
        return preview_page(collection, form)
    try:
        return _submitted(lifecycle.submit(collection, current_user._get_current_object(), current_profile).status)
    except RuleViolation as refusal:
        now = Collection.get_by_id(collection.id).status
        if now not in lifecycle.EDITABLE:
            return _submitted(now)
        flash(str(refusal), "error")
        return preview_page(collection, form)


def _submitted(status):
    """Where a submission lands: home, told it waits for review or passed at once."""
    if status in ("submitted", "approved"):
        flash("提交成功！请等待审核，勿重复提交" if status == "submitted" else "提交成功，已审核通过", "success")
    return redirect(url_for("portal.home"))


def preview_page(collection, form=None):
    given, uploaded = answers.read(collection), lifecycle.scans(collection)
    keys = [key for key in section_keys() if SECTIONS[key].fields and key != "commitment"]
    return render(
        "portal/wizard_preview.html",
        collection,
        "preview",
        form=form or SubmitForm(),
        gaps=lifecycle.missing(collection, current_profile, given, uploaded),
        off_duty=rules.off_duty_for_want_of_letter(current_profile, given["post"], {a.slot for a in uploaded}),
        titles=TITLES,
        shown=sections.shown(
            answers.flat(given), keys, current_profile, dict(routing.choosable_regions(current_profile.province_code))
        ),
        uploaded=uploaded,
        slots=attachments.SLOTS,
        route=routed_to(given),
        unit=given["unit"] if given["post"].get("has_unit") else None,
    )


@bp.route("/letter")
@with_draft
def letter(collection):
    """The printable work proof of the profile's manual (console.content.documents), filled from the draft:
    002's 从事会计工作证明函 with its code, or the 工作证明 of 000, 001 or 003."""
    proof = documents.serving(current_profile, current_profile.work_proof)
    if proof is None:
        abort(404)
    return filled_response(proof, collection)


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
