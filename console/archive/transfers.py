"""档案调转 (002 §十二(六), 003 §1.2): an archive moves between provinces as a signed package.

调出: an archived person asks to leave for a province, with a reason; their bureau confirms it (or returns it), one
conditional UPDATE per decision as filings are. Confirmed, the person's archive is 已调出 (read-only, with its
history: no collection or change opens again) and the package is made and kept in storage for the bureau to
download: the basic information, the sections of the approved collection but the post, the continuing-education
credits, the confirmed credit records and the scans. The work history (会计工作履历) is not carried (002 §十二(一)).

调入: a bureau here uploads a package. It is checked whole (signature, format version, addressed here, its files,
the person not in this archive) before anything is written; then the person's archive record is made (or taken up)
with a draft collection prefilled from the package and its scans, which the person confirms and submits and a
reviewer decides like any other, shown against the package (console.review.diff). The person signs in with an
account of their own: registration finds the record (arrived_without_account).

The format, field by field, and the signature: docs/transfer-format.md."""

import hashlib
import hmac
import io
import json
import uuid
import zipfile
import zlib
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import current_app
from peewee import SQL, AutoField, BooleanField, DateField, DecimalField, ForeignKeyField, IntegerField, fn

from console.archive import work_history
from console.archive.duplicates import PROVINCES
from console.collection import answers
from console.collection.attachments import ALL_SLOTS, SLOT_SECTIONS, SLOTS
from console.errors import RuleViolation
from console.infra import audit, clock, images, messages, notifier, storage, texts
from console.org import authorities
from console.org.access import may_decide
from console.people import sessions
from console.people.identity import check_id, mask_id
from console.people.phones import is_mobile
from models import (
    Account,
    Accountant,
    Attachment,
    Authority,
    Award,
    Collection,
    CreditRecord,
    Education,
    EducationCredit,
    PersonalSection,
    Publication,
    QualificationSection,
    Transfer,
    Violation,
    db,
)
from models.accountant import ARCHIVE_STATES
from models.collection import COLLECTION_STATES
from models.transfer import TRANSFER_STATES

FORMAT, FORMAT_VERSION = "accountant-transfer", 1
DOCUMENT, SIGNATURE = "transfer.json", "transfer.sig"
MAX_UNPACKED = 64 << 20  # a package's files together, unpacked: a dozen scans are a few megabytes
MAX_MEMBERS = 500

# The collection's parts a package carries (answers.PARTS): all but the post, whose unit, duty and start of
# accounting work belong to the province left (the work history is not carried, 002 §十二(一)).
CARRIED = {
    "personal": PersonalSection,
    "full_time": Education,
    "part_time": Education,
    "qualification": QualificationSection,
    "awards": Award,
    "violations": Violation,
    "publications": Publication,
}
NOT_CARRIED = {"mode", "email_verified"}  # the part's key, and a check made again where the person goes
PERSON_FIELDS = ("id_type", "id_number", "name", "gender", "birth_date", "phone", "email")  # the archive's own
POST_SLOTS = [slot for slot, section in SLOT_SECTIONS.items() if section == "post"]
CREDIT_FIELDS = ("year", "credits", "professional_credits", "provider")
RECORD_FIELDS = ("kind", "source", "occurred_on", "description")
SCANNED = images.ImageRule(("JPEG", "PNG"), max_kb=MAX_UNPACKED >> 10)  # what a package's file must be

REFUSED_SIGNATURE = (
    "数据包签名校验未通过：数据包在导出后被修改，或调出省份的签名密钥与本省配置的不一致。未导入任何数据，"
    "请向调出省份重新获取数据包或核对双方约定的签名密钥"
)


# 调出 ------------------------------------------------------------------------------------------------------


