"""Chinese error pages; a missing or forged CSRF token is a 400 with a plain explanation."""

from flask import current_app, render_template
from flask_wtf.csrf import CSRFError

from console.profiles import current_profile

MESSAGES = {
    400: "请求无效",
    403: "没有权限访问此页面",
    404: "页面不存在",
    413: "上传的文件太大",
    429: "操作过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后再试",
}


def init_app(app):
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: _page(code))
    app.register_error_handler(CSRFError, lambda e: _page(400, "页面已过期或请求来源不明，请刷新页面后重试"))


def _page(code, message=None):
    message = message or MESSAGES[code]
    if code < 500:
        return render_template("error.html", code=code, message=message), code
    # A server error's page asks nothing of the database, which may be what failed: rendered without the
    # context processors, as Flask-Login's would load the signed-in account.
    template = current_app.jinja_env.get_template("error.html")
    return template.render(code=code, message=message, bare=True, profile=current_profile), code
