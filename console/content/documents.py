"""模板下载: the documents each province's manual names — the letters, proofs and pledges a person prints, has
signed or stamped, and uploads — as A4 PDF with the font embedded (a subset: the glyphs used).

A profile lists its documents (`documents`). Each serves upload slots, so the wizard can offer it beside them
(serving). A blank is the same for everyone and made once per process; a filled one carries what is known of
the person (person_facts), blanks where nothing is. 002's 证明函 has no blank: its verification code and QR code
come from its facts (console.collection.letters), and 002 says it 必须从系统中填写、打印.

The wording is each manual's, verbatim where the manual gives it. 002 names the 《单位会计机构负责人备案函》 and
000 the 工作证明 and the 《关于本人信息真实准确承诺函》 without a 式样: those are composed here."""

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from fpdf import FPDF

from console.collection import answers, letters
from console.errors import RuleViolation

BLANK = "\u3000"  # a full-width space: an underlined run of them is a line to write on
DATE_LINE = f"{BLANK * 4}年{BLANK * 2}月{BLANK * 2}日"
QR_WIDTH = 42  # mm: about half a millimetre a module, which a 350 DPI scan (002 §三) reads back


@dataclass(frozen=True)
class Facts:
    """What a document is filled with; empty where it is not known (all of it, in a blank)."""

    name: str = ""
    id_number: str = ""
    unit_name: str = ""
    uscc: str = ""
    district: str = ""  # the 区/县 of the unit (003 附件2)
    post: str = ""
    joined_on: date | None = None
    work_started_on: date | None = None
    letter: tuple = ()  # 002's 证明函: its (label, value) pairs in the 式样's order
    code: str = ""  # and its verification code


class Fill(str):
    """A part of a sentence the person's facts fill in: underlined, a line to write on where unknown."""


def fill(value, width=4):
    return Fill(f" {value} " if value else BLANK * width)


def year_of(day):
    return str(day.year) if day else ""


def month_of(day):
    return f"{day.month:02d}" if day else ""


