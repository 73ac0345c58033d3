from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.account import Account
from models.base import BaseModel
from models.choices import Choices
from models.collection import Collection
from models.filing import Filing

EVENT_KINDS = Choices(
    ("submit", "提交"),
    ("withdraw", "撤回"),
    ("claim", "领取"),
    ("release", "释放"),
    ("approve", "审核通过"),
    ("return", "退回"),
    ("auto_pass", "系统审核通过"),
    ("undo", "撤销审核通过"),
)


class ReviewEvent(BaseModel):
    """审核记录: one step in a collection's or a filing's life; a null actor is the system."""

    collection = ForeignKeyField(Collection, null=True, backref="events", on_delete="RESTRICT")
    filing = ForeignKeyField(Filing, null=True, backref="events", on_delete="RESTRICT")
    kind = CharField(choices=EVENT_KINDS)
    actor = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    revision = IntegerField(default=0)
    at = DateTimeField(index=True)
    undo = TextField(null=True)  # what an approval changed in the archive, so that undoing it puts it back

    class Meta:
        indexes = ((("actor", "at"), False),)  # decisions per reviewer per week


class ReasonTemplate(BaseModel):
    """退回原因模板: a ready-made return reason, tied to a section, field or attachment slot."""

    section = CharField()
    target = CharField(default="")  # field name or attachment slot; empty = the whole section
    text = CharField()
    sort_order = IntegerField(default=0)
    is_active = BooleanField(default=True)


class ReturnReason(BaseModel):
    """退回原因: one reason of a return, shown to the applicant at the field it names."""

    event = ForeignKeyField(ReviewEvent, backref="reasons", on_delete="CASCADE")
    template = ForeignKeyField(ReasonTemplate, null=True, on_delete="SET NULL")
    section = CharField()
    target = CharField(default="")
    text = TextField()


class Submission(BaseModel):
    """提交快照: what one submission said, field by field and file by file, what its checks found and what it
    changed, so the review page shows them without reading them again."""

    collection = ForeignKeyField(Collection, backref="submissions", on_delete="CASCADE")
    revision = IntegerField()
    answers = TextField()  # JSON {section: {field: text}}
    files = TextField()  # JSON {slot: sha256}
    checks = TextField(null=True)  # JSON [Check]: the automatic checks, run once at submission (null before v5)
    changes = TextField(null=True)  # JSON ([(section, field, before, after)], [(slot, change)]) or null
    at = DateTimeField()

    class Meta:
        indexes = ((("collection", "revision"), True),)


class SavedFilter(BaseModel):
    """保存的筛选: a reviewer's named queue filter, to open the same list again in one click."""

    account = ForeignKeyField(Account, backref="saved_filters", on_delete="CASCADE")
    name = CharField()
    query = CharField(max_length=1000)  # the queue's query string, read again as any query string is
    created_at = DateTimeField()

    class Meta:
        indexes = ((("account", "name"), True),)
