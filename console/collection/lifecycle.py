"""A collection on the accountant's side: the draft, what is still missing, submit and withdraw.

States (docs/domain.md "Review"): 草稿 draft → 待审核 submitted → 审核通过 approved | 已退回 returned;
待审核 → 已撤回 withdrawn by the applicant before a decision. Returned and withdrawn collections are
edited like drafts and submitted again. Transitions are conditional updates, so a double click or
a second tab makes one submission, not two."""

import json
from datetime import date

from playhouse.shortcuts import model_to_dict

from console.collection import answers, education_record, rules
from console.collection.attachments import SLOTS
from console.errors import RuleViolation
from console.imports.legacy import held_answers, legacy_record
from console.infra import audit, clock, images, storage
from console.org import authorities, unit_codes
from console.people import identity, verification
from console.people.phones import check_mobile
from console.review import decisions, diff, screening
from models import (
    Accountant,
    Attachment,
    Collection,
    Education,
    PersonalSection,
    PostSection,
    QualificationSection,
    ReviewEvent,
    Submission,
    Unit,
    db,
)

EDITABLE = ("draft", "returned", "withdrawn")


def latest_of(accountant):
    collection = accountant.collections.order_by(Collection.id.desc()).first()
    if collection is not None:
        collection.accountant = accountant  # the rules read the person's declared start of work
    return collection


def editable(accountant, collection=None):
    """The accountant's collection open for editing (`collection` when the caller has read the latest), or
    None when there is none yet; refuses while one is submitted or after approval, and for an archive sent to
    another province (调出: read-only, with its history)."""
    _check_archive_open(accountant)
    latest = collection or latest_of(accountant)
    if latest is None or latest.status in EDITABLE:
        return latest
    if latest.status == "submitted":
        raise RuleViolation("信息采集已提交，正在等待审核；如需修改，请先撤回")
    raise RuleViolation("信息采集已审核通过；信息有变化的，请通过信息变更办理")


CLOSED_ARCHIVES = {  # an archive that left the active one is read, never changed (调出; 自然减员 until undone)
    "transferred": "您的会计人员档案已调出至其他省份，只能查看，不能再办理信息采集或信息变更",
    "departed": "您的会计人员档案已作自然减员登记，只能查看；如登记有误，请联系会计管理机构",
}


def _check_archive_open(accountant):
    if accountant.archive_state in CLOSED_ARCHIVES:
        raise RuleViolation(CLOSED_ARCHIVES[accountant.archive_state])


def open_draft(accountant):
    """The collection to edit: the open one, or a new draft prefilled from registration and the old database."""
    latest = editable(accountant)
    if latest is not None:
        return latest
    now = clock.now()
    with db.atomic():
        collection = Collection.create(
            accountant=accountant, authority=accountant.authority, created_at=now, updated_at=now
        )
        PersonalSection.create(
            collection=collection,
            name=accountant.name,
            id_type=accountant.id_type,
            id_number=accountant.id_number,
            gender=accountant.gender,
            birth_date=accountant.birth_date,
            phone=accountant.phone,
            email=accountant.email,
        )
        prefill(collection, accountant)
    return collection


def open_change(accountant):
    """信息变更: after approval, a new collection prefilled with everything the archive holds (the scans
    copied under new names), edited in the wizard and reviewed in the same queue."""
    _check_archive_open(accountant)
    latest = accountant.collections.order_by(Collection.id.desc()).first()
    if latest is None or latest.status != "approved":
        return open_draft(accountant)  # an open change (or collection) is the one to edit
    now = clock.now()
    with db.atomic():
        change = Collection.create(
            accountant=accountant, authority=latest.authority_id, kind="change", created_at=now, updated_at=now
        )  # the 诚信承诺 is agreed to again
        for model in answers.ANSWER_MODELS:
            rows = [
                {**model_to_dict(row, recurse=False, exclude=[model.id]), "collection": change.id}
                for row in model.select().where(model.collection == latest)
            ]
            if rows:
                model.insert_many(rows).execute()
        for scan in latest.attachments:
            content = storage.read(scan.storage_name)
            copy = storage.save(content, "." + scan.storage_name.rsplit(".", 1)[-1])
            storage.write(storage.thumbnail_name(copy), images.thumbnail(content))
            Attachment.create(
                **{
                    **model_to_dict(scan, recurse=False, exclude=[Attachment.id]),
                    "collection": change.id,
                    "storage_name": copy,
                    "uploaded_at": now,
                }
            )
        audit.record("collection.change", change, {"原信息采集": latest.id})
    return change


