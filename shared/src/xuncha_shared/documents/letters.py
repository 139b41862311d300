"""Letters (提醒函, 建议书, 督办函 …): their content, and rendering it into a .docx template.

A template is a .docx with docxtpl (Jinja) tags. Rendering runs in a sandboxed Jinja
environment with autoescape on, so a user's ``<``, ``&`` or ``{{`` in a description is
text in the letter, never markup or a template tag. The variables a template may use:

``issuer`` 发文机关 · ``doc_number`` 文号 · ``title`` 标题 · ``addressee`` 主送机关 ·
``body`` 正文段落（列表）· ``items`` 问题或建议（列表，每项有 ``number``「一」和 ``text``）·
``reply_deadline`` 回复期限句「请于2027年3月5日前书面回复。」（无期限时为空）·
``reply_deadline_date``「2027年3月5日」· ``copies_to`` 抄送（以逗号连接）·
``copies_to_list`` 抄送（列表）· ``attachments`` 附件（列表，每项有 ``number`` 和 ``name``）·
``signed_by`` 署名 · ``signed_on`` 成文日期「2027年3月5日」.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import docx
from docx.document import Document as DocumentObject
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field

from xuncha_shared.problems import Unprocessable

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A .docx is a zip; refuse one that would inflate past this (a zip bomb within the upload limit).
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000

# Characters XML 1.0 cannot carry; one of them in user text would break the document.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_DIGITS = "零一二三四五六七八九"


class LetterContent(BaseModel):
    """What a letter says; the template decides how it looks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: str = Field(
        min_length=1, title="发文机关", description="如：中共温县县委巡察工作领导小组办公室"
    )
    doc_number: str = Field(title="文号", description="如：温巡提〔2027〕3号")
    title: str = Field(min_length=1, title="标题")
    addressee: str = Field(min_length=1, title="主送机关")
    body: list[str] = Field(default_factory=list, title="正文段落")
    items: list[str] = Field(default_factory=list, title="问题或建议", description="按一、二、编号")
    reply_deadline: date | None = Field(default=None, title="书面回复期限")
    copies_to: list[str] = Field(default_factory=list, title="抄送（抄报）")
    signed_by: str = Field(min_length=1, title="署名")
    signed_on: date = Field(title="成文日期")
    attachments: list[str] = Field(default_factory=list, title="附件")


class TemplateInvalid(Unprocessable):
    """A letter template that is not a .docx, or whose tags cannot be rendered."""

    code = "letter-template-invalid"