def request_out(account, province_code, reason, profile):
    """申请调出: an archived person names the province they go to and why; waits for their bureau."""
    person = account.accountant
    why_not = _why_not_leaving(person)
    if why_not:
        raise RuleViolation(f"您的{why_not}")
    pending = _pending_out(person)
    if pending is not None:
        raise RuleViolation(f"您已申请调出至{pending.province}，正在等待会计管理机构确认，请勿重复申请")
    if province_code not in PROVINCES:
        raise RuleViolation("请选择调入的省份", "province")
    if province_code == profile.province_code:
        raise RuleViolation("调入省份不能是本省；省内变更工作单位请通过信息变更办理", "province")
    reason = texts.reason(reason, "reason", "调出原因")
    with db.atomic():
        transfer = Transfer.create(
            direction="out",
            status="submitted",
            accountant=person,
            authority=person.authority_id,
            id_type=person.id_type,
            id_number=person.id_number,
            name=person.name,
            province_code=province_code,
            province=PROVINCES[province_code],
            reason=reason,
            requested_at=clock.now(),
            requested_by=account,
        )
        audit.record("transfer.request", transfer, {"调入省份": transfer.province, "原因": reason}, actor=account)
    return transfer


def _why_not_leaving(person):
    """Why the archive cannot move now, or None: only an archive (在库) with nothing under way moves, as what it
    holds is what the package carries."""
    if person.archive_state == "transferred":
        return "会计人员档案已调出，不能再次调出"
    if person.archive_state != "archived":
        return f"会计人员档案不在库（{ARCHIVE_STATES.label(person.archive_state)}），只有在库的会计人员可以调出"
    latest = person.collections.order_by(Collection.id.desc()).first()
    if latest is not None and latest.status != "approved":
        return f"信息变更正在办理中（{COLLECTION_STATES.label(latest.status)}），须办结或撤回后再调出"
    return None


def _pending_out(person):
    return Transfer.get_or_none(
        Transfer.accountant == person, Transfer.direction == "out", Transfer.status == "submitted"
    )


def latest_out(person):
    """The person's newest request to leave, if any."""
    return (
        Transfer.select()
        .where(Transfer.accountant == person, Transfer.direction == "out")
        .order_by(Transfer.id.desc())
        .first()
    )


def approve_out(transfer, account, profile):
    """确认调出: the archive leaves (已调出, its work history closed today), the package is made and kept; the
    person is told by SMS. Refused, with nothing changed, while a change of the person's is under way."""
    person = Accountant.get_by_id(transfer.accountant_id)
    archive = (
        Collection.select()
        .where(Collection.accountant == person, Collection.status == "approved")
        .order_by(Collection.id.desc())
        .first()
    )
    with db.atomic():
        now = _decide(transfer, account, "approved")
        why_not = _why_not_leaving(person)
        if why_not:
            raise RuleViolation(f"该人员的{why_not}")
        package_id = str(uuid.uuid4())
        content = build_package(transfer, person, archive, profile, package_id, now)
        name = storage.save(content, ".zip")
        Transfer.update(package_id=package_id, storage_name=name).where(Transfer.id == transfer.id).execute()
        Accountant.update(archive_state="transferred").where(Accountant.id == person.id).execute()
        work_history.close([person.id], clock.to_beijing(now).date())
        _no_longer_heading(person)
        authorities.figures_changed(person.authority_id)
        audit.record("transfer.approve", transfer, {"姓名": person.name, "调入省份": transfer.province}, actor=account)
        _tell(person.phone, profile, f"已确认，档案已调出至{transfer.province}")
    return Transfer.get_by_id(transfer.id)


def return_out(transfer, account, profile, note):
    """退回: the request goes back to the person with the bureau's reason; they may ask again."""
    note = texts.reason(note, "note", "退回原因")
    with db.atomic():
        _decide(transfer, account, "returned", note=note)
        audit.record("transfer.return", transfer, {"退回原因": note}, actor=account)
        _tell(Accountant.get_by_id(transfer.accountant_id).phone, profile, "已退回，请登录系统查看原因")


def _decide(transfer, account, status, **more):
    if transfer.direction != "out" or not may_decide(account, transfer):
        raise RuleViolation("该调出申请不属于本机构确认")
    now = clock.now()
    decided = (
        Transfer.update(status=status, decided_at=now, decided_by=account, **more)
        .where(Transfer.id == transfer.id, Transfer.status == "submitted")
        .execute()
    )
    if not decided:
        current = Transfer.get_by_id(transfer.id)
        raise RuleViolation(f"该调出申请已由{current.decided_by}处理：{TRANSFER_STATES.label(current.status)}")
    return now