def missing(collection, profile, given=None, files=None):
    """What stops a submission: [(section, field, message)], empty when it may be submitted. `given` and
    `files` are the collection's answers and scans when the caller has read them already."""
    given = given or answers.read(collection)
    files = scans(collection) if files is None else files
    personal, post = given["personal"], given["post"]
    typed = typed_identity(collection, personal, profile)
    checks = {
        "personal": rules.check_personal(personal, profile.email_verification, typed),
        "post": rules.check_post(
            post,
            profile,
            given["full_time"].get("graduated_on"),
            collection.accountant.work_started_on,
            id_type=personal.get("id_type"),
        ),
        "education": rules.check_education(given["full_time"], given["part_time"], profile=profile),
        "qualification": rules.check_qualification(given["qualification"], with_abacus=profile.abacus),
    }
    talent = rules.talent_section(profile)
    if talent:
        checks[talent] = {**checks.get(talent, {}), **rules.check_talent(given["qualification"])}
    for key, (kind, _) in answers.RECORD_MODELS.items():
        checks[key] = rules.check_record(kind, given[key]) if key in profile.sections else {}
    flat = {**given, "education": {f"{m}_{k}": v for m in ("full_time", "part_time") for k, v in given[m].items()}}
    for key in checks:
        checks[key] = {**rules.check_required(profile, key, flat.get(key, {})), **checks[key]}
    found = [(key, f, m) for key, errors in checks.items() for f, m in errors.items()]
    if post.get("has_unit") and "unit_uscc" not in checks["post"]:
        found += _unit_known(given)
    void = old_units_proof(collection, given, files)
    if void is not None:
        found.append(("attachments", void.slot, f"工作单位已变更，请上传新单位出具的{SLOTS[void.slot]}"))
    uploaded = {a.slot for a in files if a is not void}
    found += [
        ("attachments", slot, f"请上传{SLOTS[slot]}")
        for slot in required_slots(profile, given)
        if slot not in uploaded and (void is None or slot != void.slot)
    ]
    if collection.commitment_at is None and "commitment" in profile.sections:
        found.append(("commitment", "commitment", "请阅读并同意诚信提供信息承诺"))
    return found


WORK_PROOFS = ("letter", "work_proof")


def old_units_proof(collection, given, files):
    """In a 信息变更 to another unit, the work proof still the one copied from the archive: the old unit's, so
    void (002 §四.13: 工作单位调动等需要由调入单位重新出具此证明函). None otherwise."""
    proof = next((a for a in files if a.slot in WORK_PROOFS), None)
    if collection.kind != "change" or proof is None or not given["post"].get("has_unit"):
        return None
    archived = (
        Attachment.select(Attachment.sha256, PostSection.unit.alias("unit_id"))
        .join(Collection, on=Attachment.collection == Collection.id)
        .join(PostSection, on=PostSection.collection == Collection.id)
        .where(
            Collection.accountant == collection.accountant_id,
            Collection.status == "approved",
            Attachment.slot == proof.slot,
        )
        .order_by(Collection.id.desc())
        .dicts()
        .first()
    )
    moved = archived is not None and archived["unit_id"] != given["unit"].get("id")
    return proof if moved and archived["sha256"] == proof.sha256 else None


def scans(collection):
    return list(Attachment.select().where(Attachment.collection == collection).order_by(Attachment.id))


def _unit_known(given):
    """The unit must be in the system: found by 获取单位信息, or added once with its licence (002 §七.3)."""
    if given["unit"].get("uscc") != unit_codes.normalized(given["post"].get("unit_uscc")):
        return [("post", "unit_uscc", "请点击“获取单位信息”；系统中没有的单位，请按提示添加")]
    return []


def required_slots(profile, given):
    """The scans the answers call for (console.collection.rules.required_slots)."""
    records = [kind for key, (kind, _) in answers.RECORD_MODELS.items() if key in profile.sections and given[key]]
    return rules.required_slots(profile, given, records)


def optional_slots(profile, given):
    """Scans offered but not demanded: 内蒙古's 证明函, without which an on-duty person counts as not on duty, and
    its 学历电子备案表 (自愿提供)."""
    letter = ["letter"] if rules.off_duty_for_want_of_letter(profile, given["post"], ()) else []
    return letter + education_record.offered_slots(profile, given)


def deadline_passed(profile, today=None):
    """Whether the profile's collection deadline (the last day, Beijing) is behind us. After it a collection never
    submitted is refused; one returned for correction, and 信息变更 after approval, still go to review."""
    deadline = profile.collection_deadline
    return bool(deadline) and (today or clock.today()) > date.fromisoformat(deadline)


