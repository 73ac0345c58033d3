"""模板下载: each profile's documents as PDF — blank for anyone, filled from the signed-in accountant's own facts,
the font embedded, 002's 证明函 with the QR code the upload is read for."""

import io
import re
from datetime import date
from urllib.parse import quote

import pylopdf_fonts_zh_cn
import pytest
import zxingcpp
from pypdf import PdfReader

from console import create_app
from console.collection import letters, lifecycle
from console.content import documents
from console.infra import clock
from console.infra.dictionaries import load_dictionaries
from console.profiles import ProfileError, load_profile
from models import Account, Authority, PostSection, Unit
from tests.factories import complete, entry_filed
from tests.helpers import make_account, make_accountant, resident_id, session_for
from tests.test_profiles import broken
from tools.fake import unit_code

LISTED = {
    "neimenggu": ["letter", "head_letter"],
    "jilin": ["jilin_work_proof", "jilin_commitment"],
    "chongqing": ["chongqing_work_proof", "chongqing_screenshots"],
    "bingtuan": ["bingtuan_work_proof", "bingtuan_pledge"],
}
# Words each blank must carry: the manual's where it gives them (001 单位证明 and 承诺书, 003 附件1 and 附件2).
WORDING = {
    "head_letter": (
        "单位会计机构负责人备案函",
        "致：会计管理机构：",
        "统一社会信用代码：",
        "单位负责人签字：",
        "单位公章：",
    ),
    "jilin_work_proof": (
        "单位从事会计工作证明",
        "在我单位财务部门从事财务会计等相关工作，本证明仅用于吉林省财政厅会计人员信息采集工作。",
        "特此证明。",
        "证明单位（公章）：",
    ),
    "jilin_commitment": (
        "提供材料真实性承诺书",
        "本人郑重声明，按信息采集要求上传到吉林省会计信息管理系统中的所有资料都同原件相符，所有证明材料都真实、"
        "有效，无任何虚假信息。如发现有任何虚假资料和证明材料，愿负相应的法律责任，本人承担由此产生的一切后果。",
        "承诺人（签字）：",
    ),
    "chongqing_work_proof": (
        "工作证明",
        "本单位隶属于",
        "（区/县），兹证明",
        "（岗位），我单位予以证明。",
        "单位名称（盖章）：",
    ),
    "chongqing_screenshots": (
        "学历/学位/专业技术资格证明模板",
        "2002届以后高等教育毕业生的学历，可通过“证书编号”在“中国高等学校学生学籍学历信息管理系统",
        "2008年9月1日后的学位",
        "http://kzp.mof.gov.cn/",
    ),
    "bingtuan_work_proof": ("工作证明", "系我单位在职职工", "起从事会计工作", "单位名称（盖章）："),
    "bingtuan_pledge": ("关于本人信息真实准确承诺函", "真实、准确、完整", "承诺人（签字）："),
}
BLANKS = [(province, key) for province, keys in LISTED.items() for key in keys if key != "letter"]


def pdf_text(content):
    """The words of a PDF, without the spacing and the NULs pypdf puts between the characters of fpdf2's fonts."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return "".join(text.replace("\x00", "").split())


def qr_of(content):
    """What the QR codes on a PDF's first page say."""
    image = PdfReader(io.BytesIO(content)).pages[0].images[0].image
    return [found.text for found in zxingcpp.read_barcodes(image)]


def embedded_fonts(content):
    """Each font of the first page: its name and whether its program is in the file (/FontFile, 2 or 3)."""
    fonts = PdfReader(io.BytesIO(content)).pages[0]["/Resources"]["/Font"]
    shown = []
    for font in (ref.get_object() for ref in fonts.values()):
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        shown.append((str(font["/BaseFont"]), any(f"/FontFile{n}" in descriptor for n in ("", "2", "3"))))
    return shown


def accountant(app, name, serial, region="150105", unit=None, started=None):
    """A signed-in accountant of the profile, and their draft with the unit and start of work given (if any)."""
    with app.app_context():
        load_dictionaries()
        person = make_accountant(
            name=name,
            id_number=resident_id(region, "19900307", serial),
            phone=f"139{serial:08d}",
            authority=Authority.select().first(),
        )
        entry_filed(person)
        account = Account.create(password_hash="x", role="accountant", accountant=person, created_at=clock.now())
        if unit is not None:
            draft = lifecycle.open_draft(person)
            PostSection.delete().where(PostSection.collection == draft).execute()
            PostSection.create(
                collection=draft, has_unit=True, unit_uscc=unit.uscc, unit=unit, on_duty=True, post="出纳",
                work_started_on=started,
            )  # fmt: skip
    return session_for(app, account), person


