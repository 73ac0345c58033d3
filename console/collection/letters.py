"""The 从事会计工作证明函 (002 §七.1): made by the system from what was entered, printed, signed, stamped and
uploaded. Its verification code is derived from exactly those facts, so a letter printed before a
change no longer matches the record ("证明函由系统打印后，不能进行修改，否则视为无效").

The letter also carries its facts and code in a QR code (segno), which an uploaded scan is read for
(zxing-cpp), so the system names the exact fact that differs ("证明函证件号码与填写的证件号码不一致")."""

import base64
import hashlib
import hmac
import io

import segno
import zxingcpp
from flask import current_app
from markupsafe import Markup
from PIL import Image

from console.errors import RuleViolation
from models import PostSection

QR_PREFIX = "ZMH1"  # 证明函, version 1 of the payload


def letter(collection):
    """The letter's facts and its verification code, which is also kept on the record."""
    post = PostSection.get_or_none(PostSection.collection == collection)
    if post is None or post.unit is None or post.work_started_on is None:
        raise RuleViolation("请先在“单位与岗位”中获取单位信息，并填写开始从事会计工作时间")
    personal = collection.personalsection_set.get()
    facts = {
        "姓名": personal.name,
        "证件号码": personal.id_number,
        "单位": post.unit.name,
        "统一社会信用代码": post.unit.uscc,
        "开始从事会计工作时间": post.work_started_on,
        "会计工作岗位": post.post or "会计",
    }
    code = verification_code(collection.id, facts)
    if post.letter_code != code:
        post.letter_code = code
        post.save()
    return facts, code


def verification_code(collection_id, facts):
    message = "|".join([str(collection_id), *(str(v) for v in facts.values())]).encode()
    digest = hmac.new(current_app.secret_key.encode(), message, hashlib.sha256).digest()
    text = base64.b32encode(digest).decode()[:12]
    return "-".join(text[i : i + 4] for i in range(0, 12, 4))


def for_filing(filing):
    """The letter of a 单位聘任会计人员入库备案: its facts and verification code."""
    facts = {
        "姓名": filing.name,
        "证件号码": filing.id_number,
        "单位": filing.unit.name,
        "统一社会信用代码": filing.unit.uscc,
        "开始从事会计工作时间": filing.work_started_on,
        "会计工作岗位": filing.post,
    }
    return facts, verification_code(f"filing-{filing.id}", facts)


def qr_svg(code, facts):
    """The QR code printed on the letter, as inline SVG."""
    return Markup(segno.make(_payload(code, facts), error="m").svg_inline(scale=3))


def _payload(code, facts):
    return "|".join([QR_PREFIX, code, *(str(v) for v in facts.values())])


def mismatch(scan, code, facts):
    """What the scan's QR code says that the record does not, in the manual's words; None when they agree."""
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(scan))) if r.text.startswith(QR_PREFIX + "|")]
    if not found:
        return "未能识别证明函上的二维码，请上传系统打印的证明函的清晰、完整扫描件"
    _, printed_code, *printed = found[0].split("|")
    if len(printed) != len(facts):
        return "证明函不是本系统为本次备案打印的，请重新打印"
    for (label, expected), given in zip(facts.items(), printed):
        if given != str(expected):
            return f"证明函{label}与填写的{label}不一致"
    if printed_code != code:
        return "证明函验证码与本次备案不符，请重新打印证明函"
    return None
