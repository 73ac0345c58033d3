"""The collection wizard (/portal/collection): the profile's sections in order, a draft saved at every step."""
import base64
import binascii

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField

from console import (attachments, auth, collection_rules, collections, entry, images, letters, review, units,
                     verification)
from console.errors import RuleViolation
from console.images import ImageRule
from models import Attachment, Authority, Collection, ReviewEvent
from views.wizard_forms import FORMS, FittedPhotoForm, SubmitForm, UploadForm, fill_choices

bp = Blueprint("wizard", __name__, url_prefix="/portal/collection")

TITLES = {"notice": "阅读须知", "preparation": "信息采集准备", "commitment": "诚信承诺", "personal": "个人信息",
          "post": "单位与岗位", "education": "学历学位", "qualification": "专业技术资格", "talent": "人才信息",
          "awards": "守信信息", "violations": "失信信息", "publications": "已发表论文", "attachments": "附件上传",
          "preview": "预览确认"}
BOOLEAN_RADIOS = ("has_unit", "on_duty")
UNIT_ADDING = ("unit_name", "unit_address", "unit_economic_type", "licence")  # not answers: they make a Unit
# Fields that only apply to one answer of another field; the page hides the others (static/wizard.js).
SHOWN_WHEN = {
    **{name: "has_unit=1" for name in ("unit_uscc", "post", "admin_post", "tech_post", "tech_post_appointed_on",
                                       "unit_phone", "joined_on")},
    **{name: "has_unit=0" for name in ("residence_type", "residence_region_code", "school_name")},
}


def init_app(app):
    app.register_blueprint(bp)


bp.before_request(auth.accountants_only)


def profile():
    return current_app.extensions["profile"]


def steps():
    return profile().sections


def step_url(key, offset):
    index = steps().index(key) + offset
    return url_for(".section", key=steps()[index]) if 0 <= index < len(steps()) else url_for("portal.home")


def render(template, collection, key, **context):
    return render_template(template, collection=collection, key=key, steps=[(k, TITLES[k]) for k in steps()],
                           title=TITLES[key], prev_url=step_url(key, -1), next_url=step_url(key, +1), **context)


def editable_draft():
    """The draft to work on, or None (the reason flashed) when the collection cannot be edited now."""
    try:
        entry.check_may_collect(current_user.accountant, profile())
        return collections.open_draft(current_user.accountant)
    except RuleViolation as refusal:
        flash(str(refusal), "warning")
        return None


@bp.route("/")
def start():
    collection = editable_draft()
    if collection is None:
        return redirect(url_for("portal.home"))
    key = collection.step if collection.step in steps() else steps()[0]
    return redirect(url_for(".section", key=key))


@bp.route("/<key>", methods=("GET", "POST"))
def section(key):
    if key not in steps():
        abort(404)
    collection = editable_draft()
    if collection is None:
        return redirect(url_for("portal.home"))
    if key == "attachments":
        return attachments_page(collection)
    if key == "preview":
        return preview_page(collection)
    if key not in FORMS:  # 阅读须知 / 信息采集准备: reading only
        if request.method == "POST":
            return redirect(step_url(key, +1))
        return render("portal/wizard_notice.html", collection, key, rules=upload_rules())
    return form_page(collection, key)


def form_page(collection, key):
    form = FORMS[key]()
    if key == "qualification" and not profile().abacus:
        del form.abacus_level, form.abacus_certificate_no
    if key == "personal" and not profile().email_verification:
        del form.email_code
    fill_choices(form)
    if "residence_region_code" in form:
        form.residence_region_code.choices = [("", "请选择")] + [
            (a.region_code, a.name.removesuffix("财政局")) for a in Authority.select().where(
                Authority.is_active, ~Authority.special, Authority.region_code.is_null(False)).order_by(Authority.code)]
    errors, adding_unit = {}, False
    action = request.form.get("action")
    if request.method == "GET":
        form.process(data=stored(collection, key))
    elif form.validate_on_submit():
        answers = typed(form)
        collections.save_section(collection, key, answers)
        if action == "prev":
            return redirect(step_url(key, -1))
        if action in ("lookup", "add_unit"):
            errors, adding_unit = unit_action(collection, form, action)
            return render_form(collection, key, form, errors, adding_unit)
        if "email_code" in form:
            errors = email_action(collection, form, action)
            if action == "send_email_code" or errors:
                return render_form(collection, key, form, errors, adding_unit)
        errors = collections.section_errors(collection, key, profile(), answers)
        if key == "commitment" and form.agree.data != "1":
            errors = {"agree": "不同意诚信提供信息承诺的，不能继续信息采集"}
        if not errors:
            return redirect(step_url(key, +1))
    return render_form(collection, key, form, errors, adding_unit)


