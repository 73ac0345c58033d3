"""Which authority manages a place: the county's own bureau, else its city's, else the province's
(002 §一.2). Special authorities (直属, 林管局) are never reached this way (002 §七.2)."""

from console.infra.memo import per_request
from models import Authority


@per_request
def authority_for_region(region_code):
    """The active regional authority of a GB/T 2260 code, or None outside the profile's territory."""
    candidates = [region_code[:6], region_code[:4], region_code[:2]]
    found = {
        a.region_code: a
        for a in Authority.select().where(
            Authority.region_code.in_(candidates), Authority.is_active, ~Authority.special
        )
    }
    return next((found[code] for code in candidates if code in found), None)
