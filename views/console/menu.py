"""The console's menu, worked out once per role (and, for an admin, whether at the province) and kept for the
process: which views one may open depends on these alone, and the views and their URLs are fixed at start-up. (Flask-Admin's own menu
macro asks every view whether it is accessible and builds its URL on every page.)"""

from flask_login import current_user

from views.console.base import at_province


def init_app(app, admin):
    kept = {}

    def console_menu():
        role = current_user.role if current_user.is_authenticated else None
        key = (role, role == "province_admin" and at_province(current_user))
        if key not in kept:
            kept[key] = [(item, item.name, item.get_url()) for item in admin.menu() if _shown(item)]
        return kept[key]

    app.context_processor(lambda: {"console_menu": console_menu})


def _shown(item):
    return item.is_accessible() and item.is_visible()
