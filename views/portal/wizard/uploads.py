"""The wizard's scans: the attachments step, an upload per slot, the photo fitted to the profile's rule,
and deleting a scan. Rules: console.collection.attachments, console.infra.images."""

import base64
import binascii

from flask import flash, redirect, url_for
from flask_login import current_user

from console.collection import answers, attachments, lifecycle
from console.content import samples
from console.errors import RuleViolation
from console.infra import images
from console.infra.images import ImageRule
from console.profiles import current_profile
from models import Attachment
from views.portal.wizard import bp, render, return_reasons, upload_rules, with_draft
from views.portal.wizard.forms import FittedPhotoForm, UploadForm


def attachments_page(collection, errors=None, status=200):
    """The scans the answers call for, and those offered but not demanded; a refused upload's reason at its
    slot (`errors`)."""
    files, given = lifecycle.scans(collection), answers.read(collection)
    uploaded = {a.slot: a for a in files}
    needed = lifecycle.required_slots(current_profile, given)
    void = lifecycle.old_units_proof(collection, given, files)
    if void is not None:  # asked for again, from the new unit
        needed = [*needed, void.slot] if void.slot not in needed else needed
        errors = {void.slot: f"工作单位已变更，请上传新单位出具的{attachments.SLOTS[void.slot]}", **(errors or {})}
    optional = [s for s in lifecycle.optional_slots(current_profile, given) if s not in needed]
    return render(
        "portal/wizard_attachments.html",
        collection,
        "attachments",
        needed=needed,
        optional=optional,
        errors=errors or {},
        uploaded=uploaded,
        slots=attachments.SLOTS,
        form=UploadForm(),
        rules=upload_rules(),
        reasons=return_reasons(collection),
        samples=samples.samples_for(needed + optional),
    ), status


@bp.route("/attachments/<slot>", methods=("POST",))
@with_draft
def upload(collection, slot):
    form = UploadForm()
    if slot not in attachments.SLOTS or not form.validate_on_submit() or not form.file.data:
        flash("请选择要上传的文件", "error")
        return redirect(url_for(".section", key="attachments"))
    try:
        attachments.attach(collection, slot, form.file.data.read(), current_profile, current_user._get_current_object())
    except RuleViolation as refusal:
        return attachments_page(collection, {slot: f"{attachments.SLOTS[slot]}：{refusal}"}, 422)
    flash(f"{attachments.SLOTS[slot]}已上传", "success")
    return redirect(url_for(".section", key="attachments"))


@bp.route("/attachments/photo/fit", methods=("POST",))
@with_draft
def fit_photo(collection):
    """照片自动调整: the photo fitted to the profile's rule, shown to be kept or not; nothing is stored yet."""
    form = UploadForm()
    if not form.validate_on_submit() or not form.file.data:
        flash("请选择要调整的照片", "error")
        return redirect(url_for(".section", key="attachments"))
    rule = ImageRule.for_slot(current_profile, "photo")
    try:
        fitted = images.fit_photo(form.file.data.read(), rule)
    except RuleViolation as refusal:
        flash(f"{attachments.SLOTS['photo']}：{refusal}", "error")
        return redirect(url_for(".section", key="attachments"))
    return render(
        "portal/photo_fit.html",
        collection,
        "attachments",
        fitted=base64.b64encode(fitted).decode(),
        kb=len(fitted) // 1024,
        rule=rule.describe(),
        form=FittedPhotoForm(),
    )


@bp.route("/attachments/photo/keep", methods=("POST",))
@with_draft
def keep_fitted_photo(collection):
    """The fitted photo, sent back as shown, is checked and stored like any upload."""
    form = FittedPhotoForm()
    try:
        data = base64.b64decode(form.fitted.data or "", validate=True) if form.validate_on_submit() else b""
    except binascii.Error:
        data = b""
    try:
        if not data:
            raise RuleViolation("请重新选择照片")
        attachments.attach(collection, "photo", data, current_profile, current_user._get_current_object())
        flash(f"{attachments.SLOTS['photo']}已上传", "success")
    except RuleViolation as refusal:
        flash(f"{attachments.SLOTS['photo']}：{refusal}", "error")
    return redirect(url_for(".section", key="attachments"))


@bp.route("/attachments/<slot>/delete", methods=("POST",))
@with_draft
def delete_upload(collection, slot):
    found = Attachment.get_or_none(Attachment.collection == collection, Attachment.slot == slot)
    if found is not None:
        attachments.remove(found)
        flash(f"已删除{attachments.SLOTS[slot]}", "success")
    return redirect(url_for(".section", key="attachments"))
