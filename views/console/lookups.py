"""Ajax look-ups for foreign keys to big tables, so forms never render every row into a <select>."""

import re

from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader

from models import Unit

USCC_PREFIX = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2,18}$")


class UnitLookup(QueryAjaxModelLoader):
    """Units by USCC prefix (统一社会信用代码) or by a part of the name."""

    def __init__(self, name="unit"):
        super().__init__(name, Unit, fields=("name", "uscc"), placeholder="输入单位名称或统一社会信用代码")

    def get_one(self, pk):
        try:
            return Unit.get_or_none(Unit.id == int(pk))
        except (TypeError, ValueError):
            return None

    def get_list(self, term, offset=0, limit=20):
        term = term.strip()
        query = Unit.select().order_by(Unit.name)
        if USCC_PREFIX.match(term.upper()):
            query = query.where(Unit.uscc.startswith(term.upper()))
        elif term:
            query = query.where(Unit.name.contains(term))
        return list(query.offset(offset).limit(limit))