def _no_longer_heading(person):
    """A unit's accounting head who leaves the province heads it no more."""
    for head in Account.select().where(Account.accountant == person, Account.role == "unit_head"):
        Account.update(role="accountant", unit=None).where(Account.id == head.id).execute()
        sessions.end_all(head, "档案调出")


def _tell(phone, profile, outcome):
    notifier.send_sms(phone, messages.sms(profile, "transfer_decided", outcome=outcome))


# The package ----------------------------------------------------------------------------------------------


def signing_key():
    return current_app.config["TRANSFER_SIGNING_KEY"].encode()


def sign(document):
    """The package's signature: HMAC-SHA256 of transfer.json's bytes, in hex."""
    return hmac.new(signing_key(), document, hashlib.sha256).hexdigest()


def build_package(transfer, person, archive, profile, package_id, now):
    """The zip: transfer.json, its signature transfer.sig and the scans under files/."""
    given = answers.read(archive) if archive else dict.fromkeys(CARRIED, {})
    scans = _carried_scans(person, archive)
    files = {scan.id: f"files/{scan.sha256}.{scan.storage_name.rsplit('.', 1)[-1]}" for scan in scans}
    authority = Authority.get_by_id(person.authority_id)
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "transfer_id": package_id,
        "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "from": {
            "province_code": profile.province_code,
            "province": profile.name,
            "authority": authority.name,
            "authority_phones": authority.phone_list,
        },
        "to": {"province_code": transfer.province_code, "province": transfer.province},
        "reason": transfer.reason,
        "person": {
            **{name: _out(getattr(Accountant, name), getattr(person, name)) for name in PERSON_FIELDS},
            "archived_at": person.archived_at.strftime("%Y-%m-%dT%H:%M:%SZ") if person.archived_at else None,
        },
        "sections": {part: _section_out(part, given[part]) for part in CARRIED},
        "continuing_education": [
            _record_out(credit, CREDIT_FIELDS, files)
            for credit in EducationCredit.select()
            .where(EducationCredit.accountant == person)
            .order_by(EducationCredit.year, EducationCredit.id)
        ],
        "credit_records": [
            _record_out(record, RECORD_FIELDS, files)
            for record in CreditRecord.select()
            .where(CreditRecord.accountant == person, CreditRecord.status == "confirmed")
            .order_by(CreditRecord.occurred_on, CreditRecord.id)
        ],
        "files": [
            {
                "path": files[scan.id],
                "owner": "collection" if scan.collection_id else "archive",
                "slot": scan.slot,
                "sha256": scan.sha256,
                "size": scan.size,
                "content_type": scan.content_type,
            }
            for scan in scans
        ],
    }
    content = json.dumps(document, ensure_ascii=False, indent=2).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(DOCUMENT, content)
        package.writestr(SIGNATURE, sign(content))
        for scan in {files[scan.id]: scan for scan in scans}.values():  # the same scan twice is one file
            package.writestr(files[scan.id], storage.read(scan.storage_name), zipfile.ZIP_STORED)
    return out.getvalue()


def _carried_scans(person, archive):
    """The approved collection's scans but the post's, and the archive's own documents (a corrected ID number's
    proof, the proofs of credits and credit records)."""
    own = Attachment.accountant == person
    if archive is not None:
        own |= (Attachment.collection == archive) & Attachment.slot.not_in(POST_SLOTS)
    return list(Attachment.select().where(own).order_by(Attachment.id))


def _record_out(row, names, files):
    """A credit or credit record, its proof (if any) by its path in the package."""
    return {
        **{name: _out(getattr(type(row), name), getattr(row, name)) for name in names},
        "proof": files.get(row.proof_id),
    }


