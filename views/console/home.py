"""Console home: what the signed-in person's role works on — a reviewer's authority at a glance,
the province admin's table of every authority."""

from flask_admin import expose
from flask_login import current_user
from peewee import fn

from console.infra import clock
from console.review import dashboard
from models import Authority, Unit
from models.authority import LEVELS
from views.console.base import ConsoleIndexView


class ConsoleHome(ConsoleIndexView):
    read_roles = frozenset({"province_admin", "reviewer", "unit_head", "auditor"})

    @expose("/")
    def index(self):
        figures = {}
        if current_user.role == "reviewer":
            figures["mine"] = dashboard.for_authority(current_user.authority_id)
            figures["todo"] = dashboard.waiting_on(current_user.authority_id)
        elif current_user.role == "unit_head" and current_user.unit_id:
            last_year = clock.today().year - 1
            figures["unit"] = dashboard.for_unit(Unit.get_by_id(current_user.unit_id), last_year)
        elif current_user.role == "province_admin":
            figures["province"] = dashboard.for_province()
            levels = (
                Authority.select(Authority.level, fn.COUNT(Authority.id))
                .where(Authority.is_active)
                .group_by(Authority.level)
            )
            figures["authorities"] = [(LEVELS.label(lv), n) for lv, n in levels.tuples()]
        return self.render("console/home.html", **figures)