def chinese_date(d: date) -> str:
    """A date as official documents write it: 2027年3月5日."""
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (for 一、二、… numbering)."""
    if n <= 0:
        raise ValueError("n must be positive")
    if n >= 10_000:
        return str(n)
    units = ["", "十", "百", "千"]
    digits = [int(c) for c in str(n)]
    out: list[str] = []
    zero = False
    for i, d in enumerate(digits):
        unit = units[len(digits) - 1 - i]
        if d == 0:
            zero = True
            continue
        if zero and out:
            out.append("零")
        zero = False
        out.append(_DIGITS[d] + unit)
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def letter_context(content: LetterContent) -> dict[str, Any]:
    """The variables a template sees (see the module docstring)."""
    deadline = chinese_date(content.reply_deadline) if content.reply_deadline else ""
    copies = [_clean(c) for c in content.copies_to if c.strip()]
    return {
        "issuer": _clean(content.issuer),
        "doc_number": _clean(content.doc_number),
        "title": _clean(content.title),
        "addressee": _clean(content.addressee),
        "body": [_clean(p) for p in content.body],
        "items": [
            {"number": chinese_numeral(i), "text": _clean(t)}
            for i, t in enumerate(content.items, start=1)
        ],
        "reply_deadline": f"请于{deadline}前书面回复。" if deadline else "",
        "reply_deadline_date": deadline,
        "copies_to": "，".join(copies),
        "copies_to_list": copies,
        "attachments": [
            {"number": i, "name": _clean(a)} for i, a in enumerate(content.attachments, start=1)
        ],
        "signed_by": _clean(content.signed_by),
        "signed_on": chinese_date(content.signed_on),
    }


def _check_zip(template: bytes, *, field: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise TemplateInvalid(
            "模板不是有效的 Word 文档（.docx）",
            "The template is not a valid Word document (.docx)",
            field=field,
        ) from exc
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise TemplateInvalid(
            "模板不是有效的 Word 文档（.docx）",
            "The template is not a Word document (.docx)",
            field=field,
        )
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
        raise TemplateInvalid(
            "模板解压后过大", "The template is too large once uncompressed", field=field
        )


def _environment() -> SandboxedEnvironment:
    # Sandboxed: an uploaded template is code, and must not reach Python internals.
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_letter(template: bytes, content: LetterContent) -> bytes:
    """Render ``content`` into ``template`` (a .docx with docxtpl tags); a valid .docx.

    User text is escaped. A template that cannot be rendered raises
    :class:`TemplateInvalid` (a 422 problem naming ``template``), never a 500. CPU-bound:
    call it through ``anyio.to_thread.run_sync`` from a busy route if letters are large.
    """
    return _render(template, letter_context(content), field="template")


def _render(template: bytes, context: dict[str, Any], *, field: str) -> bytes:
    _check_zip(template, field=field)
    try:
        doc = DocxTemplate(io.BytesIO(template))
        doc.render(context, jinja_env=_environment(), autoescape=True)
        out = io.BytesIO()
        doc.save(out)
    except TemplateError as exc:
        raise TemplateInvalid(
            f"模板中的占位符有误：{exc}",
            f"The template's tags cannot be rendered: {exc}",
            field=field,
        ) from exc
    except Exception as exc:  # python-docx and lxml raise many kinds for a broken file
        raise TemplateInvalid(
            "模板无法生成文书，请检查是否为有效的 Word 文档",
            f"The template cannot be rendered: {type(exc).__name__}",
            field=field,
        ) from exc
    return out.getvalue()


def _paragraphs_and_tables(container: Any) -> Iterator[str]:
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, DocxTable):
            for row in block.rows:
                for cell in row.cells:
                    yield from _paragraphs_and_tables(cell)


def docx_text(data: bytes) -> str:
    """All text of a .docx (body, tables, headers and footers), one paragraph a line; for
    checks and tests."""
    document: DocumentObject = docx.Document(io.BytesIO(data))
    lines = list(_paragraphs_and_tables(document))
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header):
            if not part.is_linked_to_previous:
                lines += list(_paragraphs_and_tables(part))
    return "\n".join(lines)


def sample_content() -> LetterContent:
    """A letter with every field filled, to check an uploaded template against."""
    return LetterContent(
        issuer="中共温县县委巡察工作领导小组办公室",
        doc_number="温巡提〔2027〕1号",
        title="关于某某问题的巡察提醒函",
        addressee="中共某某镇委员会",
        body=["县委第一巡察组在巡察中发现以下问题：", "现将有关情况函告如下。"],
        items=["村集体“三资”管理不规范", "惠民政策落实不到位"],
        reply_deadline=date(2027, 3, 5),
        copies_to=["县纪委监委", "县委组织部"],
        signed_by="中共温县县委巡察工作领导小组办公室",
        signed_on=date(2027, 2, 1),
        attachments=["问题清单"],
    )


def check_template(template: bytes) -> None:
    """Refuse (:class:`TemplateInvalid`, field ``file``) a template that is not a .docx, whose
    tags do not render a sample letter, or whose letter lacks the 文号 or the title."""
    sample = sample_content()
    rendered = _render(template, letter_context(sample), field="file")
    try:
        text = docx_text(rendered)
    except Exception as exc:
        raise TemplateInvalid(
            "模板生成的文书无法打开", "The rendered letter cannot be opened", field="file"
        ) from exc
    missing = [
        tag
        for tag, value in (("{{ doc_number }}", sample.doc_number), ("{{ title }}", sample.title))
        if value not in text
    ]
    if missing:
        raise TemplateInvalid(
            f"模板缺少必需的占位符：{'、'.join(missing)}",
            f"The template lacks required tags: {', '.join(missing)}",
            field="file",
        )
