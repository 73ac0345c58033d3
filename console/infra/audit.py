"""The audit log: every sign-in, decision, change and sensitive read, with who, when and from where."""

import json

from flask import has_request_context, request
from flask_login import current_user
from prometheus_client import Counter

from console.infra import clock
from models import AuditEntry

ACTIONS = {
    "login.success": "登录成功",
    "login.failure": "登录失败",
    "login.locked": "账号锁定",
    "login.refused": "锁定期间尝试登录",
    "logout": "退出登录",
    "session.timeout": "会话超时",
    "session.end_all": "结束全部会话",
    "outbox.resend": "重新发送消息",
    "login.legacy_code": "原数据首次登录：发送验证码",
    "password.change": "修改密码",
    "password.reset": "短信找回密码",
    "accountant.register": "会计人员注册",
    "collection.submit": "提交信息采集",
    "collection.withdraw": "撤回信息采集",
    "collection.change": "发起信息变更",
    "collection.read": "查看信息采集详情",
    "collection.claim": "领取信息采集",
    "collection.approve": "审核通过",
    "collection.return": "退回",
    "collection.auto_pass": "系统审核通过",
    "collection.undo": "撤销审核通过",
    "collection.export": "导出审核列表",
    "collection.export_download": "下载导出的审核列表",
    "national.export": "导出国家平台报送文件",
    "national.export_download": "下载国家平台报送文件",
    "job.rerun": "重新开始后台任务",
    "rules.apply": "执行日常管理规则",
    "rules.undo": "撤销日常管理规则",
    "education_credit.import": "导入继续教育学分",
    "legacy.import": "导入原会计人员数据",
    "appraisal.save": "保存年度考评",
    "appraisal_year.close": "关闭考评年度",
    "accountant.read": "查看会计人员档案",
    "accountant.departure": "报告离岗",
    "accountant.restore": "从异动库恢复",
    "credit_record.report": "报送信用信息",
    "credit_record.confirm": "确认信用信息",
    "credit_record.reject": "不予确认信用信息",
    "credit_record.declare": "本人申报信用信息",
    "credit_record.record": "会计管理机构记载信用信息",
    "accountant.depart": "登记自然减员",
    "accountant.depart_undo": "撤销自然减员",
    "education_credit.record": "记载继续教育学分",
    "filing.submit": "提交备案",
    "filing.approve": "备案确认",
    "filing.return": "备案退回",
    "unit_head.replace": "更换单位会计机构负责人",
    "unit.update": "修改单位信息",
    "unit.merge": "合并单位",
    "unit.close": "注销单位",
    "unit.assign": "调整单位的会计管理机构",
    "accountant.correct_id_number": "更正证件号码",
    "unit_change.request": "申请变更单位名称、代码或地区",
    "unit_change.approve": "确认单位变更",
    "unit_change.return": "退回单位变更",
    "reason_template.create": "新增退回原因模板",
    "reason_template.update": "修改退回原因模板",
    "account.create": "创建账号",
    "account.update": "修改账号",
    "account.reset_password": "重置密码",
    "account.unlock": "解除锁定",
    "account.import": "导入审核人员账号",
    "attachment.read": "查看身份证件扫描件",
    "authority.create": "新增机构",
    "authority.update": "修改机构",
    "authority.deactivate": "停用机构",
    "authority.merge": "合并机构",
    "unit.create": "新增单位",
    "dictionary.create": "新增字典项",
    "dictionary.update": "修改字典项",
    "content.create": "新增通知公告、操作指南等内容",
    "content.update": "修改通知公告、操作指南等内容",
    "content.publish": "发布内容",
    "content.withdraw": "撤回内容",
    "authority.contacts_import": "导入机构联系方式",
    "settings.change": "修改省份设置",
    "sample.set": "上传材料示例",
    "sample.remove": "删除材料示例",
    "statistics.export": "下载在库会计人员统计",
    "transfer.request": "申请档案调出",
    "transfer.approve": "确认档案调出",
    "transfer.return": "退回档案调出申请",
    "transfer.import": "导入档案调转数据包（调入）",
    "transfer.download": "下载档案调转数据包",
    "duplicates.import": "导入全国已建档名单",
}


# Every entry counted by its action, for Prometheus (views.ops serves it): submissions and decisions as they happen.
EVENTS = Counter("accountants_events", "Audited events (submissions, decisions, sign-ins, ...) by action", ["action"])

# What the log calls the records it names (AuditEntry.target_type holds the model's name).
OBJECT_TYPES = {
    "Account": "账号",
    "Accountant": "会计人员档案",
    "Attachment": "附件",
    "Authority": "会计管理机构",
    "Collection": "信息采集",
    "Content": "通知公告、操作指南等内容",
    "CreditRecord": "会计信用信息",
    "DictionaryEntry": "字典项",
    "EducationCredit": "继续教育学分",
    "Filing": "备案",
    "Job": "后台任务",
    "OutboxMessage": "短信或邮件",
    "ReasonTemplate": "退回原因模板",
    "RuleRun": "日常管理规则运行",
    "SlotSample": "材料示例",
    "Transfer": "档案调转",
    "Unit": "工作单位",
    "UnitChange": "单位信息变更申请",
}


def record(action, target=None, detail=None, actor=None, actor_name="", system=False):
    """Write one entry; actor defaults to whoever is signed in, unless the system acted."""
    if system:
        actor_name = "系统"
    elif actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    target = getattr(target, "_get_current_object", lambda: target)()  # current_user itself, not its proxy
    AuditEntry.create(
        at=clock.now(),
        actor=actor,
        actor_name=actor_name or (str(actor) if actor else ""),
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(target.id) if target is not None else "",
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
        ip=request.remote_addr or "" if has_request_context() else "",
    )
    EVENTS.labels(action).inc()


def detail_lines(entry):
    """The entry's detail as lines a reader can take in: "名称：值", with lists and nested conditions in words."""
    if not entry.detail:
        return []
    return [f"{key}：{_words(value)}" for key, value in json.loads(entry.detail).items()]


def _words(value):
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{k}：{_words(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_words(v) for v in value)
    return str(value)
