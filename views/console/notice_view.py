"""通知公告、操作指南、常见问题和联系渠道: written, previewed, given files, published and withdrawn by the admins, each
for the authorities it keeps (a province admin for all, a city or county admin for its own tree). Publishing
and withdrawing are audited. Rules: console.content.notices and console.content.files."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_login import current_user
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from console.collection.sections import TITLES
from console.content import files, notices
from console.errors import RuleViolation
from console.infra import clock
from console.profiles import current_profile
from models import Authority, Content, ContentFile
from models.content import CONTENT_KINDS, CONTENT_STATES
from views.console.base import ConsoleModelView, beijing_time
from views.forms import Form, attach_errors, attach_violation, posted

TIME_FORMAT = "%Y-%m-%dT%H:%M"


def _id_or_none(value):
    return int(value) if str(value).isdigit() else None


class ContentForm(Form):
    kind = SelectField("类别", choices=CONTENT_KINDS.options("请选择类别"), validate_choice=False)
    title = StringField("标题", filters=[lambda text: text.strip() if text else text])
    body = TextAreaField(
        "正文",
        description="格式：# 小标题，**加粗**，- 列表，[文字](网址)；网页代码按原文显示，不起作用",
        render_kw={"rows": 12},
    )
    authority_id = SelectField("发布机构", coerce=_id_or_none, validate_choice=False)
    publish_at = DateTimeLocalField("发布时间（北京时间）", format=TIME_FORMAT, validators=[Optional()])
    expires_at = DateTimeLocalField("失效时间（北京时间）", format=TIME_FORMAT, validators=[Optional()])
    sort_order = IntegerField("排序", default=0, validators=[Optional()])
    wizard_step = SelectField("说明的信息采集步骤（仅操作指南）", validate_choice=False)


class UploadForm(Form):
    file = FileField("附件（PDF、JPEG 或 PNG）")


class ContentView(ConsoleModelView):
    read_roles = write_roles = frozenset({"province_admin"})
    write_views = ConsoleModelView.write_views | {"publish_view", "withdraw_view", "files_view", "remove_file_view"}
    audit_name = "content"
    form = ContentForm
    details_template = "console/notice_details.html"

    column_list = ("kind", "title", "authority", "state", "publish_at", "expires_at", "sort_order")
    column_details_list = (
        "kind",
        "title",
        "authority",
        "state",
        "publish_at",
        "expires_at",
        "sort_order",
        "wizard_step",
        "published_at",
        "updated_at",
    )
    column_labels = {
        "kind": "类别",
        "title": "标题",
        "body": "正文",
        "authority": "发布机构",
        "authority_id": "发布机构",
        "state": "状态",
        "publish_at": "发布时间",
        "expires_at": "失效时间",
        "sort_order": "排序",
        "wizard_step": "说明的信息采集步骤",
        "published_at": "最近发布于",
        "updated_at": "更新时间",
        "created_at": "创建时间",
        "created_by": "创建人",
    }
    column_searchable_list = ("title",)
    column_sortable_list = ("kind", "state", "publish_at", "sort_order")
    column_default_sort = ("id", True)
    column_filters = (
        FilterEqual(Content.kind, "类别", options=CONTENT_KINDS),
        FilterEqual(Content.state, "状态", options=CONTENT_STATES),
    )
    column_formatters = {
        "kind": lambda v, c, m, p: m.kind_label,
        "state": lambda v, c, m, p: m.state_label,
        "wizard_step": lambda v, c, m, p: TITLES.get(m.wizard_step, ""),
        "publish_at": beijing_time("publish_at"),
        "expires_at": beijing_time("expires_at"),
        "published_at": beijing_time("published_at"),
        "updated_at": beijing_time("updated_at"),
    }

    def get_query(self):
        query = Content.select(Content, Authority).join(Authority)
        scope = notices.writable_authorities(current_user)
        return query if scope is None else query.where(Content.authority.in_(scope))

    def _handle_join(self, query, field, joins):
        return query  # get_query has joined the authority

    def create_form(self, obj=None):
        form = self._with_choices(super().create_form(obj))
        if not request.form:
            form.authority_id.data = current_user.authority_id
        return form

    def edit_form(self, obj=None):
        form = self._with_choices(super().edit_form(obj))
        if not request.form:  # filled from the record, stored in UTC: shown as typed, in Beijing time
            form.publish_at.data = notices.to_beijing(obj.publish_at)
            form.expires_at.data = notices.to_beijing(obj.expires_at)
        return form

    def _with_choices(self, form):
        authorities = Authority.select(Authority.id, Authority.name).where(Authority.is_active).order_by(Authority.code)
        scope = notices.writable_authorities(current_user)
        if scope is not None:
            authorities = authorities.where(Authority.id.in_(scope))
        form.authority_id.choices = [(a.id, a.name) for a in authorities]
        form.wizard_step.choices = [("", "（不关联）")] + [(key, TITLES[key]) for key in current_profile.sections]
        return form

    def validate_form(self, form):
        """The domain's checks, each at its field, before anything is written."""
        if not super().validate_form(form):
            return False
        if not isinstance(form, ContentForm):
            return True
        typed = {name: form[name].data for name in notices.FIELDS}
        found = notices.problems(typed, current_profile.sections, notices.writable_authorities(current_user))
        attach_errors(form, found)
        return not found

    def apply_rules(self, form, model, is_created):
        model.publish_at = notices.from_beijing(form.publish_at.data)
        model.expires_at = notices.from_beijing(form.expires_at.data)
        model.wizard_step = model.wizard_step or ""
        model.sort_order = model.sort_order or 0
        notices.check(model, current_profile.sections, notices.writable_authorities(current_user))
        now = clock.now()
        if is_created:
            model.created_by, model.created_at = current_user.id, now
        model.updated_at = now

    def get_save_return_url(self, model, is_created=False):
        return self.get_url(".details_view", id=model.id)

    def details_context(self, model):
        return {
            "preview": Markup(notices.render_body(model.body)),  # sanitised
            "files": list(model.files.order_by(ContentFile.id)),
        }

    def _own(self, content_id):
        """An item this admin keeps; 404 for any other, whether it exists or not."""
        item = self.get_one(content_id)
        if item is None:
            abort(404)
        return item

    @expose("/publish/", methods=("POST",))
    def publish_view(self):
        return self._change(notices.publish, "已发布")

    @expose("/withdraw/", methods=("POST",))
    def withdraw_view(self):
        return self._change(notices.withdraw, "已撤回")

    def _change(self, change, done):
        item = self._own(request.args.get("id"))
        posted(Form())
        try:
            change(item, current_user._get_current_object())
            flash(f"{done}“{item.title}”", "success")
        except RuleViolation as refusal:
            flash(str(refusal), "error")
        return redirect(url_for(".details_view", id=item.id))

    @expose("/files/", methods=("GET", "POST"))
    def files_view(self):
        item = self._own(request.args.get("id"))
        form, status = UploadForm(), 200
        if posted(form):
            upload = form.file.data
            try:
                data = upload.read() if upload else b""
                attached = files.attach(item, upload.filename if upload else "", data, current_user.id)
            except RuleViolation as refusal:
                attach_violation(form, refusal, "file")
                status = 422
            else:
                flash(f"已添加附件“{attached.filename}”", "success")
                return redirect(url_for(".files_view", id=item.id))
        listed = list(item.files.order_by(ContentFile.id))
        return self.render(
            "console/notice_files.html",
            item=item,
            form=form,
            files=listed,
            max_kb=files.MAX_KB,
            max_files=files.MAX_FILES,
        ), status

    @expose("/files/remove/", methods=("POST",))
    def remove_file_view(self):
        attached = ContentFile.get_or_none(ContentFile.id == _id_or_none(request.args.get("id")))
        item = self._own(attached.content_id if attached else None)
        posted(Form())
        files.remove(attached)
        flash(f"已删除附件“{attached.filename}”", "success")
        return redirect(url_for(".files_view", id=item.id))
