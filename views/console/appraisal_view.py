"""年度考评: the head's grid for a year, saved all at once; the bureau's progress per unit and the button that
closes a year. Rules: console.archive.appraisals."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from console.archive import appraisals
from console.errors import RuleViolation
from console.infra import clock
from models.appraisal import GRADES
from views.console.base import RoleGate, own_unit
from views.forms import Form

NOTE_LABELS = dict(zip(appraisals.NOTES, "德能勤绩廉"))


class AppraisalView(RoleGate, BaseView):
    """年度考评: the head's grid for a year; the bureau's progress per unit and the close button."""

    read_roles = write_roles = frozenset({"unit_head", "reviewer"})
    write_views = frozenset({"save", "close"})
    method_roles = {"save": {"unit_head"}, "close": {"reviewer"}}

    def _year(self):
        return request.values.get("year", clock.today().year - 1, type=int)

    @expose("/")
    def index(self):
        year = self._year()
        if current_user.role == "reviewer":
            return self.render(
                "console/appraisal_progress.html",
                year=year,
                rows=appraisals.progress(current_user.authority_id, year),
                closed=appraisals.closing(current_user.authority_id, year),
                form=Form(),
            )
        return self._grid(own_unit(), year, {}, {})

    def _grid(self, unit, year, typed, errors, status=200):
        return self.render(
            "console/appraisal_grid.html",
            unit=unit,
            year=year,
            rows=appraisals.grid(unit, year),
            closed=appraisals.is_closed(unit, year),
            grades=GRADES,
            notes=NOTE_LABELS,
            typed=typed,
            errors=errors,
            form=Form(),
            this_year=clock.today().year,
        ), status

    @expose("/save", methods=("POST",))
    def save(self):
        unit, year = own_unit(), self._year()
        if not Form().validate_on_submit():
            abort(400)
        entries = {}
        for key in request.form:
            if key.startswith("grade-") and key[6:].isdigit():
                person = int(key[6:])
                entries[person] = {
                    "grade": request.form[key],
                    **{n: request.form.get(f"{n}-{person}", "") for n in appraisals.NOTES},
                }
        try:
            saved = appraisals.save(unit, year, entries, current_user._get_current_object(), clock.today().year)
        except appraisals.GridRefused as refusal:
            flash(str(refusal), "error")
            return self._grid(unit, year, request.form, refusal.errors, 422)
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return self._grid(unit, year, request.form, {}, 422)
        flash(f"已保存 {year} 年度考评 {saved} 人", "success")
        return redirect(url_for(".index", year=year))

    @expose("/close", methods=("POST",))
    def close(self):
        if not Form().validate_on_submit():
            abort(400)
        year = self._year()
        if not 2000 <= year < clock.today().year + 1:
            abort(400)
        appraisals.close_year(current_user.authority, year, current_user._get_current_object())
        flash(f"已关闭 {year} 年度考评，各单位不能再修改", "success")
        return redirect(url_for(".index", year=year))
