"""省份设置: the admin at the province edits the profile keys a province changes without a release, previews the
changes (what the applicant will see), saves them as a version, and reads or puts back earlier versions.
Rules: console.profile_settings."""

import hashlib
import json

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from markupsafe import Markup
from wtforms import BooleanField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms import Form as SubForm

from console import profile_settings
from console.collection.attachments import ALL_SLOTS, SLOTS
from console.content import notices
from console.errors import RuleViolation
from console.infra import images, messages
from console.profiles import current_profile
from models import ProfileSetting
from views.console.base import ProvinceGate
from views.forms import Form, attach_violation, options, posted

SPARE_MATERIALS = 3  # empty rows under the list, for new items


class GeneralRuleForm(SubForm):
    min_kb = StringField("最小 KB")
    max_kb = StringField("最大 KB")


class RuleForm(GeneralRuleForm):
    width = StringField("宽（像素）")
    height = StringField("高（像素）")


class MaterialForm(SubForm):
    text = TextAreaField("材料及要求", render_kw={"rows": 2})
    slot = SelectField("对应上传项", choices=options([("", "（无）"), *ALL_SLOTS.items()]), validate_choice=False)


class SettingsForm(Form):
    collection_deadline = StringField("信息采集截止日期", description="格式：2027-06-30；留空为不设截止日期")
    deadline_message = TextAreaField("截止提示", render_kw={"rows": 2})
    preparation_notice = TextAreaField(
        "信息采集须知", description="显示在信息采集第一步；格式：**加粗**，- 列表", render_kw={"rows": 6}
    )
    materials = FieldList(FormField(MaterialForm))
    sms_signature = StringField("短信签名", description="不带【】，如：内蒙古会计网；留空时用系统名称")
    auto_pass = BooleanField("原数据人员信息未变更、无疑点时，提交后由系统直接审核通过")
    previewed = StringField()  # the fingerprint of what was previewed: only that is saved


def settings_form(profile):
    """The form for the profile in force, with a row of upload limits per slot (a FormField each)."""

    class Bound(SettingsForm):
        pass

    Bound.upload_general = FormField(GeneralRuleForm, label="所有扫描件（通用）")
    for slot in profile_settings.slots_of(profile):
        setattr(Bound, f"upload_{slot}", FormField(RuleForm, label=SLOTS[slot]))
    form = Bound()
    if not request.form:
        _fill(form, profile)
    return form


def _fill(form, profile):
    general = {k: v for k, v in profile.uploads.items() if not isinstance(v, dict)}
    for name, rule in [("general", general), *[(s, profile.uploads.get(s, {})) for s in SLOTS]]:
        if f"upload_{name}" in form:
            for field in form[f"upload_{name}"]:
                field.data = str(rule.get(field.short_name, "")) if isinstance(rule, dict) else ""
    form.collection_deadline.data = profile.collection_deadline
    form.deadline_message.data = profile.deadline_message
    form.preparation_notice.data = profile.preparation_notice
    for item in [*profile.materials, *[{}] * SPARE_MATERIALS]:
        form.materials.append_entry({"text": item.get("text", ""), "slot": item.get("slot", "")})
    form.sms_signature.data = profile.sms_signature
    form.auto_pass.data = profile.auto_pass == "legacy_unchanged"


def typed_settings(form, profile):
    """The form's values as profile values (a number that is no number stays text, for the check to name)."""
    uploads = {**_formats(profile.uploads), **_typed_rule(form["upload_general"])}
    for slot in SLOTS:
        if f"upload_{slot}" in form:
            own = {**_formats(profile.uploads.get(slot)), **_typed_rule(form[f"upload_{slot}"])}
            if own:
                uploads[slot] = own
    return {
        "uploads": uploads,
        "collection_deadline": (form.collection_deadline.data or "").strip(),
        "deadline_message": (form.deadline_message.data or "").strip(),
        "preparation_notice": (form.preparation_notice.data or "").strip(),
        "materials": [
            {"text": entry.text.data.strip(), **({"slot": entry.slot.data} if entry.slot.data else {})}
            for entry in form.materials
            if (entry.text.data or "").strip()
        ],
        "sms_signature": (form.sms_signature.data or "").strip(),
        "auto_pass": "legacy_unchanged" if form.auto_pass.data else "",
    }


