"""Province profiles: data files in authority_data/profiles that decide what differs by province."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from werkzeug.local import LocalProxy

DATA_DIR = Path(__file__).resolve().parent.parent / "authority_data"


@dataclass(frozen=True)
class Profile:
    key: str
    name: str
    system_name: str
    province_code: str
    root_name: str
    regions: str  # "all": every GB/T 2260 region has a bureau; "listed": only those of the overlay
    overlay: str
    id_types: list
    login_modes: list
    password_reset: list
    accountant_password: dict
    sections: list
    uploads: dict
    work_proof: str = "work_proof"  # the scan that proves on-duty work: a 工作证明, or NMG's system-made 证明函
    abacus: bool = False  # 珠算等级 and 证号 in the qualification section (000 §8)
    email_verification: bool = False  # the e-mail is verified by a code (002 §六)
    # when a submission passes without back-office review (002 §十): "legacy_unchanged" = the person is in
    # the imported old certificate database, nothing it holds changed, and no check raised a flag
    auto_pass: str = ""
    # the password an imported person of the old database signs in with the first time, then changes (002 §三.1)
    legacy_initial_password: str = ""
    # 入库备案 before collection for someone not in the old database (002 §三.2–3)
    entry_filing: bool = False
    # the yearly continuing-education requirement: national (财会〔2018〕10号, in force from 1 July 2018,
    # so 2019 is its first whole year and the first the rules check); a profile may differ
    continuing_education: dict = field(
        default_factory=lambda: {"credits": 90, "professional_share": "2/3", "since": 2019}
    )

    @property
    def overlay_path(self):
        return DATA_DIR / "overlays" / self.overlay if self.overlay else None


def available():
    return sorted(p.stem for p in (DATA_DIR / "profiles").glob("*.toml"))


def load_profile(key):
    path = DATA_DIR / "profiles" / f"{key}.toml"
    if not path.exists():
        raise ValueError(f"未知的省份配置 PROVINCE={key!r}，可选：{', '.join(available())}")
    with path.open("rb") as f:
        return Profile(**tomllib.load(f))


def init_app(app):
    app.extensions["profile"] = load_profile(app.config["PROVINCE"])


# The profile of the app that handles the request (or runs the command): one proxy for views, CLI and domain.
current_profile = LocalProxy(lambda: current_app.extensions["profile"])
