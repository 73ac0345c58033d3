"""Console home: what the signed-in person's role works on, counted."""
from flask_admin import expose
from flask_login import current_user
from peewee import fn

from models import Authority, Collection
from models.authority import LEVELS
from models.collection import COLLECTION_STATES
from views.console.base import ConsoleIndexView


class ConsoleHome(ConsoleIndexView):
    read_roles = frozenset({"province_admin", "reviewer", "unit_head", "auditor"})

    @expose("/")
    def index(self):
        return self.render("console/home.html", **self._figures())

    def _figures(self):
        states = dict(COLLECTION_STATES)
        query = Collection.select(Collection.status, fn.COUNT(Collection.id)).group_by(Collection.status)
        if current_user.role == "reviewer":
            query = query.where(Collection.authority == current_user.authority_id)
        elif current_user.role != "province_admin":
            return {}
        levels = Authority.select(Authority.level, fn.COUNT(Authority.id)).where(Authority.is_active).group_by(
            Authority.level)
        return {
            "collections": [(states[s], n) for s, n in sorted(query.tuples(), key=lambda r: list(states).index(r[0]))],
            "authorities": [(dict(LEVELS)[lv], n) for lv, n in levels.tuples()],
        }
