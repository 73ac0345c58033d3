"""Alibaba Cloud SMS: the signature against Alibaba's own published example, and the backend against a real
HTTP server on a free loopback port standing in for the endpoint, which checks each request's signature as
Alibaba does and answers as it does."""

import json
import socket
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest

from console.infra import aliyun_sms
from console.infra.aliyun_sms import AliyunSms, ProviderError

SECRET = "testSecret"
CONFIG = {
    "ALIYUN_SMS_ACCESS_KEY_ID": "testId",
    "ALIYUN_SMS_ACCESS_KEY_SECRET": SECRET,
    "ALIYUN_SMS_SIGN_NAME": "内蒙古会计网",
    "ALIYUN_SMS_TEMPLATES": '{"code": "SMS_123456789", "filing_decided": "SMS_987654321"}',
    "ALIYUN_SMS_ENDPOINT": "",
}
OK = {
    "Code": "OK",
    "Message": "OK",
    "BizId": "900619746936498440^0",
    "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990",
}

# Alibaba's example of signing a SendSms request, from the SMS API's 请求签名 page (formerly 56189, "HTTP协议及签名"):
# https://help.aliyun.com/document_detail/101343.html
DOC_EXAMPLE = {
    "AccessKeyId": "testId",
    "Action": "SendSms",
    "Format": "XML",
    "OutId": "123",
    "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}
DOC_QUERY = (
    "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou"
    "&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8"
    "&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0"
    "&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z"
    "&Version=2017-05-25"
)


def test_the_signature_is_alibabas_own_example():
    assert aliyun_sms.canonical_query(DOC_EXAMPLE) == DOC_QUERY
    signature = aliyun_sms.sign(DOC_EXAMPLE, "testSecret")
    assert signature == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert aliyun_sms.percent_encode(signature) == "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"
    assert aliyun_sms.sign({**DOC_EXAMPLE, "Signature": signature}, "testSecret") == signature


def test_percent_encoding_follows_alibabas_rules():
    assert aliyun_sms.percent_encode("a b*c~d+e/f") == "a%20b%2Ac~d%2Be%2Ff"
    assert aliyun_sms.percent_encode("-_.") == "-_."
    assert aliyun_sms.percent_encode("会") == "%E4%BC%9A"


class Provider(ThreadingHTTPServer):
    """The endpoint in small: records every query, and answers `reply` (a status and a JSON object, or raw
    bytes) to a request signed with the test secret, SignatureDoesNotMatch to any other."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ProviderHandler)
        self.queries = []
        self.reply = (200, OK)


class ProviderHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        self.server.queries.append(query)
        if query.get("Signature") == aliyun_sms.sign(query, SECRET):
            status, answer = self.server.reply
        else:
            status, answer = 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"}
        body = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Quiet: the tests read what the server recorded instead."""


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """A machine's HTTP proxy must not stand between the backend and the loopback provider."""
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def provider():
    server = Provider()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def sms(provider):
    return AliyunSms({**CONFIG, "ALIYUN_SMS_ENDPOINT": f"http://127.0.0.1:{provider.server_port}/"})


def message(**changes):
    fields = {
        "id": 41,
        "recipient": "13800000001",
        "body": "【内蒙古会计网】您的注册验证码是 123456，5 分钟内有效。",
        "template": "code",
        "template_params": '{"purpose": "注册", "code": "123456"}',
    }
    return SimpleNamespace(**{**fields, **changes})


def test_a_message_goes_as_its_template_signed(provider, sms):
    sms.deliver(message())
    (query,) = provider.queries
    assert {k: query[k] for k in ("PhoneNumbers", "SignName", "TemplateCode", "TemplateParam", "OutId")} == {
        "PhoneNumbers": "13800000001",
        "SignName": "内蒙古会计网",
        "TemplateCode": "SMS_123456789",
        "TemplateParam": '{"purpose": "注册", "code": "123456"}',
        "OutId": "41",
    }
    assert {k: query[k] for k in ("Action", "Version", "RegionId", "Format", "AccessKeyId")} == {
        "Action": "SendSms",
        "Version": "2017-05-25",
        "RegionId": "cn-hangzhou",
        "Format": "JSON",
        "AccessKeyId": "testId",
    }
    assert (query["SignatureMethod"], query["SignatureVersion"]) == ("HMAC-SHA1", "1.0")
    datetime.strptime(query["Timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    assert "【" not in json.dumps(query, ensure_ascii=False)  # the rendered body is not sent


def test_without_a_configured_sign_name_a_message_goes_signed_as_it_was_written(provider):
    """The province admin's 短信签名 (省份设置) signs the text; the provider is asked for the same 签名."""
    sms = AliyunSms(
        {**CONFIG, "ALIYUN_SMS_SIGN_NAME": "", "ALIYUN_SMS_ENDPOINT": f"http://127.0.0.1:{provider.server_port}/"}
    )
    sms.deliver(message(body="【北疆会计】您的注册验证码是 123456，5 分钟内有效。"))
    assert provider.queries[0]["SignName"] == "北疆会计"


def test_awkward_characters_survive_signing_and_each_request_has_its_own_nonce(provider, sms):
    params = '{"name": "张 三+*~/&=%", "result": "准予备案"}'
    sms.deliver(message(id=7, template="filing_decided", template_params=params))
    sms.deliver(message(id=8, template="filing_decided", template_params=params))
    first, second = provider.queries
    assert first["TemplateParam"] == params and first["TemplateCode"] == "SMS_987654321"
    assert first["SignatureNonce"] != second["SignatureNonce"]


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1"),
        ("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
        ("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法(不存在或被拉黑)"),
        ("isv.AMOUNT_NOT_ENOUGH", "账户余额不足"),
    ],
)
def test_a_refusal_is_raised_with_its_code_and_message(provider, sms, code, text):
    provider.reply = (200, {"Code": code, "Message": text, "RequestId": "A57FBFD7-FC9A-54FE-A876-4D5E19577186"})
    with pytest.raises(ProviderError) as raised:
        sms.deliver(message())
    assert str(raised.value) == f"阿里云短信发送失败：{code} {text}"


@pytest.mark.parametrize(
    ("status", "code", "text"),
    [(400, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"), (500, "InternalError", "The request processing has failed.")],
)
def test_an_error_status_is_read_for_its_code(provider, sms, status, code, text):
    provider.reply = (status, {"Code": code, "Message": text})
    with pytest.raises(ProviderError) as raised:
        sms.deliver(message())
    assert str(raised.value) == f"阿里云短信发送失败：{code} {text}"


def test_an_answer_that_is_not_alibabas_is_raised_with_its_status(provider, sms):
    provider.reply = (502, b"<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(ProviderError, match="HTTP 502"):
        sms.deliver(message())


def test_a_wrong_secret_is_refused_by_the_signature_check(provider):
    sms = AliyunSms(
        {
            **CONFIG,
            "ALIYUN_SMS_ACCESS_KEY_SECRET": "wrong",
            "ALIYUN_SMS_ENDPOINT": f"http://127.0.0.1:{provider.server_port}/",
        }
    )
    with pytest.raises(ProviderError, match="SignatureDoesNotMatch"):
        sms.deliver(message())


def test_a_message_without_a_template_code_is_refused_before_any_request(provider, sms):
    with pytest.raises(ProviderError, match="^未配置短信模板：credits_short$"):
        sms.deliver(message(template="credits_short", template_params='{"year": "2024"}'))
    assert provider.queries == []


def test_an_unreachable_provider_raises():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free, and nobody listening once the probe is closed
    sms = AliyunSms({**CONFIG, "ALIYUN_SMS_ENDPOINT": f"http://127.0.0.1:{port}/"})
    with pytest.raises(OSError):
        sms.deliver(message())


@pytest.mark.parametrize("key", aliyun_sms.REQUIRED)
@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_setting_stops_the_backend_at_construction(key, value):
    config = {k: v for k, v in CONFIG.items() if k != key}
    if value is not None:
        config[key] = value
    with pytest.raises(ValueError, match=key):
        AliyunSms(config)


@pytest.mark.parametrize("templates", ["SMS_123456789", '["SMS_123456789"]'])
def test_templates_must_be_a_json_object(templates):
    with pytest.raises(ValueError, match="ALIYUN_SMS_TEMPLATES must be a JSON object"):
        AliyunSms({**CONFIG, "ALIYUN_SMS_TEMPLATES": templates})


def test_the_endpoint_is_alibabas_unless_set():
    assert AliyunSms(CONFIG).endpoint == "https://dysmsapi.aliyuncs.com/"


@pytest.fixture
def app_overrides(provider):
    return {**CONFIG, "NOTIFIER": "aliyun", "ALIYUN_SMS_ENDPOINT": f"http://127.0.0.1:{provider.server_port}/"}


def test_the_relay_sends_a_code_by_its_template_and_keeps_a_refusal_as_the_messages_failure(provider, ctx):
    from flask import current_app

    from console.infra import messages, notifier
    from models import OutboxMessage

    profile = current_app.extensions["profile"]
    sent = notifier.send_sms("13800000001", messages.sms(profile, "code", purpose="注册", code="123456"))
    assert notifier.deliver_due() == 1 and OutboxMessage.get_by_id(sent.id).backend == "aliyun"
    assert json.loads(provider.queries[0]["TemplateParam"]) == {"purpose": "注册", "code": "123456"}
    provider.reply = (200, {"Code": "isv.AMOUNT_NOT_ENOUGH", "Message": "账户余额不足"})
    refused = notifier.send_sms("13800000002", messages.sms(profile, "code", purpose="登录", code="654321"))
    assert notifier.deliver_due() == 0
    kept = OutboxMessage.get_by_id(refused.id)
    assert kept.delivered_at is None and kept.attempts == 1
    assert kept.last_error == "ProviderError: 阿里云短信发送失败：isv.AMOUNT_NOT_ENOUGH 账户余额不足"
