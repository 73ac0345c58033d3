"""本单位会计人员: a unit head's own people, on duty and not, with their posts and work years; a departure
(离岗) is reported from here. Rules: console.archive.work_history."""

from flask import flash, redirect, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from peewee import JOIN
from wtforms import DateField

from console.archive import registry, work_history
from console.errors import RuleViolation
from console.infra import clock
from console.people.identity import mask_id
from models import Accountant, Collection, PostSection, WorkPeriod
from views.console.base import RoleGate, own_person, own_unit
from views.forms import Form, attach_violation, posted


class DepartureForm(Form):
    day = DateField("离岗日期")


class UnitPeopleView(RoleGate, BaseView):
    """本单位会计人员: on duty and not, with their posts; a departure is reported from here."""

    read_roles = write_roles = frozenset({"unit_head"})
    write_views = frozenset({"departure"})

    @expose("/")
    def index(self):
        unit = own_unit()
        post = PostSection.alias()
        people = (
            Accountant.select(Accountant, post.post, post.admin_post)
            .join(
                Collection,
                JOIN.LEFT_OUTER,
                on=(Collection.accountant == Accountant.id) & (Collection.status == "approved"),
            )
            .join(post, JOIN.LEFT_OUTER, on=post.collection == Collection.id)
            .where(registry.of_unit(unit))
            .order_by(Accountant.on_duty.desc(), Accountant.name)
            .objects()
        )
        periods = {}
        for period in WorkPeriod.select().join(Accountant).where(registry.of_unit(unit)):
            periods.setdefault(period.accountant_id, []).append(period)
        ended = work_history.studies_end(list(periods))
        years = {
            pid: work_history.accounting_work_years(found, clock.today(), ended.get(pid))
            for pid, found in periods.items()
        }
        return self.render("console/unit_people.html", unit=unit, people=list(people), years=years, mask_id=mask_id)

    @expose("/<int:accountant_id>/departure", methods=("GET", "POST"))
    def departure(self, accountant_id):
        person = own_person(accountant_id)
        form = DepartureForm()
        if posted(form):
            try:
                work_history.report_departure(person, form.day.data, current_user._get_current_object(), clock.today())
            except RuleViolation as refusal:
                attach_violation(form, refusal, "day")
                return self.render("console/departure.html", person=person, form=form), 422
            flash(f"已报告 {person.name} 于 {form.day.data:%Y-%m-%d} 离岗", "success")
            return redirect(url_for(".index"))
        return self.render("console/departure.html", person=person, form=form)
