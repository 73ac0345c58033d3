"""通知公告, 操作指南, 常见问题 and 联系渠道: who writes which, what a valid one is, publishing and withdrawing
(each audited), what the portal shows to whom, and a body rendered from Markdown and sanitised.

An admin at the province writes for the whole province, one at a city or county bureau for its own tree
(console.org.access.administered_authorities). A person sees what their own bureau and the bureaus above it
published; someone not signed in, what the province published."""

from datetime import UTC, datetime

import nh3
from markdown_it import MarkdownIt

from console.errors import RuleViolation
from console.infra import audit, clock
from console.org.access import administered_authorities, authority_list
from models import Content
from models.content import CONTENT_KINDS

MAX_TITLE = 100
MAX_BODY = 20_000
LATEST = 5  # the notices the home and sign-in pages show; 更多 lists the rest
PAGE_SIZE = 20

# Raw HTML in a body is text (html=False), and whatever the Markdown makes passes the sanitiser's list only.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_TAGS = {"p", "br", "hr", "h2", "h3", "h4", "strong", "em", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
_TAGS |= {"table", "thead", "tbody", "tr", "th", "td"}
_SCHEMES = {"http", "https", "mailto", "tel"}


def render_body(markdown):
    """The body as HTML that holds no script, handler, style or frame whatever was typed."""
    html = _MARKDOWN.render(markdown or "").replace("<h1>", "<h2>").replace("</h1>", "</h2>")  # h1: the title
    return nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}}, url_schemes=_SCHEMES)


def writable_authorities(account):
    """Ids of the authorities whose content the account keeps: None for all (an admin at the province)."""
    if account.role != "province_admin":
        return set()
    return administered_authorities(account)


def may_write(account, content):
    scope = writable_authorities(account)
    return scope is None or content.authority_id in scope


def may_preview(account, content):
    """A draft or a withdrawn item is read by its authority's staff and the admins above it only."""
    if not account.is_authenticated or account.accountant_id is not None:
        return False
    return may_write(account, content) or account.authority_id == content.authority_id


FIELDS = ("kind", "title", "body", "authority_id", "publish_at", "expires_at", "wizard_step")


def problems(values, steps, writable):
    """{field: message} of what is wrong with the typed values (of FIELDS): `steps` are the wizard sections of
    the profile a guide may explain, `writable` the authorities the writer keeps (None: all). Times are
    compared as typed, both in Beijing time or both stored."""
    found = {}
    title = (values.get("title") or "").strip()
    if not title:
        found["title"] = "请填写标题"
    elif len(title) > MAX_TITLE:
        found["title"] = f"标题不能超过 {MAX_TITLE} 个字"
    if values.get("kind") not in CONTENT_KINDS.values():
        found["kind"] = "请选择类别"
    if len(values.get("body") or "") > MAX_BODY:
        found["body"] = f"正文不能超过 {MAX_BODY} 个字"
    authority_id = values.get("authority_id")
    if not authority_id:
        found["authority_id"] = "请选择发布机构"
    elif writable is not None and authority_id not in writable:
        found["authority_id"] = "只能以本机构或下级机构的名义发布"
    start, end = values.get("publish_at"), values.get("expires_at")
    if start and end and end <= start:
        found["expires_at"] = "失效时间应晚于发布时间"
    step = values.get("wizard_step") or ""
    if step and values.get("kind") != "guide":
        found["wizard_step"] = "只有操作指南可以关联信息采集步骤"
    elif step and step not in steps:
        found["wizard_step"] = "请选择本省信息采集中的步骤"
    return found


def check(content, steps, writable):
    """RuleViolation naming the first field at fault, or nothing."""
    found = problems({field: getattr(content, field) for field in FIELDS}, steps, writable)
    if found:
        field, message = next(iter(found.items()))
        raise RuleViolation(message, field)


def publish(content, by, now=None):
    """Published from its publish time (now, when none is set); a withdrawn item may be published again."""
    now = now or clock.now()
    if content.state == "published":
        raise RuleViolation("该内容已发布")
    if content.expires_at and content.expires_at <= now:
        raise RuleViolation("失效时间已过，请修改失效时间后再发布", "expires_at")
    content.state, content.published_at = "published", now
    content.publish_at = content.publish_at or now
    content.save()
    audit.record("content.publish", content, _summary(content), actor=by)


def withdraw(content, by):
    if content.state != "published":
        raise RuleViolation("只有已发布的内容可以撤回")
    content.state = "withdrawn"
    content.save()
    audit.record("content.withdraw", content, _summary(content), actor=by)


def _summary(content):
    return {"类别": content.kind_label, "标题": content.title, "发布机构": content.authority.name}


def area(authority_id):
    """The ids of an authority and those above it, whose content its people see; None (not signed in, or no
    bureau yet): the province's own."""
    nodes = {node.id: node for node in authority_list()}
    if authority_id not in nodes:
        return [node.id for node in nodes.values() if node.parent_id is None]
    found = []
    while authority_id is not None:
        found.append(authority_id)
        authority_id = nodes[authority_id].parent_id
    return found


def shown(now=None):
    """The condition of what readers see now: published, its time come, not expired."""
    now = now or clock.now()
    return (
        (Content.state == "published")
        & (Content.publish_at <= now)
        & (Content.expires_at.is_null() | (Content.expires_at > now))
    )


def visible(kind, authority_ids=None, now=None):
    """What is shown of a kind: notices newest first, the others in their order; authority_ids None: all."""
    query = Content.select().where(Content.kind == kind, shown(now))
    if authority_ids is not None:
        query = query.where(Content.authority.in_(authority_ids))
    if kind == "notice":
        return query.order_by(Content.publish_at.desc(), Content.id.desc())
    return query.order_by(Content.sort_order, Content.id)


def visible_notices(authority_id, now=None):
    return visible("notice", area(authority_id), now)


def guide_for_step(step, authority_id, now=None):
    """The guide that explains a wizard step for a person of this bureau, or None."""
    return visible("guide", area(authority_id), now).where(Content.wizard_step == step).first()


def readable(content, account, now=None):
    """Whether the item's page and files may be opened: once published and its time come (an expired notice
    keeps its address, marked as expired), or by those who may preview it."""
    now = now or clock.now()
    published = content.state == "published" and content.publish_at is not None and content.publish_at <= now
    return published or may_preview(account, content)


def expired(content, now=None):
    return content.expires_at is not None and content.expires_at <= (now or clock.now())


def from_beijing(moment):
    """A time typed in Beijing time, as stored (naive UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=clock.BEIJING).astimezone(UTC).replace(tzinfo=None)


def to_beijing(moment):
    """A stored time as typed (naive Beijing time), for a form."""
    return clock.to_beijing(moment).replace(tzinfo=None) if isinstance(moment, datetime) else moment