def render_form(collection, key, form, errors, adding_unit):
    for field, message in errors.items():
        target = form[field] if field in form else None
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            form.form_errors.append(message)
    post = collection.postsection_set.first() if key == "post" else None
    return render("portal/wizard_form.html", collection, key, form=form, reasons=return_reasons(collection),
                  shown_when=SHOWN_WHEN, adding_unit=adding_unit, hidden_fields=() if adding_unit else UNIT_ADDING,
                  unit=post.unit if post else None, route=routed_to(collection) if key == "post" else None)


def email_action(collection, form, action):
    """Send the e-mail code, or check the one typed; returns errors by field."""
    try:
        address, code = (form.email.data or "").strip(), (form.email_code.data or "").strip()
        if action == "send_email_code":
            if not collection_rules.EMAIL.match(address):
                raise RuleViolation("电子邮箱格式不正确", "email")
            verification.send_code(address, "verify_email", channel="email")
            flash("验证码已发送到您的电子邮箱，5 分钟内有效", "success")
        elif code:
            collections.verify_email(collection, code)
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
            unit = units.add_unit(form.unit_uscc.data, form.unit_name.data, form.unit_address.data,
                                  form.unit_economic_type.data, form.unit_phone.data, licence, profile(),
                                  current_user._get_current_object())
    except RuleViolation as refusal:
        return {refusal.field or "unit_uscc": str(refusal)}, action == "add_unit"
    collections.set_unit(collection, unit)
    flash(f"已获取单位信息：{unit.name}", "success")
    return {}, False


def typed(form):
    data = {}
    for field in form:
        if field.name in ("csrf_token", "email_code") or field.name in UNIT_ADDING:
            continue
        value = field.data
        if field.name in BOOLEAN_RADIOS:
            value = {"1": True, "0": False}.get(value)
        elif isinstance(field, (StringField, SelectField)):
            value = (value or "").strip()
        data[field.name] = value
    return data


def stored(collection, key):
    if key in collections.RECORD_MODELS:
        return collections.record_answers(collection, key)
    if key == "commitment":
        return {"agree": "1" if collection.commitment_at else None}
    given = collections.answers(collection)
    if key == "education":
        return {f"{mode}_{k}": v for mode in ("full_time", "part_time") for k, v in given[mode].items()}
    values = dict(given["qualification" if key == "talent" else key])
    for name in BOOLEAN_RADIOS:
        if values.get(name) is not None:
            values[name] = "1" if values[name] else "0"
    return values


def routed_to(collection):
    given = collections.answers(collection)
    if not given["post"]:
        return None
    try:
        return collection_rules.route(given["post"], collection.accountant.id_number[:6], profile().name)
    except (RuleViolation, KeyError, AttributeError):
        return None


def return_reasons(collection):
    """The reasons of the last return, if the collection came back: shown at their fields."""
    if collection.status != "returned":
        return []
    event = collection.events.where(ReviewEvent.kind == "return").order_by(ReviewEvent.id.desc()).first()
    return list(event.reasons) if event else []


def upload_rules():
    slots = ("photo", "id_front")
    return {slot: ImageRule.for_slot(profile(), slot).describe() for slot in slots}


def attachments_page(collection):
    uploaded = {a.slot: a for a in Attachment.select().where(Attachment.collection == collection)}
    needed = collections.required_slots(collection, profile())
    return render("portal/wizard_attachments.html", collection, "attachments", needed=needed, uploaded=uploaded,
                  slots=attachments.SLOTS, form=UploadForm(), rules=upload_rules(), reasons=return_reasons(collection))


@bp.route("/attachments/<slot>", methods=("POST",))
def upload(slot):
    collection = editable_draft()
    if collection is None:
        return redirect(url_for("portal.home"))
    form = UploadForm()
    if slot not in attachments.SLOTS or not form.validate_on_submit() or not form.file.data:
        flash("请选择要上传的文件", "error")
        return redirect(url_for(".section", key="attachments"))
    try:
        attachments.attach(collection, slot, form.file.data.read(), profile(), current_user._get_current_object())
        flash(f"{attachments.SLOTS[slot]}已上传", "success")
    except RuleViolation as refusal:
        flash(f"{attachments.SLOTS[slot]}：{refusal}", "error")
    return redirect(url_for(".section", key="attachments"))