def _formats(rule):
    """The formats a rule of the file names: kept as they are (the page edits sizes and pixels only)."""
    return {"formats": rule["formats"]} if isinstance(rule, dict) and "formats" in rule else {}


def _typed_rule(subform):
    typed = {}
    for field in subform:
        text = (field.data or "").strip()
        if text:
            typed[field.short_name] = int(text) if text.isdigit() else text
    return typed


def fingerprint(changes):
    return hashlib.sha256(json.dumps(changes, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


class SettingsView(ProvinceGate, BaseView):
    @expose("/", methods=("GET", "POST"))
    def index(self):
        profile = current_profile._get_current_object()
        form, preview, status = settings_form(profile), None, 200
        if posted(form):
            preview, status = self._post(form, profile)
            if preview is None and status == 302:
                return redirect(url_for(".index"))
        return self.render(
            "console/settings.html",
            form=form,
            preview=preview,
            history=profile_settings.history(20),
            labels=profile_settings.EDITABLE,
            as_text=profile_settings.as_text,
        ), status

    def _post(self, form, profile):
        """(the preview to show, status): a preview of the changes, or the saved changes and 302."""
        typed = typed_settings(form, profile)
        found = profile_settings.problems(typed, profile)
        if found:
            _attach(form, found)
            return None, 422
        changes = profile_settings.changed(profile, typed)
        try:
            base = current_app.extensions["profile"]
            after = profile_settings.candidate(base, profile_settings.values(), changes)
            if request.form.get("action") == "save" and form.previewed.data == fingerprint(changes):
                profile_settings.save(base, profile, changes, current_user._get_current_object())
                flash("省份设置已保存，各服务器在 1 秒内生效", "success")
                return None, 302
        except RuleViolation as refusal:
            attach_violation(form, refusal)
            return None, 422
        if not changes:
            form.form_errors.append("没有修改任何设置")
            return None, 422
        form.previewed.data = fingerprint(changes)
        return _preview(profile, after, changes), 200

    @expose("/revert/<int:version_id>", methods=("POST",))
    def revert(self, version_id):
        posted(Form())
        version = ProfileSetting.get_or_none(ProfileSetting.id == version_id) or abort(404)
        profile = current_profile._get_current_object()
        try:
            profile_settings.revert(
                version, current_app.extensions["profile"], profile, current_user._get_current_object()
            )
            flash(f"已恢复“{profile_settings.EDITABLE[version.key]}”修改前的值", "success")
        except RuleViolation as refusal:
            flash(str(refusal), "error")
        return redirect(url_for(".index"))


def _attach(form, found):
    """Each problem at its input: uploads.<slot>.<field>, materials.<n>.text (of the typed items), or a field."""
    typed = [entry for entry in form.materials if (entry.text.data or "").strip()]
    for key, message in found.items():
        parts = key.split(".")
        if parts[0] == "uploads":
            field = form[f"upload_{parts[1] or 'general'}"].form[parts[2]]
        elif parts[0] == "materials":
            field = typed[int(parts[1])].form[parts[2]]
        else:
            field = form[key]
        field.errors = [*field.errors, message]


def _preview(before, after, changes):
    """What each change will look like to the applicant, beside what it looks like now."""
    return [(profile_settings.EDITABLE[key], _shown(before, key), _shown(after, key)) for key in changes]


def _shown(profile, key):
    if key == "uploads":
        rules = [(label, images.ImageRule.for_slot(profile, slot).describe()) for slot, label in SLOTS.items()]
        return Markup("<br>").join(f"{label}：{rule}" for label, rule in rules)
    if key == "materials":
        items = (f"{text}（{rule}）" if rule else text for text, rule in profile_settings.materials(profile))
        return Markup("<ol>%s</ol>") % Markup("").join(Markup("<li>%s</li>") % item for item in items)
    if key == "preparation_notice":
        return Markup(notices.render_body(profile.preparation_notice))  # sanitised
    if key == "sms_signature":
        return messages.sms(profile, "collection_approved")
    if key == "auto_pass":
        return "开启" if profile.auto_pass else "关闭"
    return getattr(profile, key) or "（未设置）"
