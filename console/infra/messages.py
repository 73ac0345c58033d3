"""The texts of the SMS and e-mails, as data: each profile signs its SMS with its own 【signature】 (内蒙古会计网,
002 §六; 重庆会计之家, 003) and may word any message its own way (`[messages]` in its file); these are the
words where it does not."""

from string import Formatter

MESSAGES = {
    "code": "您的{purpose}验证码是 {code}，5 分钟内有效。如非本人操作，请忽略。",
    "collection_approved": "您提交的会计人员信息采集已审核通过，信息已入库。",
    "collection_returned": "您提交的会计人员信息采集已退回，请登录系统查看退回原因，修改后重新提交。",
    "filing_decided": "您提交的{filing}{outcome}。",
    "moved_off_duty": "您{years}年度均无年度考评，按规定已转为不在岗。如有异议，请联系所在单位会计机构负责人。",
    "moved_abnormal": "您的继续教育连续3年或累计4年未完成，按规定已转入异动库，暂不能登录；"
    "补足学分后请联系会计管理机构恢复。",
    "credits_short": "您{year}年度继续教育学分未达到要求。连续3年或累计4年未完成将转入异动库，请及时完成。",
    "restored": "您的会计人员档案已从异动库恢复，可以重新登录系统。",
    "departed": "会计管理机构已将您的会计人员档案登记为自然减员（{kind}）。如有异议，请联系会计管理机构。",
    "departure_undone": "您的自然减员登记已撤销，会计人员档案已恢复在库。",
    "credit_recorded": "会计管理机构已记载您的{kind}信息，请登录系统查看。",
    "credit_decided": "您单位报送的您的{kind}信息{outcome}。",
    "transfer_decided": "您的会计人员档案调出申请{outcome}。",
    "transfer_arrived": "您的会计人员档案已由{province}调入，请登录系统（未注册的请先注册）核对信息采集表并提交审核。",
    "staff_password": "您的工作人员账号已开通：账号 {username}，初始密码 {password}。首次登录须修改密码，请勿告知他人。",
}


def _fields(wording):
    return {name for _, name, _, _ in Formatter().parse(wording) if name}


FIELDS = {key: _fields(wording) for key, wording in MESSAGES.items()}


class Sms(str):
    """An SMS's signed text that knows which message it is and with what values: a provider that sends only
    the templates it approved (Alibaba Cloud) sends those, not the text."""

    def __new__(cls, text, key, values):
        sms = super().__new__(cls, text)
        sms.key, sms.values = key, values
        return sms


def sms(profile, key, **values):
    """The SMS `key` of the profile, signed."""
    return Sms(f"【{profile.sms_signature or profile.system_name}】{text(profile, key, **values)}", key, values)


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
