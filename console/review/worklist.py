"""The review queue: the collections an account may read, filtered, searched and paged by keyset.

Paging is by (submitted_at, id) after or before a cursor, which the (authority, status,
submitted_at) and (status, submitted_at) indexes serve at any depth; an OFFSET would read every
row before the page. Search takes what the reviewer typed and finds the one index it can use:
a full ID number, its last four characters, a phone, a USCC, or a part of a name or a unit's name (console.infra.textsearch)."""

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from urllib.parse import urlencode

from peewee import JOIN, SQL, fn
from stdnum.cn import uscc as uscc_code

from console.errors import RuleViolation
from console.infra import clock, textsearch, workdays
from console.org import access, authorities
from console.people.identity import mask_id, mask_phone
from console.people.phones import is_mobile
from console.review import screening
from models import (
    Account,
    Accountant,
    Authority,
    Collection,
    PostSection,
    SavedFilter,
    Unit,
    db,
)
from models.choices import Choices
from models.collection import COLLECTION_STATES

PAGE_SIZE = 20
STATES = Choices(*((k, v) for k, v in COLLECTION_STATES if k != "draft"))  # a draft is the applicant's own
Claimer = Account.alias()
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
ID_TAIL = re.compile(r"^\d{3}[\dX]$")


@dataclass
class Filters:
    state: str = "submitted"
    authority: int | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    flag: str = ""  # a flag code, "none" or "any"
    on_duty: bool | None = None
    education_level: str = ""
    qualification_level: str = ""
    overdue: bool = False
    search: str = ""
    mine: bool = False  # only what the account holds claimed
    tree: bool = False  # a city's backlog: its own and its counties' queues, read only
    order: str = ""  # a key of SORTS: the longest waiting first unless the reviewer sorts otherwise
    today: date = field(default_factory=clock.today)

    @classmethod
    def from_args(cls, args):
        """From a query string; a value that makes no sense is dropped, never a 500."""

        def day(name):
            try:
                return date.fromisoformat(args.get(name, ""))
            except ValueError:
                return None

        authority = args.get("authority", "")
        return cls(
            state=args.get("state") if args.get("state") in STATES.values() else "submitted",
            authority=int(authority) if authority.isdigit() else None,
            tree=authority == "tree",
            submitted_from=day("from"),
            submitted_to=day("to"),
            flag=args.get("flag", "")[:40],
            on_duty={"1": True, "0": False}.get(args.get("on_duty")),
            education_level=args.get("education_level", "")[:40],
            qualification_level=args.get("qualification_level", "")[:40],
            overdue=args.get("overdue") == "1",
            search=args.get("q", "").strip()[:40],
            mine=args.get("mine") == "1",
            order=args.get("order") if args.get("order") in SORTS else "",
        )

    def as_args(self):
        names = {"submitted_from": "from", "submitted_to": "to", "search": "q"}
        values = {names.get(f.name, f.name): getattr(self, f.name) for f in fields(self) if f.name != "today"}
        values["on_duty"] = {True: "1", False: "0"}.get(self.on_duty)
        values["overdue"] = "1" if self.overdue else None
        values["mine"] = "1" if self.mine else None
        values["authority"] = "tree" if self.tree else self.authority
        del values["tree"]
        return {k: v for k, v in values.items() if v not in (None, "", False)}

    def describe(self):
        """The conditions in the words of the queue's own filters, for the audit log (a searched ID number or
        phone masked, never written down whole)."""
        names = {a.id: a.name for a in access.authority_list()}
        flags = {"none": "无标记", "any": "有标记", **screening.FLAGS}
        words = {
            "状态": dict(STATES).get(self.state),
            "会计管理机构": names.get(self.authority),
            "提交日期起": self.submitted_from,
            "提交日期止": self.submitted_to,
            "标记": flags.get(self.flag, self.flag),
            "在岗": {True: "是", False: "否"}.get(self.on_duty),
            "学历": self.education_level,
            "专业技术资格": self.qualification_level,
            "只看逾期": "是" if self.overdue else None,
            "只看我领取的": "是" if self.mine else None,
            "范围": "本机构及下级机构" if self.tree else None,
            "排序": SORT_NAMES[self.order] if self.order else None,
            "搜索": mask_search(self.search),
        }
        return {k: str(v) for k, v in words.items() if v not in (None, "")}

    @property
    def newest(self):
        return self.order == "newest"


