"""材料示例: the sample image shown beside each upload slot of the wizard, set, replaced and removed by an admin at
the province (the samples are the whole province's: an admin of a city or county bureau has no say).
Rules: console.content.samples."""

from flask import abort, flash, redirect, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf.file import FileField

from console.collection import rules
from console.collection.attachments import SLOTS
from console.content import samples
from console.errors import RuleViolation
from console.profiles import current_profile
from views.console.base import ProvinceGate
from views.forms import Form, posted


class SampleForm(Form):
    file = FileField("示例图片")


class SampleView(ProvinceGate, BaseView):
    write_views = frozenset({"upload", "remove"})

    @expose("/")
    def index(self, errors=None, status=200):
        """Every slot the profile's wizard may ask for, its sample and the forms to change it; a refused
        upload's reason at its slot (`errors`)."""
        slots = rules.offered_slots(current_profile)
        return self.render(
            "console/samples.html",
            slots=[(slot, SLOTS[slot]) for slot in slots],
            samples=samples.samples_for(slots),
            errors=errors or {},
            max_mb=samples.MAX_KB // 1024,
        ), status

    @expose("/<slot>", methods=("POST",))
    def upload(self, slot):
        self._offered(slot)
        form = SampleForm()
        posted(form)
        upload = form.file.data
        try:
            data = upload.read() if upload else b""
            samples.set(slot, upload.filename if upload else "", data, current_user._get_current_object())
        except RuleViolation as refusal:
            return self.index({slot: str(refusal)}, 422)
        flash(f"已上传“{SLOTS[slot]}”的示例", "success")
        return redirect(url_for(".index"))

    @expose("/<slot>/remove", methods=("POST",))
    def remove(self, slot):
        self._offered(slot)
        posted(Form())
        try:
            samples.remove(slot, current_user._get_current_object())
            flash(f"已删除“{SLOTS[slot]}”的示例", "success")
        except RuleViolation as refusal:
            flash(str(refusal), "error")
        return redirect(url_for(".index"))

    def _offered(self, slot):
        if slot not in rules.offered_slots(current_profile):
            abort(404)
