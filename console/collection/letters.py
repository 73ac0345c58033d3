"""The 从事会计工作证明函 (002 §四.13, §七.1; its 式样 in 002 §四): made by the system from what was entered, printed,
signed by the person and the unit's 财务负责人 and 人事负责人, stamped with the 财务专用章 and uploaded. Its
verification code is derived from exactly those facts, so a letter printed before a change no longer matches
the record ("证明函由系统打印后，不能进行修改，否则视为无效").

The letter also carries its facts and code in a QR code (segno), which an uploaded scan is read for (zxing-cpp),
so the system names the exact fact that differs ("证明函证件号码与填写的证件号码不一致"): at the entry filing's
upload, at the collection's upload, and again at submission, when the answers may have changed since.

The letter is printed as PDF (console.content.documents). Profiles whose manual prints a plain work proof
instead (吉林's 单位从事会计工作证明, 重庆's 工作证明) print it there too, without a code: nothing reads those back."""

import base64
import hashlib
import hmac
import io

import segno
import zxingcpp
from flask import current_app
from PIL import Image

from console.collection import answers
from console.errors import RuleViolation
from console.org.routing import authority_for_region
from models import PostSection

QR_PREFIX = "ZMH1"  # 证明函, version 1 of the payload
MISSING = "请先在“单位与岗位”中获取单位信息，并填写开始从事会计工作时间"


def facts_of(given):
    """The letter's facts, in the 式样's order, from a collection's answers (console.collection.answers.read)."""
    personal, post, unit = given["personal"], given["post"], given["unit"]
    if not unit or not post.get("work_started_on"):
        raise RuleViolation(MISSING)
    return {
        "出函单位全称": unit["name"],
        "单位统一社会信用代码": unit["uscc"],
        "工作单位电话": post.get("unit_phone") or unit.get("phone") or "",
        "工作单位所在地区": region_name(unit.get("region_code") or ""),
        "证件号码": personal["id_number"],
        "姓名": personal["name"],
        "进入单位工作日期": post.get("joined_on") or "",
        "开始从事会计工作日期": post["work_started_on"],
        "现从事会计工作岗位": post.get("post") or "",
        "会计行政职务": post.get("admin_post") or "",
        "会计专业技术职务": post.get("tech_post") or "",
        "会计专业技术职务聘任时间": post.get("tech_post_appointed_on") or "",
    }


def region_name(region_code):
    """A region as the 式样 writes it: 呼和浩特市/赛罕区 (the province left out)."""
    authority = authority_for_region(region_code) if region_code else None
    names = []
    while authority is not None and authority.level != "province":
        names.insert(0, authority.name.removesuffix("财政局"))
        authority = authority.parent
    return "/".join(names)


def letter(collection):
    """The collection's letter: its facts and verification code, the code kept on the record as printed."""
    facts = facts_of(answers.read(collection))
    code = verification_code(_key(collection), facts)
    PostSection.update(letter_code=code).where(PostSection.collection == collection).execute()
    return facts, code


def for_filing(filing):
    """The letter of a 单位聘任会计人员入库备案: its facts and verification code."""
    facts = {
        "出函单位全称": filing.unit.name,
        "单位统一社会信用代码": filing.unit.uscc,
        "工作单位电话": filing.unit.phone,
        "工作单位所在地区": region_name(filing.unit.region_code),
        "证件号码": filing.id_number,
        "姓名": filing.name,
        "开始从事会计工作日期": filing.work_started_on,
        "现从事会计工作岗位": filing.post,
    }
    return facts, verification_code(f"filing-{filing.id}", facts)


def verification_code(key, facts):
    message = "|".join([str(key), *(str(v) for v in facts.values())]).encode()
    digest = hmac.new(current_app.secret_key.encode(), message, hashlib.sha256).digest()
    text = base64.b32encode(digest).decode()[:12]
    return "-".join(text[i : i + 4] for i in range(0, 12, 4))


def qr_png(code, facts):
    """The QR code printed on the letter, as a PNG of 4 pixels a module."""
    image = io.BytesIO()
    segno.make(_payload(code, facts), error="m").save(image, kind="png", scale=4, border=4)
    return image.getvalue()


def _payload(code, facts):
    return "|".join([QR_PREFIX, code, *(str(v) for v in facts.values())])


def mismatch(scan, code, facts, what="备案"):
    """What the scan's QR code says that the record does not, in the manual's words; None when they agree.
    `what` names the letter's purpose: 备案 (an entry filing) or 采集 (a collection)."""
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(scan))) if r.text.startswith(QR_PREFIX + "|")]
    if not found:
        return "未能识别证明函上的二维码，请上传系统打印的证明函的清晰、完整扫描件"
    _, printed_code, *printed = found[0].split("|")
    if len(printed) != len(facts):
        return f"证明函不是本系统为本次{what}打印的，请重新打印"
    for (label, expected), given in zip(facts.items(), printed):
        if given != str(expected):
            return f"证明函{label}与填写的{label}不一致"
    if printed_code != code:
        return f"证明函验证码与本次{what}不符，请重新打印证明函"
    return None


def collection_mismatch(scan, collection, given):
    """What an uploaded scan of the collection's letter says that the answers do not; None when it is theirs."""
    try:
        facts = facts_of(given)
    except RuleViolation as missing:
        return str(missing)
    return mismatch(scan, verification_code(_key(collection), facts), facts, "采集")


def _key(collection):
    # the person's, not the collection's: a 信息变更 that leaves the letter's facts as they were keeps the letter
    return f"accountant-{collection.accountant_id}"