SAVED_LIMIT = 20  # saved filters per reviewer


def save_filter(account, name, filters):
    """保存筛选: the list as filtered now, under a name of the reviewer's own; the same name replaces the one
    saved before."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 20:
        raise RuleViolation("请填写 1 至 20 个字的筛选名称", "name")
    query = urlencode(filters.as_args())
    with db.atomic():
        if SavedFilter.update(query=query).where(SavedFilter.account == account, SavedFilter.name == name).execute():
            return
        if SavedFilter.select().where(SavedFilter.account == account).count() >= SAVED_LIMIT:
            raise RuleViolation(f"最多保存 {SAVED_LIMIT} 个筛选，请先删除不用的", "name")
        SavedFilter.create(account=account, name=name, query=query, created_at=clock.now())


def saved_filters(account):
    return list(SavedFilter.select().where(SavedFilter.account == account).order_by(SavedFilter.name))


def forget_filter(account, filter_id):
    """Delete one of the account's own saved filters; another's is not found."""
    return bool(SavedFilter.delete().where(SavedFilter.account == account, SavedFilter.id == filter_id).execute())


def mask_search(text):
    if ID_NUMBER.match(text.upper()):
        return mask_id(text)
    return mask_phone(text) if is_mobile(text) else text


def authority_scope(account, filters):
    """The authority ids the list covers (None = all); refuses an authority outside the account's access."""
    readable = access.readable_authorities(account)
    if filters.tree:
        return readable
    if filters.authority is not None:
        if readable is not None and filters.authority not in readable:
            raise RuleViolation("无权查看该机构的审核列表")
        return access.with_merged({filters.authority})
    own = access.deciding_authority(account)
    return access.with_merged({own}) if own else readable


def decides(account, filters):
    """Whether the list shows the account's own queue, whose rows it may select and decide."""
    own = access.deciding_authority(account)
    return own is not None and not filters.tree and filters.authority in (None, own)


def _where(account, filters):
    covered = authority_scope(account, filters)
    clauses = [Collection.status == filters.state]
    if covered is not None:
        clauses.append(
            Collection.authority.in_(sorted(covered))
            if len(covered) > 1
            else Collection.authority == next(iter(covered), 0)
        )
    if filters.submitted_from:
        clauses.append(Collection.submitted_at >= clock.beijing_midnight(filters.submitted_from))
    if filters.submitted_to:
        clauses.append(
            Collection.submitted_at < clock.beijing_midnight(date.fromordinal(filters.submitted_to.toordinal() + 1))
        )
    if filters.overdue:
        clauses.append(Collection.submitted_at < workdays.overdue_before(filters.today))
    if filters.flag == "none":
        clauses.append(Collection.flags == "")
    elif filters.flag == "any":
        clauses.append(Collection.flags != "")
    elif filters.flag:
        clauses.append(Collection.flags.contains(filters.flag))
    if filters.on_duty is not None:
        clauses.append(Collection.on_duty == filters.on_duty)
    if filters.education_level:
        clauses.append(Collection.education_level == filters.education_level)
    if filters.qualification_level:
        clauses.append(Collection.qualification_level == filters.qualification_level)
    if filters.search:
        clauses.append(search_clause(filters.search))
    if filters.mine:
        clauses.append((Collection.claimed_by == account.id) & (Collection.claimed_until >= clock.now()))
    return clauses