def unit_in(region, name, serial=1):
    return Unit.create(
        uscc=unit_code(region, serial),
        name=name,
        region_code=region,
        authority=Authority.select().first(),
        created_at=clock.now(),
    )


@pytest.mark.parametrize("province", list(LISTED))
def test_each_profile_lists_its_documents_on_the_public_page(client, province):
    assert load_profile(province).documents == LISTED[province]
    page = client.get("/templates/").get_data(as_text=True)
    assert "<h1>模板下载</h1>" in page and '<a href="/templates/">模板下载</a>' in page  # and in the site menu
    for key in LISTED[province]:
        assert documents.DOCUMENTS[key].title in page
        assert (f'href="/templates/{key}.pdf"' in page) == (key != "letter")  # 002: 证明函必须从系统填写、打印
    assert "/portal/templates/" not in page  # filled ones only for the signed-in


@pytest.mark.parametrize("province, key", BLANKS)
def test_a_blank_opens_carries_the_wording_and_embeds_the_font(client, province, key):
    response = client.get(f"/templates/{key}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    filename = documents.DOCUMENTS[key].filename
    assert f"filename*=UTF-8''{quote(filename)}" in response.headers["Content-Disposition"]
    assert "public" in response.headers["Cache-Control"]
    text = pdf_text(response.data)
    for words in WORDING[key]:
        assert "".join(words.split()) in text, words
    assert embedded_fonts(response.data) == [(embedded_fonts(response.data)[0][0], True)]
    assert "NotoSerifSC" in embedded_fonts(response.data)[0][0]


def test_a_blank_is_made_once_per_process(app):
    with app.app_context():
        assert documents.blank("head_letter") is documents.blank("head_letter")


@pytest.mark.parametrize("province, slot, key", [
    ("neimenggu", "letter", "letter"),
    ("neimenggu", "head_letter", "head_letter"),
    ("neimenggu", "work_proof", None),
    ("jilin", "work_proof", "jilin_work_proof"),
    ("jilin", "commitment", "jilin_commitment"),
    ("chongqing", "degree", "chongqing_screenshots"),
    ("chongqing", "qualification", "chongqing_screenshots"),
    ("bingtuan", "work_proof", "bingtuan_work_proof"),
    ("bingtuan", "photo", None),
])  # fmt: skip
def test_the_wizard_learns_which_document_serves_a_slot(province, slot, key):
    found = documents.serving(load_profile(province), slot)
    assert (found.key if found else None) == key


def test_the_wizard_s_pages_may_ask_for_a_slot_s_document(app):
    with app.test_request_context():
        assert app.jinja_env.globals["document_for"]("letter").title == "从事会计工作证明函"
        assert app.jinja_env.globals["document_for"]("diploma") is None


@pytest.mark.parametrize("province", ["jilin"])
def test_the_upload_slot_links_the_document_it_is_printed_from(app, province):
    client, _ = accountant(app, "王影", 124, region="220102")
    page = client.get("/portal/collection/attachments").get_data(as_text=True)
    items = dict(re.findall(r'<div class="upload-head"><strong>(.*?)</strong>(.*?)</div>', page, re.S))
    assert 'href="/portal/templates/jilin_commitment.pdf"' in items["材料真实性承诺书"]
    assert "模板下载：材料真实性承诺书" in items["材料真实性承诺书"]
    assert "模板下载" not in items["身份证头像面"]


def test_a_filled_document_carries_the_persons_facts_and_never_anothers(app):
    with app.app_context():
        mine, theirs = unit_in("150203", "示范单位"), unit_in("150102", "别家公司", 2)
    client, person = accountant(app, "王影", 124, unit=mine, started=date(2012, 8, 1))
    other_client, other = accountant(app, "李雷", 125, unit=theirs, started=date(2015, 3, 1))
    response = client.get("/portal/templates/head_letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert person.name in text and person.id_number in text and "示范单位" in text and mine.uscc in text
    assert other.name not in text and other.id_number not in text and "别家公司" not in text
    others = pdf_text(other_client.get("/portal/templates/head_letter.pdf").data)
    assert other.name in others and person.name not in others and person.id_number not in others


def test_without_a_collection_the_record_fills_what_it_knows(app):
    client, person = accountant(app, "王影", 124)
    text = pdf_text(client.get("/portal/templates/head_letter.pdf").data)
    assert person.name in text and person.id_number in text and "单位名称：统一社会信用代码：" in text  # blanks


@pytest.mark.parametrize("province", ["jilin"])
def test_jilin_s_proof_is_filled_with_the_start_of_work(app, province):
    with app.app_context():
        unit = unit_in("220102", "长春示范公司")
    client, person = accountant(app, "王影", 124, region="220102", unit=unit, started=date(2012, 8, 1))
    text = pdf_text(client.get("/portal/templates/jilin_work_proof.pdf").data)
    assert f"兹证明王影（身份证号：{person.id_number}）自2012年08月至" in text
    assert "证明单位（公章）：长春示范公司" in text
    wizard = client.get("/portal/collection/letter")  # the work proof printed from the wizard's unit step
    assert wizard.mimetype == "application/pdf" and pdf_text(wizard.data) == text
    assert pdf_text(client.get("/portal/templates/jilin_commitment.pdf").data) == pdf_text(
        client.get("/templates/jilin_commitment.pdf").data
    )  # nothing of the person's in the 承诺书: signed by hand


@pytest.mark.parametrize("province", ["chongqing"])
def test_chongqing_s_proof_names_the_district_and_the_post(app, province):
    with app.app_context():
        unit = unit_in("500103", "渝中示范公司")
    client, person = accountant(app, "王影", 124, region="500103", unit=unit, started=date(2022, 8, 1))
    text = pdf_text(client.get("/portal/templates/chongqing_work_proof.pdf").data)
    assert f"本单位隶属于渝中区（区/县），兹证明王影同志，身份证号：{person.id_number}，系我单位出纳（岗位）" in text


def test_the_letter_carries_the_qr_code_of_the_letters_code(app, scans):
    client, person = accountant(app, "王影", 124)
    with app.test_request_context():
        draft = lifecycle.open_draft(person)
        complete(app, draft, scans)
        facts, code = letters.letter(draft)
    response = client.get("/portal/templates/letter.pdf")
    assert response.headers["Cache-Control"] == "private, no-store"
    text = pdf_text(response.data)
    assert f"证明函验证码：{code}" in text and "致：会计人员管理机构：" in text and "单位财务专用章：" in text
    assert person.name in text and person.id_number in text and "示范单位" in text and "2012-08-01" in text
    assert qr_of(response.data) == [letters._payload(code, facts)]
    assert PostSection.get().letter_code == code
    assert "证明函验证码" in pdf_text(client.get("/portal/collection/letter").data)  # the wizard's link: the same


def test_the_letter_waits_for_the_unit_and_the_start_of_work(client, app):
    signed_in, _ = accountant(app, "王影", 124)
    response = signed_in.get("/portal/templates/letter.pdf")
    assert response.status_code == 302 and response.headers["Location"] == "/portal/collection/post"
    assert letters.MISSING in signed_in.get("/portal/collection/post").get_data(as_text=True)
    assert client.get("/templates/letter.pdf").status_code == 404  # no blank: its code is made of the facts


def test_who_gets_what(app, client):
    assert client.get("/templates/head_letter.pdf").status_code == 200
    refused = client.get("/portal/templates/head_letter.pdf")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/portal/login")
    assert session_for(app, make_account(app, "reviewer")).get("/portal/templates/head_letter.pdf").status_code == 403
    signed_in, _ = accountant(app, "王影", 124)
    for url in ("/templates/nope.pdf", "/templates/jilin_work_proof.pdf", "/portal/templates/jilin_commitment.pdf"):
        assert signed_in.get(url).status_code == 404, url  # unknown, or a document of another profile
    page = signed_in.get("/templates/").get_data(as_text=True)
    assert 'href="/portal/templates/letter.pdf"' in page and 'href="/portal/templates/head_letter.pdf"' in page


@pytest.mark.parametrize("province", ["bingtuan"])
def test_bingtuan_offers_the_pledge_filled(app, province):
    client, person = accountant(app, "王影", 124, region="650102")
    text = pdf_text(client.get("/portal/templates/bingtuan_pledge.pdf").data)
    assert f"本人王影（证件号码：{person.id_number}）郑重承诺" in text


@pytest.mark.parametrize("app_overrides", [{"PDF_FONT": str(pylopdf_fonts_zh_cn.sans_path())}])
def test_pdf_font_chooses_the_font(client, app_overrides):
    fonts = embedded_fonts(client.get("/templates/head_letter.pdf").data)
    assert len(fonts) == 1 and "NotoSansSC" in fonts[0][0] and fonts[0][1]


def test_a_missing_font_stops_the_start(tmp_path):
    with pytest.raises(RuntimeError, match="PDF_FONT 指向的字体文件不存在"):
        create_app({"SECRET_KEY": "test-secret", "PDF_FONT": str(tmp_path / "仿宋.ttf")})


def test_a_profile_naming_an_unknown_document_is_refused(tmp_path):
    path = broken(tmp_path, "jilin", '"jilin_commitment"]', '"jilin_pledge"]')
    with pytest.raises(ProfileError, match=f"{path}: documents: unknown document 'jilin_pledge'"):
        load_profile("jilin", directory=tmp_path)
