"""Console sign-in, sign-out and password change (/console/login, /console/logout, /console/password)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired

from console.errors import RuleViolation
from console.people import sign_in
from console.people.passwords import STAFF_RULE
from console.profiles import current_profile
from models import Account
from models.account import STAFF_ROLES
from views import auth, limits
from views.forms import Form, attach_violation

bp = Blueprint("console_auth", __name__, url_prefix="/console")


class LoginForm(Form):
    username = StringField("账号", validators=[InputRequired("请输入账号")])
    password = PasswordField("密码", validators=[InputRequired("请输入密码")])
    captcha = StringField("验证码", validators=[InputRequired("请输入验证码")])
    next = HiddenField()


class PasswordForm(Form):
    current = PasswordField("原密码", validators=[InputRequired("请输入原密码")])
    new = PasswordField("新密码", validators=[InputRequired("请输入新密码")])
    confirm = PasswordField(
        "确认新密码", validators=[InputRequired("请再次输入新密码"), EqualTo("new", "两次输入的新密码不一致")]
    )


@bp.route("/login", methods=("GET", "POST"))
@limits.sign_in
def login():
    form = LoginForm()
    if not form.is_submitted():
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        typed = form.username.data.strip()
        try:
            if not auth.captcha_passes(form.captcha.data):
                raise RuleViolation("验证码错误，请重新输入")
            limits.tried(typed)
            account = Account.get_or_none(Account.username == typed, Account.role.in_(STAFF_ROLES))
            auth.open_session(sign_in.by_password(account, form.password.data, typed))
        except RuleViolation as refusal:
            attach_violation(form, refusal)
        else:
            return redirect(auth.safe_next(form.next.data, url_for("console.index")))
    form.captcha.data = ""
    return render_template("console/login.html", form=form)


@bp.route("/logout", methods=("POST",))
def logout():
    return auth.sign_out(".login")


@bp.route("/password", methods=("GET", "POST"))
@login_required
def password():
    """Change the password; the forced change of a first sign-in lands here too (an imported accountant's)."""
    portal = current_user.accountant_id is not None
    rule = current_profile.accountant_password if portal else STAFF_RULE
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            sign_in.change_password(current_user, form.current.data, form.new.data, rule)
        except RuleViolation as refusal:
            attach_violation(form, refusal, "new")
        else:
            auth.open_session(current_user._get_current_object())
            flash("密码已修改", "success")
            return redirect(url_for("portal.home" if portal else "console.index"))
    return render_template("console/password.html", form=form, rule=rule, portal=portal)
