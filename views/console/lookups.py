"""Ajax look-ups for foreign keys to big tables, so forms never render every row into a <select>."""

import re

from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader

from models import Unit

USCC_PREFIX = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2,18}$")


class UnitLookup(QueryAjaxModelLoader):
    """Units by USCC prefix (统一社会信用代码) or by a part of the name."""

    def __init__(self, name="unit", scope=lambda: None):
        super().__init__(name, Unit, fields=("name", "uscc"), placeholder="输入单位名称或统一社会信用代码")
        self.scope = scope  # the authority ids whose units may be chosen, None for all

    def _units(self):
        authorities = self.scope()
        return Unit.select() if authorities is None else Unit.select().where(Unit.authority.in_(authorities))

    def get_one(self, pk):
        try:
            return self._units().where(Unit.id == int(pk)).first()
        except (TypeError, ValueError):
            return None

    def get_list(self, term, offset=0, limit=20):
        term = term.strip()
        query = self._units().order_by(Unit.name)
        if USCC_PREFIX.match(term.upper()):
            query = query.where(Unit.uscc.startswith(term.upper()))
        elif term:
            query = query.where(Unit.name.contains(term))
        return list(query.offset(offset).limit(limit))