def search_clause(term):
    """What was typed, by its shape, as a condition on the collection that an index answers: the
    people (or units) it names are looked up first, and their collections by id."""
    term = _shaped(term)
    if len(term) == 18 and uscc_code.is_valid(term):
        return Collection.id.in_(PostSection.select(PostSection.collection).where(PostSection.unit_uscc == term))
    named = Accountant.select(Accountant.id).where(accountant_clause(term))
    if ID_NUMBER.match(term) or ID_TAIL.match(term) or is_mobile(term):
        return Collection.accountant.in_(named)
    units = Unit.select(Unit.id).where(_name_clause(Unit, term))
    theirs = Collection.alias()
    # one IN over a UNION, not an OR of two: both databases then start from the matches, not the queue
    return Collection.id.in_(
        theirs.select(theirs.id).where(theirs.accountant.in_(named))
        | PostSection.select(PostSection.collection).where(PostSection.unit.in_(units))
    )


def accountant_clause(term):
    """The people what was typed names: a full ID, its last four, a phone, or a part of the name (its
    beginning when shorter than a trigram)."""
    term = _shaped(term)
    if ID_NUMBER.match(term):
        return Accountant.id_number == term
    if ID_TAIL.match(term):
        return Accountant.id_tail == term
    if is_mobile(term):
        return Accountant.phone == term
    return _name_clause(Accountant, term)


def _name_clause(model, term):
    if len(term) >= textsearch.MIN_LENGTH:
        return model.id.in_(textsearch.containing(model, term))
    return _prefix(model.name, term)


def _shaped(term):
    return term.upper() if re.fullmatch(r"[\dxX]+|[0-9A-Za-z]{18}", term) else term


def _prefix(column, term):
    """Starts with `term`, as a range an index answers (LIKE would not use it on PostgreSQL)."""
    following = term[:-1] + chr(ord(term[-1]) + 1)  # the first string after every one that starts with term
    return (column >= term) & (column < following)


def listed(account, filters):
    """The list's rows as dicts, unordered and unpaged; page() and export pages through it."""
    query = Collection.select(
        Collection.id,
        Collection.kind,
        Collection.submitted_at,
        Collection.status,
        Collection.flags,
        Collection.claimed_until,
        Collection.claimed_by,
        Collection.authority,
        Accountant.name,
        Accountant.id_number,
        Accountant.phone,
        Unit.name.alias("unit_name"),
        Claimer.display_name.alias("claimer"),
        Authority.name.alias("authority_name"),
    )
    query = (
        query.join(Accountant, on=Collection.accountant == Accountant.id)
        .switch(Collection)
        .join(PostSection, JOIN.LEFT_OUTER, on=PostSection.collection == Collection.id)
        .join(Unit, JOIN.LEFT_OUTER, on=PostSection.unit == Unit.id)
        .switch(Collection)
        .join(Claimer, JOIN.LEFT_OUTER, on=Collection.claimed_by == Claimer.id)
        .switch(Collection)
        .join(Authority, on=Collection.authority == Authority.id)
    )
    return query.where(*_where(account, filters)).dicts()


def _kept_count(covered, state, where):
    key = (tuple(sorted(covered)) if covered is not None else None, state)
    version = authorities.figures_version(covered)
    kept = _kept_counts.get(key)
    if kept is None or kept[0] != version:
        kept = _kept_counts[key] = (version, Collection.select(fn.COUNT(SQL("*"))).where(*where).scalar())
    return kept[1]


COUNT_CAP = 100  # "100+ 件": past a page or five, the exact number of a search helps nobody


_kept_counts = {}  # (authorities, state) → (their figures_version, n): this process's copy of a plain count


def count(account, filters, page=None):
    """(n, exact): exact over the queue index alone, and kept while no submission or decision changes the
    authorities' figures (authorities.figures_version); with search or section filters, counted up to
    COUNT_CAP. A first page that is also the last holds every row: counted without a query."""
    if page is not None and not page.next_cursor and not page.previous_cursor:
        return len(page.rows), True
    where = _where(account, filters)
    if not (
        filters.search
        or filters.flag
        or filters.on_duty is not None
        or filters.education_level
        or filters.qualification_level
    ):
        if filters.submitted_from or filters.submitted_to or filters.overdue:  # these move with the clock
            return Collection.select(fn.COUNT(SQL("*"))).where(*where).scalar(), True
        return _kept_count(authority_scope(account, filters), filters.state, where), True
    matching = Collection.select(Collection.id).where(*where)
    n = Collection.select(fn.COUNT(SQL("1"))).from_(matching.limit(COUNT_CAP + 1).alias("m")).scalar()
    return min(n, COUNT_CAP), n <= COUNT_CAP


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