def _fields(part):
    """The columns of a part the package carries: all but keys, links to this database's rows and bookkeeping."""
    left = NOT_CARRIED | (set(PERSON_FIELDS) if part == "personal" else set())  # the identity is the person's
    return [
        f
        for f in CARRIED[part]._meta.sorted_fields
        if not isinstance(f, AutoField | ForeignKeyField) and f.name not in left
    ]


def _section_out(part, values):
    return {f.name: _out(f, values.get(f.name)) for f in _fields(part)} if values else None


def _out(field, value):
    if value is None:
        return None
    if isinstance(field, DateField):
        return value.isoformat()
    if isinstance(field, DecimalField):  # as many decimals as the column keeps, whichever database read it
        return str(Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places)))
    return value


class PackageRefused(RuleViolation):
    def __init__(self, message):
        super().__init__(message, "file")


def _in(field, value, where):
    """A value of the document as the column takes it; PackageRefused when it is not one."""
    if value is None:
        if field.null:
            return None
        if field.default is not None:
            return field.default
        raise PackageRefused(f"数据包内容不完整：缺少 {where}")
    try:
        typed = _converted(field, value)
    except (TypeError, ValueError, InvalidOperation):
        raise PackageRefused(f"数据包内容有误：{where} 的值不符合格式") from None
    if field.choices and typed not in {key for key, _ in field.choices}:
        raise PackageRefused(f"数据包内容有误：{where} 的值“{typed}”不是本系统的选项")
    return typed


def _converted(field, value):
    """The value as the column keeps it, within what the column holds; ValueError otherwise."""
    if isinstance(field, DateField):
        return date.fromisoformat(value)
    if isinstance(field, BooleanField | IntegerField):
        wanted = bool if isinstance(field, BooleanField) else int
        if type(value) is not wanted or wanted is int and abs(value) >= 1 << 31:
            raise ValueError(value)
        return value
    if isinstance(field, DecimalField):
        amount = Decimal(value) if isinstance(value, str | int) else None
        if amount is None or not amount.is_finite() or abs(amount) >= 10 ** (field.max_digits - field.decimal_places):
            raise ValueError(value)
        return amount
    if not isinstance(value, str) or len(value) > (getattr(field, "max_length", None) or 2000):
        raise ValueError(value)
    return value


def _typed(model, values, names, where):
    """The named columns of `values` (a dict of the document) typed; a name the document lacks takes its default,
    and one without a default must be there."""
    if not isinstance(values, dict):
        raise PackageRefused(f"数据包内容有误：{where} 应为对象")
    fields = model._meta.fields
    needed = [n for n in names if not fields[n].null and fields[n].default is None]
    return {n: _in(fields[n], values.get(n), f"{where}.{n}") for n in names if n in values or n in needed}