def deadline_notice(profile, today=None):
    """The words the portal shows about the deadline (empty when the profile sets none)."""
    if not profile.collection_deadline:
        return ""
    day = date.fromisoformat(profile.collection_deadline)
    said = (
        f"信息采集已于 {day:%Y年%m月%d日} 截止"
        if deadline_passed(profile, today)
        else f"信息采集截止日期：{day:%Y年%m月%d日}"
    )
    return f"{said}。{profile.deadline_message}".rstrip()


def submit(collection, account, profile):
    """待审核, routed to the authority the answers name and screened: the checks' results, the flags and
    what changed are kept with the submission, and where the profile allows and nothing needs a person it
    passes at once (002 §十). Refuses while anything is missing; the answers are read once."""
    closed = deadline_passed(profile) and collection.kind == "collection" and collection.revision == 0
    if closed:
        raise RuleViolation(deadline_notice(profile))
    given, files = answers.read(collection), scans(collection)
    gaps = missing(collection, profile, given, files)
    if gaps:
        raise RuleViolation(f"还有 {len(gaps)} 项未完成：{gaps[0][2]}", gaps[0][1])
    authority = rules.route(given, profile)
    off_duty = rules.off_duty_for_want_of_letter(profile, given["post"], {a.slot for a in files})
    if off_duty:
        given["post"]["on_duty"] = False
    legacy = legacy_record(given["personal"].get("id_type"), given["personal"].get("id_number"))
    checks = screening.run(collection, given, profile, files)
    flags = screening.flags_of(checks)
    snapshot, sums = answers.flat(given), {a.slot: a.sha256 for a in files}
    now = clock.now()
    with db.atomic():
        moved = (
            Collection.update(
                status="submitted",
                authority=authority,
                submitted_at=now,
                updated_at=now,
                revision=Collection.revision + 1,
                flags=",".join(flags),
                on_duty=given["post"].get("on_duty"),
                education_level=given["full_time"].get("level") or "",
                qualification_level=given["qualification"].get("level") or "",
                decided_at=None,
                decided_by=None,
            )
            .where(Collection.id == collection.id, Collection.status.in_(EDITABLE))
            .execute()
        )
        if not moved:
            raise RuleViolation("该信息采集已提交，请勿重复提交")
        if off_duty:
            PostSection.update(on_duty=False).where(PostSection.collection == collection).execute()
        submitted = Collection.get_by_id(collection.id)
        revision = submitted.revision
        ReviewEvent.create(collection=collection, kind="submit", actor=account, revision=revision, at=now)
        authorities.figures_changed(submitted.authority_id)
        Submission.create(
            collection=collection,
            revision=revision,
            at=now,
            answers=json.dumps(snapshot, ensure_ascii=False),
            files=json.dumps(sums),
            checks=screening.dumps(checks),
            changes=json.dumps(diff.changes(collection, revision, snapshot, sums, legacy), ensure_ascii=False),
        )
        audit.record(
            "collection.submit", collection, {"审核机构": authority.name, "第几次提交": revision}, actor=account
        )
    if not flags and screening.passes_unreviewed(given, legacy, profile):
        decisions.approve(submitted, None, profile)
        return Collection.get_by_id(collection.id)
    return submitted


def withdraw(collection, account):
    """Back to editing, only while no decision has been made."""
    now = clock.now()
    with db.atomic():
        moved = (
            Collection.update(status="withdrawn", updated_at=now, claimed_by=None, claimed_until=None)
            .where(Collection.id == collection.id, Collection.status == "submitted")
            .execute()
        )
        if not moved:
            raise RuleViolation("只能撤回待审核的信息采集；已审核的不能撤回")
        ReviewEvent.create(collection=collection, kind="withdraw", actor=account, revision=collection.revision, at=now)
        authorities.figures_changed(collection.authority_id)
        audit.record("collection.withdraw", collection, actor=account)
    return Collection.get_by_id(collection.id)


def save_section(collection, key, data, profile):
    """Keep what was typed in the draft, valid or not, so back, next and coming back days later lose nothing."""
    if collection.status not in EDITABLE:
        raise RuleViolation("信息采集已提交，不能修改；如需修改，请先撤回")
    with db.atomic():
        if key == "commitment":
            collection.commitment_at = clock.now() if data.get("agree") else None
        elif key == "education":
            for mode in ("full_time", "part_time"):
                fields = {k[len(mode) + 1 :]: v for k, v in data.items() if k.startswith(mode + "_")}
                _upsert(Education, collection, fields, mode=mode)
        elif key in answers.RECORD_MODELS:
            kind, model = answers.RECORD_MODELS[key]
            model.delete().where(model.collection == collection).execute()
            if any(not rules.blank(v) for v in data.values()):
                model.insert(collection=collection, **_record_values(kind, data)).execute()
        elif key == "personal":
            _save_personal(collection, data, profile)
        elif key in answers.SECTION_MODELS:
            _upsert(answers.SECTION_MODELS[key], collection, data)
        collection.step = key
        collection.updated_at = clock.now()
        collection.save()


