"""The 从事会计工作证明函 (002 §七.1): made by the system from what was entered, printed, signed, stamped and
uploaded. Its verification code is derived from exactly those facts, so a letter printed before a
change no longer matches the record ("证明函由系统打印后，不能进行修改，否则视为无效")."""
import base64
import hashlib
import hmac

from flask import current_app

from console.errors import RuleViolation
from models import PostSection


def letter(collection):
    """The letter's facts and its verification code, which is also kept on the record."""
    post = PostSection.get_or_none(PostSection.collection == collection)
    if post is None or post.unit is None or post.work_started_on is None:
        raise RuleViolation("请先在“单位与岗位”中获取单位信息，并填写开始从事会计工作时间")
    personal = collection.personalsection_set.get()
    facts = {"姓名": personal.name, "证件号码": personal.id_number, "单位": post.unit.name,
             "统一社会信用代码": post.unit.uscc, "开始从事会计工作时间": post.work_started_on,
             "会计工作岗位": post.post or "会计"}
    code = verification_code(collection.id, facts)
    if post.letter_code != code:
        post.letter_code = code
        post.save()
    return facts, code


def verification_code(collection_id, facts):
    message = "|".join([str(collection_id), *(str(v) for v in facts.values())]).encode()
    digest = hmac.new(current_app.secret_key.encode(), message, hashlib.sha256).digest()
    text = base64.b32encode(digest).decode()[:12]
    return "-".join(text[i:i + 4] for i in range(0, 12, 4))