def read_package(data):
    """(document, {path: bytes}) of an uploaded package, checked whole: a zip, signed with the key agreed, of the
    format version this release reads, every listed file present and as listed. PackageRefused otherwise."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
            raise PackageRefused("数据包过大，不是本系统导出的调转数据包")
        names = {m.filename for m in members}
        if DOCUMENT not in names or SIGNATURE not in names:
            raise PackageRefused(f"数据包中缺少 {DOCUMENT} 或 {SIGNATURE}，不是本系统导出的调转数据包")
        content = package.read(DOCUMENT)
        if not hmac.compare_digest(sign(content), package.read(SIGNATURE).decode("ascii", "replace").strip()):
            raise PackageRefused(REFUSED_SIGNATURE)
        document = _document(content)
        files = {entry["path"]: package.read(entry["path"]) for entry in _listed(document, names)}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        raise PackageRefused("上传的文件不是有效的调转数据包（应为调出省份导出的压缩文件）") from None
    for entry in document["files"]:
        if hashlib.sha256(files[entry["path"]]).hexdigest() != entry["sha256"]:
            raise PackageRefused(f"数据包中的文件 {entry['path']} 与清单不符")
    return document, files


def _document(content):
    try:
        document = json.loads(content)
    except ValueError:
        raise PackageRefused(f"数据包中的 {DOCUMENT} 不是有效的 JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PackageRefused("该文件不是会计人员档案调转数据包")
    if document.get("version") != FORMAT_VERSION:
        raise PackageRefused(
            f"数据包格式版本“{document.get('version')}”不受支持：本系统读取第 {FORMAT_VERSION} 版，请对方按第 "
            f"{FORMAT_VERSION} 版导出"
        )
    for key, kind in (("from", dict), ("to", dict), ("person", dict), ("sections", dict), ("files", list)):
        if not isinstance(document.get(key), kind):
            raise PackageRefused(f"数据包内容不完整：缺少 {key}")
    for key in ("continuing_education", "credit_records"):
        if not isinstance(document.get(key, []), list):
            raise PackageRefused(f"数据包内容有误：{key} 应为列表")
    return document


def _listed(document, names):
    """The listed files, each present and of a known use, the collection's one a slot."""
    slots = set()
    for entry in document["files"]:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("path", "slot", "sha256")):
            raise PackageRefused("数据包内容有误：files 的条目不完整")
        if entry["path"] not in names:
            raise PackageRefused(f"数据包中缺少清单所列的文件 {entry['path']}")
        if entry.get("owner") not in ("collection", "archive") or entry["slot"] not in ALL_SLOTS:
            raise PackageRefused(f"数据包内容有误：文件 {entry['path']} 的用途无法识别")
        if entry["owner"] == "collection":
            if entry["slot"] in slots:
                raise PackageRefused(f"数据包内容有误：{ALL_SLOTS[entry['slot']]} 重复")
            slots.add(entry["slot"])
        yield entry


# 调入 ------------------------------------------------------------------------------------------------------


def receive(data, account, profile):
    """调入: the package read and checked whole, then the person's archive record (made, or taken up when they had
    registered here without collecting, or had left here before), a draft collection prefilled from it with its
    scans, the credits and credit records; the person is told by SMS to sign in, confirm and submit."""
    if account.role not in ("reviewer", "province_admin"):
        raise RuleViolation("只有会计管理机构可以导入调转数据包")
    document, files = read_package(data)
    package_id, origin_code, reason = _addressed(document, profile)
    person_values = _person(document["person"])
    sections = {part: _section_in(part, document["sections"].get(part)) for part in CARRIED}
    held = _taken_up(person_values, package_id)
    scans = _scans(document, files)
    stored = []
    try:
        with db.atomic():
            now = clock.now()
            authority = account.authority_id or Authority.get(Authority.code == profile.province_code).id
            person = _arrive(held, person_values, authority, now)
            collection = Collection.create(
                accountant=person, authority=authority, kind="transfer", created_at=now, updated_at=now
            )
            _prefill(collection, person, sections, profile)
            proofs = _attach(scans, collection, person, account, profile, stored, now)
            _credits(document, person, account, proofs, now)
            kept = storage.save(data, ".zip")
            stored.append(kept)
            given = answers.read(collection)
            transfer = Transfer.create(
                direction="in",
                status="imported",
                accountant=person,
                authority=authority,
                id_type=person.id_type,
                id_number=person.id_number,
                name=person.name,
                province_code=origin_code,
                province=PROVINCES[origin_code],
                reason=reason,
                package_id=package_id,
                storage_name=kept,
                collection=collection,
                answers=json.dumps(answers.flat(given), ensure_ascii=False),
                files=json.dumps(
                    {a.slot: a.sha256 for a in Attachment.select().where(Attachment.collection == collection)}
                ),
                requested_at=now,
                requested_by=account,
                decided_at=now,
                decided_by=account,
            )
            audit.record(
                "transfer.import",
                transfer,
                {"姓名": person.name, "证件号码": mask_id(person.id_number), "调出省份": transfer.province},
                actor=account,
            )
            notifier.send_sms(person.phone, messages.sms(profile, "transfer_arrived", province=transfer.province))
    except Exception:
        for name in stored:
            storage.remove(name)
        raise
    return transfer