SORTS = {  # order=…: (the column sorted on, descending)
    "": ("submitted", False),
    "newest": ("submitted", True),
    "name": ("name", False),
    "-name": ("name", True),
    "unit": ("unit", False),
    "-unit": ("unit", True),
}

SORT_NAMES = {
    "": "最早提交的在前",
    "newest": "最近提交的在前",
    "name": "按姓名排序",
    "-name": "按姓名倒序",
    "unit": "按工作单位排序",
    "-unit": "按工作单位倒序",
}


def _sort_key(column):
    return {
        "submitted": Collection.submitted_at,
        "name": Accountant.name,
        "unit": fn.COALESCE(Unit.name, ""),
    }[column]


def page(account, filters, after=None, before=None, size=PAGE_SIZE):
    """One page after (or before) a cursor in the order the filters ask for, the collection's id breaking
    ties; a cursor that makes no sense starts over. The submitted order walks the queue index at any depth;
    a name or unit order sorts the queue it reads (a bureau's, thousands of rows, not the province's)."""
    column, newest_first = SORTS[filters.order]
    key = _sort_key(column)
    query = listed(account, filters)
    mark = parse_cursor(before or after, column)
    backwards = bool(before and mark)
    descending = backwards != newest_first  # the direction read: backwards from a cursor turns it round
    if mark:
        at, last = mark
        if descending:
            query = query.where(key <= at, (key < at) | (Collection.id < last))
        else:
            query = query.where(key >= at, (key > at) | (Collection.id > last))
    order = (key.desc(), Collection.id.desc()) if descending else (key, Collection.id)
    rows = list(query.order_by(*order).limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    now = clock.now()
    for row in rows:
        row["waiting"] = workdays.waiting(row["submitted_at"], filters.today) if row["status"] == "submitted" else None
        row["overdue"] = row["waiting"] is not None and row["waiting"] > workdays.OVERDUE_AFTER
        row["flag_list"] = [f for f in row["flags"].split(",") if f]
        row["claimed"] = row["claimed_until"] is not None and row["claimed_until"] >= now
    first, last = (cursor_of(rows[0], column), cursor_of(rows[-1], column)) if rows else (None, None)
    has_before = bool(mark) and (not backwards or more)
    has_after = more if not backwards else bool(mark)
    return Page(rows, last if has_after else None, first if has_before else None)


def cursor_of(row, column="submitted"):
    if column == "submitted":
        return f"{row['submitted_at']:%Y%m%d%H%M%S%f}-{row['id']}"
    return f"{row['unit_name' if column == 'unit' else 'name'] or ''}-{row['id']}"


def parse_cursor(text, column="submitted"):
    """(key, id) from a cursor: a moment for the submitted order, the text itself for a name or unit."""
    key, dash, last = (text or "").rpartition("-")
    if not dash or not last.isdigit() or len(last) > 12:
        return None
    if column != "submitted":
        return key[:100], int(last)
    if not re.fullmatch(r"\d{20}", key):
        return None
    try:
        return datetime.strptime(key, "%Y%m%d%H%M%S%f"), int(last)
    except ValueError:
        return None


def next_waiting(collection):
    """The id of the collection waiting after this one in its authority's queue, if any."""
    at = collection.submitted_at
    return (
        Collection.select(Collection.id)
        .where(
            Collection.authority == collection.authority_id,
            Collection.status == "submitted",
            Collection.submitted_at >= at,
            (Collection.submitted_at > at) | (Collection.id > collection.id),
        )
        .order_by(Collection.submitted_at, Collection.id)
        .limit(1)
        .scalar()
    )


def each_row(account, filters, batch=5000):
    """Every row of the filtered list, oldest first, read in keyset batches so memory stays flat."""
    after = None
    while True:
        chunk = page(account, filters, after=after, size=batch)
        yield from chunk.rows
        if not chunk.next_cursor:
            return
        after = chunk.next_cursor
