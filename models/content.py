from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.account import Account
from models.authority import Authority
from models.base import BaseModel
from models.choices import Choices

CONTENT_KINDS = Choices(("notice", "通知公告"), ("guide", "操作指南"), ("faq", "常见问题"), ("contact", "联系渠道"))
CONTENT_STATES = Choices(("draft", "草稿"), ("published", "已发布"), ("withdrawn", "已撤回"))


class Content(BaseModel):
    """发布内容: what a province or a bureau publishes for accountants: a notice (通知公告), a guide (操作指南,
    which may explain one wizard step), a question and its answer (常见问题), or a contact channel (002 §十三:
    the e-mail for ID corrections…). The owning authority's admins keep it (console.content.notices)."""

    kind = CharField(choices=CONTENT_KINDS)
    title = CharField()
    body = TextField(default="")  # Markdown; rendered and sanitised when shown, never stored as HTML
    authority = ForeignKeyField(Authority, backref="contents", on_delete="RESTRICT")
    state = CharField(choices=CONTENT_STATES, default="draft")
    publish_at = DateTimeField(null=True)  # shown from then on; unset until published: from publication
    expires_at = DateTimeField(null=True)
    sort_order = IntegerField(default=0)  # guides, FAQ and contact channels are listed by it
    wizard_step = CharField(default="")  # the wizard section a guide explains (console.collection.sections)
    created_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    created_at = DateTimeField()
    updated_at = DateTimeField(null=True)
    published_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("kind", "state", "publish_at"), False),)

    @property
    def kind_label(self):
        return CONTENT_KINDS.label(self.kind)

    @property
    def state_label(self):
        return CONTENT_STATES.label(self.state)

    def __str__(self):
        return self.title


class ContentFile(BaseModel):
    """附件 of a published item (a PDF or an image), stored under a generated name and served only by
    views.portal.notices, which asks console.content.notices who may read it."""

    content = ForeignKeyField(Content, backref="files", on_delete="RESTRICT")
    filename = CharField()  # as the uploader named it: the link's text, never the stored name
    storage_name = CharField(unique=True)
    content_type = CharField()
    size = IntegerField()
    sha256 = CharField()
    uploaded_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    uploaded_at = DateTimeField()
