"""The console: Flask-Admin under /console, Chinese, CSRF-protected, each view gated by role."""

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from models import (
    Account,
    Accountant,
    AuditEntry,
    Authority,
    Content,
    DictionaryEntry,
    OutboxMessage,
    ReasonTemplate,
    Unit,
)
from views import security
from views.console import login, menu
from views.console.account_view import StaffAccountView
from views.console.accountant_view import AccountantView
from views.console.appraisal_view import AppraisalView
from views.console.audit_log_view import AuditLogView
from views.console.authority_view import AuthorityView
from views.console.credit_record_view import CreditRecordView
from views.console.dictionary_view import DictionaryView
from views.console.filing_view import FilingView
from views.console.home import ConsoleHome
from views.console.import_views import EducationCreditView, LegacyImportView
from views.console.job_view import JobView
from views.console.my_unit_view import MyUnitView
from views.console.national_view import NationalExportView
from views.console.notice_view import ContentView
from views.console.outbox_view import OutboxView
from views.console.reason_template_view import ReasonTemplateView
from views.console.review_view import ReviewView
from views.console.rules_view import RulesView
from views.console.sample_view import SampleView
from views.console.settings_view import SettingsView
from views.console.statistics_view import StatisticsView
from views.console.transfer_view import ArchivedElsewhereView, TransferView
from views.console.unit_people_view import UnitPeopleView
from views.console.unit_view import UnitView


def init_app(app):
    app.register_blueprint(login.bp)
    admin = Admin(
        name="会计人员信息管理控制台",
        index_view=ConsoleHome(name="首页", url="/console", endpoint="console"),
        translations_path=app.extensions["admin_translations"],
        theme=Bootstrap4Theme(base_template="console/base.html", fluid=True),
        csp_nonce_generator=security.nonce,
    )
    admin.add_view(ReviewView(name="信息采集审核", endpoint="review"))
    admin.add_view(FilingView(name="备案审核", endpoint="filing"))
    admin.add_view(TransferView(name="档案调转", endpoint="transfer", url="/console/transfer"))
    admin.add_view(AccountantView(Accountant, name="会计人员档案", endpoint="accountant"))
    admin.add_view(UnitView(Unit, name="工作单位", endpoint="unit"))
    admin.add_view(UnitPeopleView(name="本单位会计人员", endpoint="unit_people"))
    admin.add_view(MyUnitView(name="本单位信息", endpoint="my_unit"))
    admin.add_view(AppraisalView(name="年度考评", endpoint="appraisal"))
    admin.add_view(CreditRecordView(name="信用信息", endpoint="credit_record"))
    admin.add_view(EducationCreditView(name="继续教育学分导入", endpoint="education_credit"))
    admin.add_view(LegacyImportView(name="原会计人员数据导入", endpoint="legacy_import"))
    admin.add_view(NationalExportView(name="国家平台报送", endpoint="national", url="/console/national"))
    admin.add_view(StatisticsView(name="统计分析", endpoint="statistics", url="/console/statistics"))
    admin.add_view(ArchivedElsewhereView(name="全国已建档名单", endpoint="duplicates", url="/console/duplicates"))
    if app.extensions["profile"].yearly_rules:  # only 002 states them
        admin.add_view(RulesView(name="日常管理规则", endpoint="rules"))
    admin.add_view(AuthorityView(Authority, name="会计管理机构", endpoint="authority"))
    admin.add_view(StaffAccountView(Account, name="工作人员账号", endpoint="account"))
    admin.add_view(DictionaryView(DictionaryEntry, name="字典", endpoint="dictionary"))
    admin.add_view(ReasonTemplateView(ReasonTemplate, name="退回原因模板", endpoint="reason_template"))
    admin.add_view(ContentView(Content, name="通知公告与指南", endpoint="notice"))
    admin.add_view(SampleView(name="材料示例", endpoint="sample", url="/console/samples"))
    admin.add_view(SettingsView(name="省份设置", endpoint="settings", url="/console/settings"))
    admin.add_view(JobView(name="后台任务", endpoint="job", url="/console/jobs"))
    admin.add_view(OutboxView(OutboxMessage, name="发件箱", endpoint="outbox"))
    admin.add_view(AuditLogView(AuditEntry, name="审计日志", endpoint="audit"))
    admin.init_app(app)
    menu.init_app(app, admin)
