"""Province profiles: data files in authority_data/profiles that decide what differs by province.

load_profile checks a profile before the app starts, so a mistake names its file and key at start-up
instead of surfacing as a KeyError in the middle of a request."""

import tomllib
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from fractions import Fraction
from pathlib import Path

from werkzeug.local import LocalProxy

from console.collection.attachments import OTHER_SLOTS, SLOTS
from console.collection.sections import SECTIONS, TITLES
from console.content.documents import DOCUMENTS, serving
from console.infra import messages
from console.people.passwords import CLASSES as PASSWORD_CLASSES
from models.accountant import ID_TYPES
from models.collection import RESIDENCE_TYPES

DATA_DIR = Path(__file__).resolve().parent.parent / "authority_data"

RESET_CHANNELS = ("sms", "email")
IMAGE_FORMATS = ("JPEG", "PNG")
AUTO_PASS = ("", "legacy_unchanged")
REGIONS = ("all", "listed")


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the key."""


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
    # How a collection finds its bureau (docs/domain.md "Authorities and routing"): "unit" — the bureau of the
    # unit's region, chosen by its address when the unit is added (002 §一.2, the 扶贫办 example); "region" — the
    # region the person chooses (吉林 单位所属区域, 重庆 工作地所在地区); "authority" — the 会计管理部门 the
    # person chooses (兵团, 000 §6). A unit put under a special authority goes there whatever the mode.
    routing: str = "unit"
    region_label: str = "所在地区"  # what the wizard calls the chosen region
    # region codes (prefixes) accepted as in the territory beyond those the tree manages: 兵团 units and people
    # carry ordinary 新疆 codes (65…) and choose their 师
    territory: list = field(default_factory=list)
    unit_codes: list = field(default_factory=lambda: ["uscc"])  # 吉林 also: org_code, licence_no (001 J-4.2)
    residence_types: list = field(default_factory=lambda: ["household", "residence_permit", "student"])
    # rules only some manuals state
    work_start_after_graduation: bool = False  # 开始从事会计工作 not before full-time graduation (002 §七)
    yearly_rules: bool = False  # the appraisal and continuing-education rules of 002 §十二
    yearly_rules_on: str = "03-01"  # MM-DD: the worker previews the year's rules (the manual names no date)
    diploma_exempt: list = field(default_factory=lambda: ["初中及以下", "无学历"])  # levels that ask no diploma
    always_slots: list = field(default_factory=list)  # scans everyone uploads (吉林: commitment, 真实材料保证书)
    required_fields: list = field(default_factory=list)  # "section.field" a manual marks *, beyond the rules'
    optional_fields: list = field(default_factory=list)  # "section.field" the rules would require, a manual not
    sms_signature: str = ""  # the 【…】 an SMS is signed with; the system's name where the manual names none
    messages: dict = field(default_factory=dict)  # the profile's own wording of console.infra.messages
    name_editable: bool = False  # the name may be corrected before the first submission (000 §5, 002 §六)
    off_duty_without_letter: bool = False  # no 证明函 uploaded: treated as not on duty (002 §四.13)
    education_record: bool = False  # 学历电子备案表: its online code and scan, 学历加标 (002 §四.5, 8; §八)
    talent_with_qualification: bool = False  # 是否高端人才 and 领军人才 asked with the qualification (002 §九)
    reduce_large_scans: bool = False  # a scan over the limit is reduced on the server, not refused (003)
    sign_in_after_registration: bool = False  # registration goes on into the wizard (003 §1)
    documents: list = field(
        default_factory=list
    )  # 模板下载: the documents its manual names (console.content.documents)
    # What the province changes from year to year, also kept in the console (console.profile_settings):
    collection_deadline: str = ""  # YYYY-MM-DD, Beijing: the last day a first submission is taken
    deadline_message: str = ""  # shown with the deadline, before it and after it
    preparation_notice: str = ""  # 信息采集须知 on the preparation step (Markdown, sanitised when shown)
    # 需要准备的材料: [{text, slot}], each item as the manual words it; an item with a slot shows that slot's
    # upload rule, made from `uploads`, so the list never disagrees with the checks
    materials: list = field(default_factory=list)

    @property
    def proof_template(self):
        """The document printed for the work-proof scan: "letter" (002's 证明函, read back by its QR code) or
        the key of the manual's 工作证明; "" where the profile lists none."""
        proof = serving(self, self.work_proof)
        return proof.key if proof else ""

    @property
    def overlay_path(self):
        return DATA_DIR / "overlays" / self.overlay if self.overlay else None


FIELDS = {f.name: f for f in fields(Profile)}
REQUIRED = [f.name for f in fields(Profile) if f.default is MISSING and f.default_factory is MISSING]


def available(directory=None):
    return sorted(p.stem for p in Path(directory or DATA_DIR / "profiles").glob("*.toml"))


def load_profile(key, directory=None):
    directory = Path(directory or DATA_DIR / "profiles")
    path = directory / f"{key}.toml"
    if not path.exists():
        raise ProfileError(f"未知的省份配置 PROVINCE={key!r}，可选：{', '.join(available(directory))}")
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
        check(data, key)
    except (tomllib.TOMLDecodeError, ProfileError) as e:
        raise ProfileError(f"{_shown(path)}: {e}") from None
    return Profile(**data)


def init_app(app):
    app.extensions["profile"] = load_profile(app.config["PROVINCE"], app.config.get("PROFILES_DIR"))


def _shown(path):
    try:
        return path.relative_to(DATA_DIR.parent)
    except ValueError:
        return path


def check(data, key):
    """Raise ProfileError("<key>: <what is wrong>") for the first mistake in a profile's data."""
    _only("", data, FIELDS)
    _require("", data, REQUIRED)
    for name, value in data.items():
        if not isinstance(value, FIELDS[name].type):
            raise ProfileError(f"{name}: expected {FIELDS[name].type.__name__}, got {type(value).__name__}")
    if data["key"] != key:
        raise ProfileError(f"key: {data['key']!r} differs from the file's name {key!r}")
    _one_of("regions", [data["regions"]], REGIONS, "value")
    _one_of("sections", data["sections"], TITLES, "section")
    from console.people.registration import SIGN_IN_MODES  # imported here: registration reads the profile

    _one_of("login_modes", data["login_modes"], SIGN_IN_MODES, "sign-in mode")
    _one_of("password_reset", data["password_reset"], RESET_CHANNELS, "channel", may_be_empty=True)
    _one_of("id_types", data["id_types"], ID_TYPES.values(), "ID type")
    _one_of("work_proof", [data.get("work_proof", "work_proof")], SLOTS, "upload slot")
    _one_of("auto_pass", [data.get("auto_pass", "")], AUTO_PASS, "value")
    _check_routing(data)
    _check_uploads(data["uploads"])
    _check_collection(data)
    _check_password(data["accountant_password"])
    if "continuing_education" in data:
        _check_education(data["continuing_education"])
    problem = messages.check(data.get("messages", {}))
    if problem:
        raise ProfileError(problem)


ROUTING = ("unit", "region", "authority")
UNIT_CODES = ("uscc", "org_code", "licence_no")


def _check_routing(data):
    _one_of("routing", [data.get("routing", "unit")], ROUTING, "value")
    _one_of("unit_codes", data.get("unit_codes", ["uscc"]), UNIT_CODES, "unit code")
    _one_of("residence_types", data.get("residence_types", ["household"]), RESIDENCE_TYPES.values(), "type")
    _one_of("documents", data.get("documents", []), DOCUMENTS, "document", may_be_empty=True)
    _one_of("always_slots", data.get("always_slots", []), SLOTS, "upload slot", may_be_empty=True)
    for code in data.get("territory", []):
        if not (isinstance(code, str) and code.isdigit() and len(code) in (2, 4, 6)):
            raise ProfileError(f"territory: {code!r} is no region code (2, 4 or 6 digits)")
    for key in ("required_fields", "optional_fields"):
        for name in data.get(key, []):
            section, _, field_name = str(name).partition(".")
            if section not in SECTIONS or SECTIONS[section].field(field_name) is None:
                raise ProfileError(f"{key}: unknown field {name!r} (write section.field)")


def _check_collection(data):
    deadline = data.get("collection_deadline", "")
    try:
        deadline and date.fromisoformat(deadline)
    except ValueError:
        raise ProfileError(f"collection_deadline: {deadline!r} is no date (write YYYY-MM-DD)") from None
    for index, item in enumerate(data.get("materials", [])):
        where = f"materials[{index}]."
        if not isinstance(item, dict):
            raise ProfileError(f"materials[{index}]: expected a table with text and slot")
        _only(where, item, ("text", "slot"))
        if not (isinstance(item.get("text"), str) and item["text"].strip()):
            raise ProfileError(f"{where}text: missing")
        if item.get("slot", "") and item["slot"] not in {**SLOTS, **OTHER_SLOTS}:
            raise ProfileError(f"{where}slot: unknown upload slot {item['slot']!r}")


def _only(where, table, allowed):
    for name in table:
        if name not in allowed:
            raise ProfileError(f"{where}{name}: unknown key")


def _require(where, table, names):
    for name in names:
        if name not in table:
            raise ProfileError(f"{where}{name}: missing")


def _one_of(where, values, known, noun, may_be_empty=False):
    if not values and not may_be_empty:
        raise ProfileError(f"{where}: empty")
    for value in values:
        if value not in known:
            raise ProfileError(f"{where}: unknown {noun} {value!r} (known: {', '.join(map(repr, known))})")
    for value in {v for v in values if values.count(v) > 1}:
        raise ProfileError(f"{where}: {value!r} listed twice")


def _positive_int(value):
    return type(value) is int and value > 0  # type(), not isinstance: TOML's true is no size


def _check_uploads(uploads):
    """The general rule every scan follows, then the tables of the slots that have their own (the photo)."""
    general = {name: value for name, value in uploads.items() if not isinstance(value, dict)}
    _check_image_rule("uploads.", general, ("formats", "max_kb", "min_kb"))
    for slot, own in uploads.items():
        if isinstance(own, dict):
            if slot not in SLOTS and slot not in OTHER_SLOTS:
                raise ProfileError(f"uploads.{slot}: unknown upload slot")
            _check_image_rule(f"uploads.{slot}.", own, ("formats", "max_kb", "min_kb", "width", "height"), general)


def _check_image_rule(where, own, allowed, inherited=None):
    # a slot's table overrides the general rule key by key (ImageRule.for_slot), so the merge is what must be sane
    _only(where, own, allowed)
    rule = {**(inherited or {}), **own}
    _require(where, rule, ("formats", "max_kb"))
    if not isinstance(rule["formats"], list):
        raise ProfileError(f"{where}formats: expected a list")
    _one_of(f"{where}formats", rule["formats"], IMAGE_FORMATS, "format")
    if not _positive_int(rule["max_kb"]):
        raise ProfileError(f"{where}max_kb: expected a positive whole number")
    min_kb = rule.get("min_kb", 0)
    if not (type(min_kb) is int and 0 <= min_kb < rule["max_kb"]):
        raise ProfileError(f"{where}min_kb: expected a whole number from 0 to below max_kb ({rule['max_kb']})")
    if ("width" in rule) != ("height" in rule):
        raise ProfileError(f"{where}{'height' if 'width' in rule else 'width'}: missing (width and height go together)")
    for name in ("width", "height"):
        if name in rule and not _positive_int(rule[name]):
            raise ProfileError(f"{where}{name}: expected a positive whole number")


def _check_password(rule):
    where = "accountant_password."
    _only(where, rule, ("min_length", "classes", "letters_digits_only", "required"))
    _one_of(f"{where}required", rule.get("required", []), PASSWORD_CLASSES, "class", may_be_empty=True)
    _require(where, rule, ("min_length", "classes"))
    if not _positive_int(rule["min_length"]):
        raise ProfileError(f"{where}min_length: expected a positive whole number")
    letters_digits_only = rule.get("letters_digits_only", False)
    if type(letters_digits_only) is not bool:
        raise ProfileError(f"{where}letters_digits_only: expected true or false")
    # the classes are lower case, upper case, digits and symbols; letters and digits only leaves three
    most = 3 if letters_digits_only else 4
    if not (type(rule["classes"]) is int and 1 <= rule["classes"] <= most):
        raise ProfileError(f"{where}classes: expected a whole number from 1 to {most}")


def _check_education(rule):
    where = "continuing_education."
    _only(where, rule, ("credits", "professional_share", "since"))
    _require(where, rule, ("credits", "professional_share", "since"))
    if type(rule["credits"]) not in (int, float) or rule["credits"] <= 0:
        raise ProfileError(f"{where}credits: expected a positive number")
    try:
        share = Fraction(rule["professional_share"]) if isinstance(rule["professional_share"], str) else None
    except (ValueError, ZeroDivisionError):
        share = None
    if share is None or not 0 < share <= 1:
        raise ProfileError(f'{where}professional_share: expected a fraction such as "2/3"')
    if not _positive_int(rule["since"]):
        raise ProfileError(f"{where}since: expected a year")


def _in_force():
    from console import profile_settings  # it builds on this module's Profile and check

    return profile_settings.in_force()


# The profile in force for the app that handles the request (or runs the command): the file's, with the settings
# the province admin keeps in the console over it. One proxy for views, CLI and domain.
current_profile = LocalProxy(_in_force)
