"""The texts of the SMS and e-mails, as data: each profile signs its SMS with its own 【signature】 (内蒙古会计网,
002 §六; 重庆会计之家, 003) and may word any message its own way (`[messages]` in its file); these are the
words where it does not."""

from string import Formatter

MESSAGES = {
    "code": "您的{purpose}验证码是 {code}，5 分钟内有效。如非本人操作，请忽略。",
    "collection_approved": "您提交的会计人员信息采集已审核通过，信息已入库。",
    "collection_returned": "您提交的会计人员信息采集已退回，请登录系统查看退回原因，修改后重新提交。",
    "filing_decided": "您提交的{filing}{outcome}。",
}


def _fields(wording):
    return {name for _, name, _, _ in Formatter().parse(wording) if name}


FIELDS = {key: _fields(wording) for key, wording in MESSAGES.items()}


def sms(profile, key, **values):
    """The SMS `key` of the profile, signed."""
    return f"【{profile.sms_signature or profile.system_name}】{text(profile, key, **values)}"


def text(profile, key, **values):
    return profile.messages.get(key, MESSAGES[key]).format(**values)


def check(wordings):
    """A profile's own wordings: of known messages, each with exactly the default's fields; the first mistake."""
    for key, wording in wordings.items():
        if key not in MESSAGES:
            return f"messages.{key}: unknown message (known: {', '.join(MESSAGES)})"
        if _fields(wording) != FIELDS[key]:
            return f"messages.{key}: must use the fields {sorted(FIELDS[key])}, no more, no fewer"
    return None