def _addressed(document, profile):
    """(transfer_id, the province left, the reason) of a package sent here; PackageRefused otherwise."""
    to, origin = document["to"].get("province_code"), document["from"].get("province_code")
    if to != profile.province_code:
        raise PackageRefused(f"该数据包是调往{PROVINCES.get(to, '其他省份')}的，不能在本省导入")
    if origin not in PROVINCES or origin == to:
        raise PackageRefused("数据包内容有误：调出省份代码无效")
    package_id, reason = document.get("transfer_id"), document.get("reason", "")
    if not isinstance(package_id, str) or not 0 < len(package_id) <= 64:
        raise PackageRefused("数据包内容有误：transfer_id 应为 1-64 个字符")
    if not isinstance(reason, str) or len(reason) > texts.MAX_REASON_LENGTH:
        raise PackageRefused(f"数据包内容有误：reason 应为不超过 {texts.MAX_REASON_LENGTH} 字的文字")
    return package_id, origin, reason


def _person(values):
    """The archive's identity and contact as this database takes them, the ID number checked again."""
    typed = _typed(Accountant, values, PERSON_FIELDS, "person")
    try:
        identity = check_id(typed["id_type"], typed["id_number"])
    except RuleViolation as wrong:
        raise PackageRefused(f"数据包中的证件号码有误：{wrong}") from None
    if not is_mobile(typed["phone"]) or not typed["name"].strip():
        raise PackageRefused("数据包中的姓名或手机号码有误")
    return {**typed, "id_number": identity.number}


def _section_in(part, values):
    if values is None:
        return None
    return _typed(CARRIED[part], values, [f.name for f in _fields(part)], f"sections.{part}")


def _taken_up(values, package_id):
    """The person's record here, when it may take the archive in: nobody yet (None), someone registered who never
    collected, or someone who once left here. Refused: someone in this archive, or already collecting here."""
    if Transfer.select().where(Transfer.package_id == package_id).exists():
        raise PackageRefused("该数据包已导入过，不能重复导入")
    held = Accountant.get_or_none(Accountant.id_type == values["id_type"], Accountant.id_number == values["id_number"])
    if held is not None and held.archive_state not in ("pending", "transferred"):
        state = ARCHIVE_STATES.label(held.archive_state)
        raise PackageRefused(f"该人员已在本省会计人员档案中（{state}），不能调入")
    if held is not None and held.archive_state == "pending" and held.collections.exists():
        raise PackageRefused("该人员已在本省开始信息采集，不能再调入；请联系本人撤回后由本省直接审核")
    phone_holder = Accountant.get_or_none(Accountant.phone == values["phone"])
    if phone_holder is not None and phone_holder != held:
        raise PackageRefused("数据包中的手机号码已由本省另一名会计人员使用（一个手机号只能对应一个证件号），不能调入")
    return held


def _arrive(held, values, authority, now):
    facts = {**values, "id_tail": values["id_number"][-4:], "authority": authority, "archive_state": "pending"}
    if held is None:
        return Accountant.create(**facts, created_at=now)
    Accountant.update(**facts).where(Accountant.id == held.id).execute()
    return Accountant.get_by_id(held.id)


def _prefill(collection, person, sections, profile):
    """The draft's answers: what the package held, the identity as the archive record has it; the records of
    sections this province does not ask are left out."""
    identity = {
        name: getattr(person, name) for name in ("name", "id_type", "id_number", "gender", "birth_date", "phone")
    }
    PersonalSection.create(collection=collection, **{**(sections["personal"] or {}), **identity, "email": person.email})
    for part, model in CARRIED.items():
        values = sections[part]
        if part == "personal" or not values or (part in answers.RECORD_MODELS and part not in profile.sections):
            continue
        mode = {"mode": part} if model is Education else {}
        model.create(collection=collection, **mode, **values)


def _scans(document, files):
    """Each listed file as an image this product serves: (entry, checked image, its bytes)."""
    checked = []
    for entry in document["files"]:
        content = files[entry["path"]]
        try:
            image = images.check_image(content, SCANNED)
        except RuleViolation as wrong:
            raise PackageRefused(f"数据包中的文件 {entry['path']} 不是有效的图片：{wrong}") from None
        checked.append((entry, image, content))
    return checked


