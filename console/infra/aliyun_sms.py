"""SMS by Alibaba Cloud (阿里云短信服务, SendSms of 2017-05-25), for NOTIFIER=aliyun.

Alibaba sends only approved templates, so a message goes as its template code (from ALIYUN_SMS_TEMPLATES, by
the message's key) and its variables, never as the rendered body. The request is signed by hand (signature
version 1.0, HMAC-SHA1) with the standard library alone. Every failure of the provider is raised, with its
Code and Message, for the relay to keep on the message and retry."""

import base64
import hashlib
import hmac
import json
import re
import uuid
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import urlopen

from console.infra import clock

ENDPOINT = "https://dysmsapi.aliyuncs.com/"
TIMEOUT = 10  # seconds; a relay holds its message for two minutes
REQUIRED = ("ALIYUN_SMS_ACCESS_KEY_ID", "ALIYUN_SMS_ACCESS_KEY_SECRET", "ALIYUN_SMS_TEMPLATES")
SIGNED = re.compile(r"【(.+?)】")  # the 签名 a message was written with (console.infra.messages.sms)


class ProviderError(Exception):
    """The message could not go (Alibaba refused it, or it has no template code here); the relay tries again
    later, so a template configured meanwhile still delivers it."""


def percent_encode(text):
    """RFC 3986, as the signature wants it: only A-Z a-z 0-9 - _ . ~ kept, the rest %XX of UTF-8 (a space is
    %20, `*` is %2A), which a form encoder (+ for a space, ~ escaped) would get wrong."""
    return quote(str(text), safe="")


def canonical_query(params):
    """The parameters sorted by name and encoded, as they are signed (any Signature among them left out)."""
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature")


def sign(params, secret):
    """The Signature of a request's parameters, not yet percent-encoded: base64 of HMAC-SHA1, keyed by the
    secret and "&", of GET&%2F& and the encoded canonical query."""
    text = "GET&" + percent_encode("/") + "&" + percent_encode(canonical_query(params))
    digest = hmac.new(f"{secret}&".encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    """The SMS backend; its configuration is checked when the app starts, not at the first message."""

    name = "aliyun"

    def __init__(self, config):
        missing = [key for key in REQUIRED if not config.get(key)]
        if missing:
            raise ValueError(f"NOTIFIER=aliyun needs {', '.join(missing)}")
        self.key_id, self.secret = config["ALIYUN_SMS_ACCESS_KEY_ID"], config["ALIYUN_SMS_ACCESS_KEY_SECRET"]
        self.sign_name = config.get("ALIYUN_SMS_SIGN_NAME", "")  # empty: each message's own 【签名】
        self.templates = _templates(config["ALIYUN_SMS_TEMPLATES"])
        self.endpoint = config.get("ALIYUN_SMS_ENDPOINT") or ENDPOINT

    def deliver(self, message):
        template = self.templates.get(message.template)
        if not template:
            raise ProviderError(f"未配置短信模板：{message.template}")
        params = self._params(message, template)
        url = f"{self.endpoint}?{canonical_query(params)}&Signature={percent_encode(sign(params, self.secret))}"
        _check(*_get(url))

    def _params(self, message, template):
        """The message's id goes as OutId: Alibaba's delivery reports name it, and it is our idempotency key."""
        return {
            "Action": "SendSms",
            "Version": "2017-05-25",
            "RegionId": "cn-hangzhou",
            "Format": "JSON",
            "AccessKeyId": self.key_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "SignatureNonce": str(uuid.uuid4()),
            "Timestamp": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "PhoneNumbers": message.recipient,
            "SignName": self.sign_name or SIGNED.match(message.body).group(1),
            "TemplateCode": template,
            "TemplateParam": message.template_params,
            "OutId": str(message.id),
        }


def _templates(text):
    try:
        templates = json.loads(text)
    except ValueError:
        templates = None
    if not isinstance(templates, dict):
        raise ValueError('ALIYUN_SMS_TEMPLATES must be a JSON object, e.g. {"code": "SMS_123456789"}')
    return templates


def _get(url):
    """(HTTP status, body): an error status is an answer too, whose body says why."""
    try:
        with urlopen(url, timeout=TIMEOUT) as response:
            return response.status, response.read()
    except HTTPError as error:
        with error:
            return error.code, error.read()


def _check(status, body):
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ProviderError(f"阿里云短信发送失败：HTTP {status}，应答无法识别")
    if answer.get("Code") != "OK":
        raise ProviderError(f"阿里云短信发送失败：{answer.get('Code')} {answer.get('Message')}")
