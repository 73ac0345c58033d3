"""Peewee models, one module per aggregate; MODELS lists them all for schema creation."""

from models.account import Account
from models.account_session import AccountSession
from models.accountant import Accountant
from models.appraisal import Appraisal, AppraisalYear
from models.attachment import Attachment
from models.audit import AuditEntry
from models.authority import Authority
from models.base import db
from models.captcha import Captcha
from models.collection import (
    Award,
    Collection,
    Education,
    PersonalSection,
    PostSection,
    Publication,
    QualificationSection,
    Violation,
)
from models.content import Content, ContentFile
from models.credit_record import CreditRecord
from models.departure import Departure
from models.dictionary import DictionaryEntry
from models.education_credit import EducationCredit
from models.filing import Filing
from models.job import Job
from models.legacy import LegacyRecord
from models.outbox import OutboxMessage, SendingSlot, VerificationCode
from models.review import ReasonTemplate, ReturnReason, ReviewEvent, SavedFilter, Submission
from models.rule_run import RuleChange, RuleRun
from models.sample import SlotSample
from models.schema import SchemaVersion
from models.setting import ProfileSetting
from models.transfer import ArchivedElsewhere, Transfer
from models.unit import Unit
from models.unit_change import UnitChange
from models.work_history import WorkPeriod

MODELS = [
    Authority,
    Unit,
    UnitChange,
    Accountant,
    Account,
    AccountSession,
    Collection,
    PersonalSection,
    PostSection,
    QualificationSection,
    Education,
    Award,
    Violation,
    Publication,
    Filing,
    Attachment,
    ReviewEvent,
    SavedFilter,
    ReasonTemplate,
    ReturnReason,
    Submission,
    AuditEntry,
    OutboxMessage,
    VerificationCode,
    SendingSlot,
    Captcha,
    Appraisal,
    AppraisalYear,
    EducationCredit,
    CreditRecord,
    WorkPeriod,
    Departure,
    DictionaryEntry,
    LegacyRecord,
    RuleRun,
    RuleChange,
    Job,
    Content,
    ContentFile,
    SlotSample,
    Transfer,
    ArchivedElsewhere,
    ProfileSetting,
    SchemaVersion,
]

__all__ = [m.__name__ for m in MODELS] + ["MODELS", "db"]
