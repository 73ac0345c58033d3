"""Which authority manages a place: the county's own bureau, else its city's, else the province's (002 §一.2);
a merged authority's places go to the one it was merged into. Special authorities (直属, 林管局) are never
reached this way (002 §七.2): a unit is put under one by the admin (console.org.units.assign)."""

from console.infra.database import plain_rows
from console.infra.memo import per_request
from models import Authority


@per_request
def authority_for_region(region_code):
    """The active regional authority of a GB/T 2260 code, or None outside the profile's territory."""
    candidates = [region_code[:6], region_code[:4], region_code[:2]]
    found = {
        a.region_code: a
        for a in Authority.select().where(Authority.region_code.in_(candidates), ~Authority.special)
        if a.is_active or a.merged_into_id
    }
    held = next((found[code] for code in candidates if code in found), None)
    return successor(held) if held is not None else None


def successor(authority):
    """The authority that answers for `authority` now: itself, or the one it was merged into, and so on."""
    seen = set()
    while not authority.is_active and authority.merged_into_id and authority.id not in seen:
        seen.add(authority.id)
        authority = Authority.get_by_id(authority.merged_into_id)
    return authority if authority.is_active else None


def in_territory(region_code, profile):
    """Whether a place belongs to the profile: a region its tree manages, or one of the codes it accepts
    besides (兵团: 新疆's 65…, whose people choose their 师)."""
    return authority_for_region(region_code) is not None or any(region_code.startswith(p) for p in profile.territory)


@per_request
def choosable_regions(province_code):
    """The regions a person may choose (a residence, a work place): the tree's cities and counties with a
    region code, never the province itself nor a special authority. [(region code, name)]"""
    query = (
        Authority.select(Authority.region_code, Authority.name)
        .where(
            Authority.is_active,
            ~Authority.special,
            Authority.region_code.is_null(False),
            Authority.region_code != province_code,
        )
        .order_by(Authority.code)
    )
    return [(code, name.removesuffix("财政局")) for code, name in plain_rows(query)]


@per_request
def choosable_authorities(province_code):
    """The 会计管理部门 a person chooses where the profile routes by choice (兵团's 师): the active authorities
    right under the root, specials excepted. [(id, name)]"""
    root = Authority.get_or_none(Authority.code == province_code)
    return [
        (a.id, a.name)
        for a in Authority.select()
        .where(Authority.parent == root, Authority.is_active, ~Authority.special)
        .order_by(Authority.sort_order, Authority.code)
    ]
