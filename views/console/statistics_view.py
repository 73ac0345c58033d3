"""统计分析: the people in the archive of a bureau and of every bureau below it, by bureau, duty, education,
qualification, age band and gender, as bar charts with their tables, and as an XLSX file (audited).

The province admin and reviewers count: an admin at the province every bureau, an admin at a city or county its
own tree, a reviewer their bureau's tree (a city reviewer sees its counties). The auditor reads the audit log, not
the archive, and unit heads and accountants have their own pages. Rules: console.archive.stats."""

from flask import abort, current_app, request
from flask_admin import BaseView, expose
from flask_login import current_user

from console.archive import stats
from console.infra import audit, clock
from console.org import access
from console.review.export import FORMATS, disposition
from models import Authority
from views.console.base import RoleGate


class StatisticsView(RoleGate, BaseView):
    read_roles = frozenset({"province_admin", "reviewer"})

    @expose("/")
    def index(self):
        offered = stats.choices(current_user)
        chosen = self._chosen(offered)
        figures = stats.figures(chosen.id, clock.today())
        return self.render("console/statistics.html", offered=offered, chosen=chosen, figures=figures)

    @expose("/xlsx")
    def xlsx(self):
        chosen = self._chosen(stats.choices(current_user))
        figures = stats.figures(chosen.id, clock.today())
        audit.record(
            "statistics.export",
            Authority.get_by_id(chosen.id),
            {"会计管理机构": chosen.name, "统计日期": figures.day, "在库人数": figures.total},
        )
        response = current_app.response_class(stats.xlsx(figures), mimetype=FORMATS["xlsx"][0])
        filename = f"在库会计人员统计_{chosen.name}_{figures.day:%Y%m%d}.xlsx"
        response.headers["Content-Disposition"] = disposition(filename)
        return response

    def _chosen(self, offered):
        """The bureau asked for (?authority=id), by default the account's own: 404 when there is no such bureau
        in use, 403 when it is outside what the account may count."""
        if not offered:
            abort(403)  # a reviewer not yet given a bureau
        asked = request.args.get("authority", "")
        if not asked:
            return next((a for a in offered if a.id == current_user.authority_id), offered[0])
        if not (asked.isascii() and asked.isdigit()):  # isdigit() alone takes ², which int() refuses
            abort(404)
        found = next((a for a in offered if a.id == int(asked)), None)
        if found is None:
            allowed = stats.scope(current_user)
            outside = allowed is not None and int(asked) not in allowed
            abort(403 if outside and int(asked) in {a.id for a in access.authority_list()} else 404)
        return found
