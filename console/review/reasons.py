"""What a return reason may point at: a section's field or one of the profile's scans, and the ready-made
reasons (退回原因模板) offered there first."""

from console.collection import rules, sections
from console.collection.sections import REASON_SECTIONS
from models import ReasonTemplate


def targets(profile):
    """{section: {field or slot: label}} from the wizard's own schema, and the profile's scans."""
    return {**sections.labels(), "attachments": rules.offered_slots(profile)}


def target_choices(profile):
    """The 字段或附件 a template may name, as (栏目 title, value, label); "" is the whole section."""
    found = targets(profile)
    return [(None, "", "（整个栏目）")] + [
        (title, name, label) for key, title in REASON_SECTIONS for name, label in found.get(key, {}).items()
    ]


def check_target(section, target, profile):
    """The message when the field or slot is not in the section, or None."""
    if section not in REASON_SECTIONS.values():
        return "请选择栏目"
    known = targets(profile).get(section, {})
    if target and target not in known:
        return f"“{REASON_SECTIONS.label(section)}”中没有这个字段或附件，请在该栏目下选择"
    return None


def templates_for(profile):
    """The active templates this profile can use, in their order: none about a scan the profile never asks."""
    slots = rules.offered_slots(profile)
    return [
        t
        for t in ReasonTemplate.select().where(ReasonTemplate.is_active).order_by(ReasonTemplate.sort_order)
        if t.section != "attachments" or not t.target or t.target in slots
    ]