def typed_identity(collection, personal, profile):
    """The registered facts the person may type in this collection: the gender and birth date a document's
    number does not carry (港澳台 passes, passports, 军官证); the name before the first submission where the
    manual lets the person correct it (000 §5, 002 §六), and in a 信息变更. The ID number never: the bureau
    corrects it (console.archive.registry.correct_id_number)."""
    editable = (
        set()
        if identity.carries_birth(personal.get("id_type"), personal.get("id_number"))
        else {"gender", "birth_date"}
    )
    first = collection.kind == "collection" and collection.revision == 0
    if collection.kind == "change" or (profile.name_editable and first):
        editable.add("name")
    return editable


def _save_personal(collection, data, profile):
    personal = PersonalSection.get(PersonalSection.collection == collection)
    if (data.get("email") or "") != personal.email:
        personal.email_verified = False  # a new address must be verified again
    for name in ("ethnicity", "nationality", "political_status", "email"):
        setattr(personal, name, data.get(name) or "")
    for name in typed_identity(collection, personal.__data__, profile):
        setattr(personal, name, (data.get(name) or "").strip() if name == "name" else data.get(name) or None)
    personal.name = personal.name or collection.accountant.name
    personal.save()
    if collection.kind == "collection" and collection.revision == 0:  # before any submission, the person's own
        Accountant.update(name=personal.name, gender=personal.gender, birth_date=personal.birth_date).where(
            Accountant.id == collection.accountant_id
        ).execute()


def send_phone_code(collection, phone):
    """信息变更: a code to the new phone, which no one else's archive may hold (one phone ↔ one ID)."""
    phone = check_mobile(phone, "new_phone")
    if Accountant.select().where(Accountant.phone == phone, Accountant.id != collection.accountant_id).exists():
        raise RuleViolation("该手机号已与其他证件号绑定，一个手机号只能对应一个证件号", "new_phone")
    verification.send_code(phone, "change_phone")


def change_phone(collection, phone, code):
    """The new phone, once the code sent to it is typed; it is the archive's when the change is approved."""
    phone = check_mobile(phone, "new_phone")
    verification.check_code(phone, "change_phone", code)
    PersonalSection.update(phone=phone).where(PersonalSection.collection == collection).execute()


def verify_email(collection, code):
    """Check the code sent to the section's e-mail; the address is then the accountant's."""
    personal = PersonalSection.get(PersonalSection.collection == collection)
    verification.check_code(personal.email, "verify_email", code, channel="email")
    personal.email_verified = True
    personal.save()
    Accountant.update(email=personal.email).where(Accountant.id == collection.accountant_id).execute()


def _upsert(model, collection, fields, **where):
    row = model.get_or_none(model.collection == collection, *[getattr(model, k) == v for k, v in where.items()])
    row = row or model(collection=collection, **where)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()


def _record_values(kind, data):
    """A partly filled record is kept as typed; the rules say what is missing before submission."""
    values = {name: data.get(name) for name, _ in rules.RECORD_FIELDS[kind]}
    if kind == "publication":
        values["author_rank"] = int(values["author_rank"]) if str(values["author_rank"] or "").isdigit() else None
    return values


def set_unit(collection, unit):
    PostSection.update(unit=unit).where(PostSection.collection == collection).execute()


def section_errors(collection, key, profile, typed=None):
    """The messages of one section, keyed by form field. A record is judged as typed: a rank like 第一
    cannot be stored in its number column, but its message must say why."""
    if key in answers.RECORD_MODELS and typed is not None:
        return rules.check_record(answers.RECORD_MODELS[key][0], typed)
    return {field: message for section, field, message in missing(collection, profile) if section == key}


def prefill(collection, person):
    """A new collection of someone in the old database opens with what it held (001 图1-4); the name, gender
    and birth date come from the registration, which the old record was checked against."""
    record = legacy_record(person.id_type, person.id_number)
    held = held_answers(record) if record else {}
    if "personal" in held:
        PersonalSection.update(**held["personal"]).where(PersonalSection.collection == collection).execute()
    if "post" in held:
        uscc = held["post"].get("unit_uscc")
        if uscc:
            held["post"].update(has_unit=True, unit=Unit.get_or_none(Unit.uscc == uscc))
        PostSection.create(collection=collection, **held["post"])
    if "full_time" in held:
        Education.create(collection=collection, mode="full_time", **held["full_time"])
    if "qualification" in held:
        QualificationSection.create(collection=collection, **held["qualification"])