class Sheet(FPDF):
    """An A4 page in the configured font: a heading, paragraphs with their filled parts underlined (wrapped at
    any character, as Chinese is), and the lines signed or stamped by hand."""

    def __init__(self, font, size, title):
        super().__init__(format="A4")
        self.size, self.leading = size, size * 0.7  # mm a line
        self.set_margins(25, 25, 25)
        self.set_auto_page_break(True, margin=20)
        self.set_title(title)
        self.set_lang("zh-CN")
        self.add_font("serif", fname=font)
        self.add_page()
        self.set_font("serif", size=size)

    def heading(self, text):
        self.set_font_size(self.size + 8)
        self.cell(0, self.leading * 2.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font_size(self.size)
        self.ln(self.leading / 2)

    def paragraph(self, *runs, indent=True):
        self.set_x(self.l_margin)
        for run in (BLANK * 2 if indent else "", *runs):
            filled = isinstance(run, Fill)
            if filled and self.get_string_width(run) > self.w - self.r_margin - self.get_x():
                self.ln(self.leading)  # an ID number or a date is not cut in two
            self.set_font(style="U" if filled else "")
            self.write(self.leading, run, wrapmode="CHAR")
        self.set_font(style="")
        self.ln(self.leading * 1.4)

    def pairs(self, items):
        """(label, value) lines, two to a line where both fit in half of it."""
        half = self.epw / 2
        texts = [f"{label}：{value or '—'}" for label, value in items]
        while texts:
            text = texts.pop(0)
            if texts and max(map(self.get_string_width, (text, texts[0]))) < half - 4:
                self.cell(half, self.leading, text)
                text = texts.pop(0)
            self.multi_cell(0, self.leading, text, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
        self.ln(self.leading / 2)

    def signed(self, *lines, x=95):
        """Lines from `x` (mm), with room to sign or stamp beside and below each."""
        self.ln(self.leading)
        for line in lines:
            self.set_x(x)
            self.multi_cell(self.w - self.r_margin - x, self.leading, line, wrapmode="CHAR", new_x="LMARGIN")
            self.ln(self.leading * 0.8)

    def note(self, text, width=0, align="L"):
        self.set_font_size(self.size - 2)
        self.multi_cell(width, self.leading, text, align=align, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
        self.set_font_size(self.size)


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    lay_out: Callable  # (Sheet, Facts): writes the document
    slots: tuple = ()  # the upload slots whose scan it is, or whose proof it explains
    blank: bool = True  # a blank may be downloaded
    personal: bool = True  # it carries the person's facts: a filled one differs from the blank
    facts: Callable = None  # (accountant, collection) → Facts; None: person_facts
    size: float = 14  # pt: 四号

    @property
    def filename(self):
        return self.title.replace("/", "、") + ".pdf"


# 002 §四's 《从事会计工作证明函》式样
def _letter(sheet, facts):
    values = dict(facts.letter)
    sheet.heading("从事会计工作证明函")
    sheet.paragraph("致：会计人员管理机构：", indent=False)
    sheet.pairs(facts.letter)
    sheet.paragraph(
        "根据《中华人民共和国会计法》、财政部以及自治区财政厅会计人员管理的相关规定，特发此证明函，证明",
        fill(values["姓名"]),
        "同志已经与我单位签订劳动合同，具备从事会计工作所需要的专业能力及要求，被我单位聘任为会计人员。",
    )
    sheet.paragraph(
        "本单位对所提供信息（包括签字与印章信息）的真实性、准确性和有效性负责，愿意对聘用的会计人员及其从业行为"
        "负责，并承担由此证明函引发的一切后果及法律责任。"
    )
    top, qr_x = sheet.get_y(), sheet.w - sheet.r_margin - QR_WIDTH
    sheet.image(io.BytesIO(letters.qr_png(facts.code, values)), x=qr_x, y=top, w=QR_WIDTH)
    sheet.set_xy(qr_x, top + QR_WIDTH)
    sheet.note(f"证明函验证码：\n{facts.code}", width=QR_WIDTH, align="C")
    below_qr = sheet.get_y()
    sheet.set_y(top)
    sheet.signed(
        "会计人员本人签字：", "单位财务负责人、人事负责人签字：", "单位财务专用章：", DATE_LINE, x=sheet.l_margin
    )
    sheet.set_y(max(sheet.get_y(), below_qr))
    sheet.note("从事会计工作证明函由系统打印后，不能进行修改，否则视为无效。")


def _letter_facts(accountant, collection):
    if collection is None:
        raise RuleViolation(letters.MISSING)
    return letter_facts(*letters.letter(collection))


def letter_facts(facts, code):
    """A 证明函's facts and code (letters.letter, letters.for_filing) as the document is filled with them."""
    return Facts(name=facts["姓名"], id_number=facts["证件号码"], letter=tuple(facts.items()), code=code)


# 002 §十二(三) names it (确定单位会计机构负责人时，需要本单位出具) without a 式样
def _head_letter(sheet, facts):
    sheet.heading("单位会计机构负责人备案函")
    sheet.paragraph("致：会计管理机构：", indent=False)
    sheet.paragraph(
        "兹确定",
        fill(facts.name),
        "同志（证件号码：",
        fill(facts.id_number, 10),
        "）为本单位会计机构负责人，自",
        fill("", 3),
        "年",
        fill("", 2),
        "月",
        fill("", 2),
        "日起任职。该同志代表本单位录入会计人员年度考评信息，申报本单位会计人员离岗、自然减员及会计人员诚信"
        "信息等情况。",
    )
    sheet.paragraph("特此备案。")
    sheet.paragraph("单位名称：", fill(facts.unit_name, 12), indent=False)
    sheet.paragraph("统一社会信用代码：", fill(facts.uscc, 10), indent=False)
    sheet.signed("单位负责人签字：", "单位公章：", f"日期：{DATE_LINE}")


# 001 相关材料上传示例: 单位证明
def _jilin_work_proof(sheet, facts):
    started = facts.work_started_on
    sheet.heading("单位从事会计工作证明")
    sheet.paragraph(
        "兹证明",
        fill(facts.name),
        "（身份证号：",
        fill(facts.id_number, 10),
        "）自",
        fill(year_of(started), 3),
        "年",
        fill(month_of(started), 2),
        "月至",
        fill("", 3),
        "年",
        fill("", 2),
        "月，在我单位财务部门从事财务会计等相关工作，本证明仅用于吉林省财政厅会计人员信息采集工作。",
    )
    sheet.paragraph("特此证明。")
    sheet.signed(f"证明单位（公章）：{facts.unit_name}", f"日期：{DATE_LINE}")


# 001 相关材料上传示例: 材料真实性承诺书, signed by hand
def _jilin_commitment(sheet, facts):
    sheet.heading("提供材料真实性承诺书")
    sheet.paragraph(
        "本人郑重声明，按信息采集要求上传到吉林省会计信息管理系统中的所有资料都同原件相符，所有证明材料都真实、"
        "有效，无任何虚假信息。如发现有任何虚假资料和证明材料，愿负相应的法律责任，本人承担由此产生的一切后果。"
    )
    sheet.signed("承诺人（签字）：", DATE_LINE)


# 003 附件2
def _chongqing_work_proof(sheet, facts):
    sheet.heading("工作证明")
    sheet.paragraph(
        "本单位隶属于",
        fill(facts.district),
        "（区/县），兹证明",
        fill(facts.name),
        "同志，身份证号：",
        fill(facts.id_number, 10),
        "，系我单位",
        fill(facts.post),
        "（岗位），我单位予以证明。",
    )
    sheet.signed(f"单位名称（盖章）：{facts.unit_name}", DATE_LINE)


# 003 附件1, with what 2.2 and 2.4 say a screenshot stands for
def _chongqing_screenshots(sheet, facts):
    sheet.paragraph("附件1", indent=False)
    sheet.heading("学历/学位/专业技术资格证明模板")
    sheet.paragraph("学历、学位证书上传：请上传证书拍照或扫描图片，或登录学信网或学位网查验证明截图。")
    sheet.paragraph(
        "专业技术资格证明上传：上传证书拍照或扫描图片，或（初中级）在财政部会计资格评价中心网"
        "（http://kzp.mof.gov.cn/）中“证书查询系统”中查验证明截图。"
    )
    sheet.paragraph("1.学历证明截图：学信网查验结果页面的截图。", indent=False)
    sheet.paragraph("2.学位证明截图：学位网查验结果页面的截图。", indent=False)
    sheet.paragraph("3.注意：", indent=False)
    sheet.paragraph(
        "2002届以后高等教育毕业生的学历，可通过“证书编号”在“中国高等学校学生学籍学历信息管理系统"
        "（https://www.chsi.com.cn/） ”（简称学信网）上查验；2008年9月1日后的学位，可通过“证书编号”在“中国学位与"
        "研究生教育信息网（http://www.cdgdc.edu.cn/）”（简称学位网）上查验。"
    )
    sheet.paragraph(
        "4.专业技术资格证明截图：（初中级）财政部会计资格评价中心网（http://kzp.mof.gov.cn/）“证书查询系统”"
        "查验结果页面的截图。",
        indent=False,
    )


# 000 收取材料: 工作证明（无工作单位，无需提供）, offered beside the upload (【模板下载】) without a 式样
def _bingtuan_work_proof(sheet, facts):
    joined, started = facts.joined_on, facts.work_started_on
    sheet.heading("工作证明")
    sheet.paragraph(
        "兹证明",
        fill(facts.name),
        "同志（证件号码：",
        fill(facts.id_number, 10),
        "）系我单位在职职工，于",
        fill(year_of(joined), 3),
        "年",
        fill(month_of(joined), 2),
        "月入职，现任",
        fill(facts.post),
        "岗位，自",
        fill(year_of(started), 3),
        "年",
        fill(month_of(started), 2),
        "月起从事会计工作。",
    )
    sheet.paragraph("特此证明。")
    sheet.signed(f"单位名称（盖章）：{facts.unit_name}", f"日期：{DATE_LINE}")


# 000 §9: 阅读并同意《关于本人信息真实准确承诺函》后，才可以提交 — without a 式样
def _bingtuan_pledge(sheet, facts):
    sheet.heading("关于本人信息真实准确承诺函")
    sheet.paragraph(
        "本人",
        fill(facts.name),
        "（证件号码：",
        fill(facts.id_number, 10),
        "）郑重承诺：在新疆生产建设兵团会计人员信息管理系统中填报的个人信息、工作单位信息、学历学位信息、会计专业"
        "技术资格信息以及上传的附件材料均真实、准确、完整，与原件一致，无任何虚假内容。如有不实，本人愿意承担由此"
        "产生的一切后果和法律责任。",
    )
    sheet.signed("承诺人（签字）：", f"日期：{DATE_LINE}")


DEGREES = ("diploma", "degree", "part_time_diploma", "part_time_degree", "qualification")
DOCUMENTS = {
    document.key: document
    for document in (
        Document("letter", "从事会计工作证明函", _letter, ("letter",), blank=False, facts=_letter_facts, size=12),
        Document("head_letter", "单位会计机构负责人备案函", _head_letter, ("head_letter",)),
        Document("jilin_work_proof", "单位从事会计工作证明", _jilin_work_proof, ("work_proof",)),
        Document("jilin_commitment", "材料真实性承诺书", _jilin_commitment, ("commitment",), personal=False),
        Document("chongqing_work_proof", "工作证明", _chongqing_work_proof, ("work_proof",)),
        Document(
            "chongqing_screenshots",
            "学历/学位/专业技术资格证明截图说明",
            _chongqing_screenshots,
            DEGREES,
            personal=False,
        ),
        Document("bingtuan_work_proof", "工作证明", _bingtuan_work_proof, ("work_proof",)),
        Document("bingtuan_pledge", "关于本人信息真实准确承诺函", _bingtuan_pledge),
    )
}


def listed(profile):
    return [DOCUMENTS[key] for key in profile.documents]


def find(profile, key):
    """The profile's document of this key, or None (a key it does not list, or no document at all)."""
    return DOCUMENTS[key] if key in profile.documents else None


def serving(profile, slot):
    """The profile's document for an upload slot, or None: the wizard offers it beside the slot."""
    return next((document for document in listed(profile) if slot in document.slots), None)


def blank(key):
    return _blank(_font(), key)


def filled(key, accountant, collection):
    """The document filled with what is known of the person: their collection's answers (`collection`: their
    latest, or the draft), else their record. 002's 证明函 only from complete facts (else RuleViolation saying
    what to fill in first); it keeps its code on the record as printed (letters.letter)."""
    document = DOCUMENTS[key]
    if not document.personal:
        return blank(key)
    return _filled(_font(), key, (document.facts or person_facts)(accountant, collection))


def letter(facts, code):
    """002's 证明函 of these facts and code (letters.letter, letters.for_filing)."""
    return _filled(_font(), "letter", letter_facts(facts, code))


def person_facts(accountant, collection=None):
    """What is known of the person: their collection's answers where given, else their record."""
    given = answers.read(collection) if collection is not None else {}
    personal, post = given.get("personal") or {}, given.get("post") or {}
    # the unit answered; without a collection, or before its 单位与岗位, the record's
    unit = (given["unit"] if post.get("has_unit") else {}) if post else _unit_of(accountant)
    region = post.get("work_region_code") or unit.get("region_code") or ""
    return Facts(
        name=personal.get("name") or accountant.name,
        id_number=personal.get("id_number") or accountant.id_number,
        unit_name=unit.get("name") or "",
        uscc=unit.get("uscc") or "",
        district=letters.region_name(region).rpartition("/")[2] if region else "",
        post="" if post.get("post") in (None, "无") else post["post"],
        joined_on=post.get("joined_on"),
        work_started_on=post.get("work_started_on") or accountant.work_started_on,
    )


def _unit_of(accountant):
    unit = accountant.unit if accountant.unit_id else None
    return {"name": unit.name, "uscc": unit.uscc, "region_code": unit.region_code} if unit else {}


def _font():
    return current_app.config["PDF_FONT"]


@functools.cache
def _blank(font, key):
    return _render(font, DOCUMENTS[key], Facts())


@functools.lru_cache(maxsize=64)  # reading the font takes a quarter of a second: a reprint comes from here
def _filled(font, key, facts):
    return _render(font, DOCUMENTS[key], facts)


def _render(font, document, facts):
    sheet = Sheet(font, document.size, document.title)
    document.lay_out(sheet, facts)
    return bytes(sheet.output())