def _attach(scans, collection, person, account, profile, stored, now):
    """The scans, each under a new name with its thumbnail: the collection's (of the sections asked here) on the
    draft, the archive's own documents on the person. Returns {path: Attachment} for the proofs."""
    made = {}
    for entry, image, content in scans:
        on_draft = entry["owner"] == "collection"
        if on_draft and not _asked(entry["slot"], profile):
            continue
        name = storage.save(content, image.suffix)
        stored.append(name)
        storage.write(storage.thumbnail_name(name), images.thumbnail(content))
        made[entry["path"]] = Attachment.create(
            slot=entry["slot"],
            storage_name=name,
            content_type=f"image/{image.format.lower()}",
            size=len(content),
            width=image.width,
            height=image.height,
            sha256=entry["sha256"],
            uploaded_by=account,
            uploaded_at=now,
            **({"collection": collection} if on_draft else {"accountant": person}),
        )
    return made


def _asked(slot, profile):
    section = SLOT_SECTIONS.get(slot)
    return slot in SLOTS and (section in profile.sections if section else slot in profile.always_slots)


def _credits(document, person, account, proofs, now):
    """继续教育学分 and confirmed 信用信息, as the province left recorded them."""
    for n, item in enumerate(document.get("continuing_education", [])):
        values = _typed(EducationCredit, item, CREDIT_FIELDS, f"continuing_education[{n}]")
        EducationCredit.create(accountant=person, imported_at=now, proof=_proof(item, proofs), **values)
    for n, item in enumerate(document.get("credit_records", [])):
        values = _typed(CreditRecord, item, RECORD_FIELDS, f"credit_records[{n}]")
        CreditRecord.create(
            accountant=person,
            status="confirmed",
            entered_by=account,
            entered_at=now,
            confirmed_by=account,
            confirmed_at=now,
            proof=_proof(item, proofs),
            **values,
        )


def _proof(item, proofs):
    path = item.get("proof") if isinstance(item, dict) else None
    return proofs.get(path) if isinstance(path, str) else None


# Registration finds the archive that arrived ------------------------------------------------------------------


def arrived_without_account(id_type, id_number):
    """The archive record a 调入 made for this ID, while nobody has signed up for it; None otherwise."""
    signed_up = Account.select(SQL("1")).where(Account.accountant == Accountant.id)
    return (
        Accountant.select()
        .join(Transfer, on=(Transfer.accountant == Accountant.id))
        .where(
            Accountant.id_type == id_type,
            Accountant.id_number == id_number,
            Transfer.direction == "in",
            ~fn.EXISTS(signed_up),
        )
        .first()
    )


def check_arrival(person, name, phone):
    """Registration takes up an arrived archive only with its name and its phone (the one the code was sent to):
    the package's phone was verified in the province left, and proves the person as the old database's does."""
    if name != person.name:
        raise RuleViolation("姓名与调入的会计人员档案不一致，请按证件上的姓名填写", "name")
    if phone != person.phone:
        raise RuleViolation(
            "手机号码与调入的会计人员档案不一致，请使用调出省份登记的手机号码注册；号码已更换的，请联系会计管理机构",
            "phone",
        )


# What the console and the portal read ---------------------------------------------------------------------------


def package_content(transfer, account):
    """The package's bytes for a bureau that may read it; the download goes to the audit log."""
    if not transfer.storage_name:
        raise RuleViolation("该调转没有数据包")
    audit.record("transfer.download", transfer, {"姓名": transfer.name, "方向": transfer.direction}, actor=account)
    return storage.read(transfer.storage_name)


def package_filename(transfer):
    day = clock.to_beijing(transfer.decided_at or transfer.requested_at).strftime("%Y%m%d")
    return f"档案调转-{transfer.name}-{transfer.province}-{day}.zip"


def baseline(collection):
    """(answers, files) the package held, for a draft made by a 调入; None for any other collection."""
    row = Transfer.get_or_none(Transfer.collection == collection.id, Transfer.direction == "in")
    return (json.loads(row.answers), json.loads(row.files)) if row else None