@bp.route("/attachments/photo/fit", methods=("POST",))
def fit_photo():
    """照片自动调整: the photo fitted to the profile's rule, shown to be kept or not; nothing is stored yet."""
    collection = editable_draft()
    if collection is None:
        return redirect(url_for("portal.home"))
    form = UploadForm()
    if not form.validate_on_submit() or not form.file.data:
        flash("请选择要调整的照片", "error")
        return redirect(url_for(".section", key="attachments"))
    rule = ImageRule.for_slot(profile(), "photo")
    try:
        fitted = images.fit_photo(form.file.data.read(), rule)
    except RuleViolation as refusal:
        flash(f"{attachments.SLOTS['photo']}：{refusal}", "error")
        return redirect(url_for(".section", key="attachments"))
    return render("portal/photo_fit.html", collection, "attachments", fitted=base64.b64encode(fitted).decode(),
                  kb=len(fitted) // 1024, rule=rule.describe(), form=FittedPhotoForm())


@bp.route("/attachments/photo/keep", methods=("POST",))
def keep_fitted_photo():
    """The fitted photo, sent back as shown, is checked and stored like any upload."""
    collection = editable_draft()
    if collection is None:
        return redirect(url_for("portal.home"))
    form = FittedPhotoForm()
    try:
        data = base64.b64decode(form.fitted.data or "", validate=True) if form.validate_on_submit() else b""
    except binascii.Error:
        data = b""
    try:
        if not data:
            raise RuleViolation("请重新选择照片")
        attachments.attach(collection, "photo", data, profile(), current_user._get_current_object())
        flash(f"{attachments.SLOTS['photo']}已上传", "success")
    except RuleViolation as refusal:
        flash(f"{attachments.SLOTS['photo']}：{refusal}", "error")
    return redirect(url_for(".section", key="attachments"))


@bp.route("/attachments/<slot>/delete", methods=("POST",))
def delete_upload(slot):
    collection = editable_draft()
    if collection is None:
        return redirect(url_for("portal.home"))
    found = Attachment.get_or_none(Attachment.collection == collection, Attachment.slot == slot)
    if found is not None:
        attachments.remove(found)
        flash(f"已删除{attachments.SLOTS[slot]}", "success")
    return redirect(url_for(".section", key="attachments"))


def preview_page(collection):
    form = SubmitForm()
    gaps = collections.missing(collection, profile())
    if form.validate_on_submit():
        if not form.confirm.data:
            form.confirm.errors = ["请阅读并勾选真实性承诺"]
        else:
            try:
                review.submit(collection, current_user._get_current_object(), profile())
            except RuleViolation as refusal:
                flash(str(refusal), "error")
            else:
                flash("提交成功！请等待审核，勿重复提交", "success")
                return redirect(url_for("portal.home"))
    uploaded = list(Attachment.select().where(Attachment.collection == collection).order_by(Attachment.id))
    return render("portal/wizard_preview.html", collection, "preview", form=form, gaps=gaps, titles=TITLES,
                  given=collections.answers(collection), uploaded=uploaded, slots=attachments.SLOTS,
                  records={key: labelled_record(collection, key) for key in collections.RECORD_MODELS
                           if key in steps()}, route=routed_to(collection))


def labelled_record(collection, key):
    answers = collections.record_answers(collection, key)
    kind = collections.RECORD_MODELS[key][0]
    return [(label, answers[name]) for name, label in collection_rules.RECORD_FIELDS[kind]] if answers else []


@bp.route("/letter")
def letter():
    """The printable 从事会计工作证明函, where the profile asks for it."""
    if profile().work_proof != "letter":
        abort(404)
    collection = editable_draft()
    if collection is None:
        return redirect(url_for("portal.home"))
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
        collections.open_change(current_user.accountant)
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
        collections.withdraw(latest, current_user._get_current_object())
        flash("已撤回，可以修改后重新提交", "success")
    except RuleViolation as refusal:
        flash(str(refusal), "error")
    return redirect(url_for("portal.home"))
