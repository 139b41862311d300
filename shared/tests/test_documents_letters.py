"""Letters rendered into the built-in GB/T 9704 template, and the checks on uploaded ones.
No database: templates and letters are bytes."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from pydantic import ValidationError
from xuncha_shared.documents import (
    LetterContent,
    TemplateInvalid,
    check_template,
    chinese_numeral,
    default_template,
    docx_text,
    format_document_number,
    render_letter,
)

KINDS = {"reminder": "巡察提醒函", "recommendation": "巡察建议书", "supervision": "典型问题督办函"}


def content(**changes: object) -> LetterContent:
    base = LetterContent(
        issuer="中共温县县委巡察工作领导小组办公室",
        doc_number="温巡提〔2027〕3号",
        title="关于加强村集体“三资”管理的巡察提醒函",
        addressee="中共祥云镇委员会",
        body=["县委第三巡察组在对祥云镇的巡察中，发现以下问题需要你单位督促解决："],
        items=["部分村集体资产未登记入账", "村务公开不及时、不全面"],
        reply_deadline=date(2027, 3, 5),
        copies_to=["县纪委监委", "县委组织部"],
        signed_by="中共温县县委巡察工作领导小组办公室",
        signed_on=date(2027, 2, 10),
        attachments=["问题清单", "相关政策文件"],
    )
    return base.model_copy(update=changes)


def east_asian_font(run: object) -> str | None:
    rpr = run._r.rPr  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def border(paragraph: Paragraph, side: str) -> Any:
    ppr = paragraph._p.pPr
    borders = None if ppr is None else ppr.find(qn("w:pBdr"))
    return None if borders is None else borders.find(qn(f"w:{side}"))


@pytest.mark.parametrize("kind", KINDS)
def test_every_default_template_renders_the_whole_letter(kind: str) -> None:
    data = render_letter(default_template(kind, KINDS[kind]), content())
    text = docx_text(data)
    for expected in (
        "中共温县县委巡察工作领导小组办公室",
        "温巡提〔2027〕3号",
        "关于加强村集体“三资”管理的巡察提醒函",
        "中共祥云镇委员会：",
        "县委第三巡察组在对祥云镇的巡察中",
        "一、部分村集体资产未登记入账",
        "二、村务公开不及时、不全面",
        "请于2027年3月5日前书面回复。",
        "附件：1. 问题清单",
        "2. 相关政策文件",
        "2027年2月10日",
        "抄送：县纪委监委，县委组织部。",
        "2027年2月10日印发",
    ):
        assert expected in text, expected
    # No tag is left over.
    assert "{{" not in text and "{%" not in text
    assert docx.Document(io.BytesIO(data)).core_properties.title == KINDS[kind]


def test_layout_follows_gb_t_9704() -> None:
    document = docx.Document(
        io.BytesIO(render_letter(default_template("reminder", "巡察提醒函"), content()))
    )
    section = document.sections[0]
    sizes = [section.page_width, section.page_height]
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in sizes if m is not None] == [210, 297]
    assert [round(m.mm) for m in margins if m is not None] == [37, 35, 28, 26]
    paragraphs: dict[str, Paragraph] = {}
    for p in document.paragraphs:
        paragraphs.setdefault(p.text, p)  # the signature repeats the issuer's name

    issuer = paragraphs["中共温县县委巡察工作领导小组办公室"]
    assert issuer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert issuer.runs[0].font.color.rgb == docx.shared.RGBColor(0xFF, 0, 0)
    assert east_asian_font(issuer.runs[0]) == "方正小标宋简体"

    number = paragraphs["温巡提〔2027〕3号"]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    separator = border(number, "bottom")
    assert separator.get(qn("w:color")) == "FF0000"

    title = paragraphs["关于加强村集体“三资”管理的巡察提醒函"]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert east_asian_font(title.runs[0]) == "方正小标宋简体"

    item = paragraphs["一、部分村集体资产未登记入账"]
    assert item.paragraph_format.first_line_indent == Pt(32)
    assert item.runs[0].font.size == Pt(16)
    assert east_asian_font(item.runs[0]) == "仿宋_GB2312"
    assert paragraphs["中共祥云镇委员会："].paragraph_format.first_line_indent is None

    issuer_name = "中共温县县委巡察工作领导小组办公室"
    signature = [p for p in document.paragraphs if p.text == issuer_name][-1]
    assert signature.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    date_line = paragraphs["2027年2月10日"]
    assert date_line.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    copies = paragraphs["抄送：县纪委监委，县委组织部。"]
    assert border(copies, "top") is not None and border(copies, "bottom") is not None
    assert copies.runs[0].font.size == Pt(14)
    assert section.footer.paragraphs[0]._p.find(qn("w:fldSimple")) is not None


def test_optional_parts_disappear_when_empty() -> None:
    data = render_letter(
        default_template("reminder", "巡察提醒函"),
        content(reply_deadline=None, copies_to=[], attachments=[], items=[]),
    )
    text = docx_text(data)
    assert "请于" not in text and "抄送" not in text and "附件" not in text and "一、" not in text
    assert "中共温县县委巡察工作领导小组办公室\t2027年2月10日印发" in text


@pytest.mark.parametrize(
    "tricky",
    [
        "金额 < 5 万元 & 未入账",
        "{{ title }} 与 {% if x %} 与 {# c #} 与 }} %}",
        "<w:p>标签</w:p> &amp; &lt; '单引号' \"双引号\"",
        "跨行\n第二行",
        "emoji 😀 与生僻字 𠀀",
    ],
)
def test_special_characters_in_content_survive(tricky: str) -> None:
    data = render_letter(
        default_template("reminder", "巡察提醒函"),
        content(title=tricky, items=[tricky], body=[tricky], addressee=tricky),
    )
    text = docx_text(data)
    assert text.count(tricky) >= 3
    assert f"一、{tricky}" in text


def test_control_characters_are_dropped_not_fatal() -> None:
    data = render_letter(
        default_template("reminder", "巡察提醒函"), content(items=["坏\x00字\x08符\x0b"])
    )
    assert "一、坏字符" in docx_text(data)


def test_many_items_are_numbered_in_chinese() -> None:
    data = render_letter(
        default_template("reminder", "巡察提醒函"),
        content(items=[f"问题{i}" for i in range(1, 22)]),
    )
    text = docx_text(data)
    assert "十、问题10" in text and "十二、问题12" in text and "二十一、问题21" in text


@pytest.mark.parametrize(
    ("n", "zh"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (35, "三十五"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1001, "一千零一"),
    ],
)
def test_chinese_numerals(n: int, zh: str) -> None:
    assert chinese_numeral(n) == zh


def test_document_number_format() -> None:
    assert format_document_number(issuer_short="温", series="巡提", year=2027, number=3) == (
        "温巡提〔2027〕3号"
    )
    with pytest.raises(ValueError):
        format_document_number(issuer_short="温", series="巡提", year=2027, number=0)


def test_content_is_frozen_and_strict() -> None:
    letter = content()
    with pytest.raises(ValidationError):
        letter.title = "改"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        LetterContent.model_validate({**letter.model_dump(), "unknown": 1})
    with pytest.raises(ValidationError):
        LetterContent.model_validate({**letter.model_dump(), "title": ""})


def customised(marker: str = "温县定制版式") -> bytes:
    document = docx.Document(io.BytesIO(default_template("reminder", "巡察提醒函")))
    document.add_paragraph(f"{marker}：{{{{ doc_number }}}}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_customised_template_is_accepted_and_used() -> None:
    template = customised()
    check_template(template)
    assert "温县定制版式：温巡提〔2027〕3号" in docx_text(render_letter(template, content()))


def test_default_templates_pass_the_upload_check() -> None:
    for kind, title in KINDS.items():
        check_template(default_template(kind, title))


def zip_without_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a docx")
    return out.getvalue()


@pytest.mark.parametrize(
    "template",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"PK\x03\x04 broken", id="broken-zip"),
        pytest.param(zip_without_document(), id="zip-not-docx"),
        pytest.param(docx_with("没有占位符的文档"), id="no-tags"),
        pytest.param(docx_with("{{ doc_number }} {{ title }} {{ oops"), id="syntax-error"),
        pytest.param(docx_with("{{ doc_number }} {{ title }} {{ titel }}"), id="unknown-name"),
        pytest.param(
            docx_with("{{ doc_number }}{{ title }}{{ title.__class__.__mro__ }}"), id="sandbox"
        ),
    ],
)
def test_bad_templates_are_refused_naming_the_file(template: bytes) -> None:
    with pytest.raises(TemplateInvalid) as caught:
        check_template(template)
    assert caught.value.status == 422 and caught.value.field == "file"
    assert caught.value.message_zh and caught.value.message_en


def test_rendering_into_a_broken_template_is_a_problem_not_a_crash() -> None:
    with pytest.raises(TemplateInvalid) as caught:
        render_letter(b"not a docx", content())
    assert caught.value.field == "template"
