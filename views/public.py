"""Pages anyone may open: the home page, the bureau phone directory (咨询电话, with the contact channels the
province publishes) and the captcha image."""

from flask import Blueprint, make_response, render_template, request, session
from markupsafe import Markup

from console.content import notices
from console.infra import captcha
from console.org import authorities
from console.profiles import current_profile
from views import limits

bp = Blueprint("public", __name__)


def init_app(app):
    app.register_blueprint(bp)


@bp.route("/")
def home():
    return render_template("public/home.html")


@bp.route("/directory")
def directory():
    search = request.args.get("q", "").strip()
    groups = authorities.directory(current_profile, search)
    channels = [(item, Markup(notices.render_body(item.body))) for item in notices.visible("contact")]  # sanitised
    return render_template(
        "public/directory.html",
        groups=groups,
        search=search,
        count=sum(len(members) for _, members in groups),
        channels=channels,
    )


@bp.route("/captcha.png")
@limits.captcha
def captcha_image():
    token, image = captcha.issue(previous=session.get("captcha"))
    session["captcha"] = token  # the answer stays on the server
    response = make_response(image)
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "no-store"
    return response
