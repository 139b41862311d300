"""The built-in letter template, laid out as GB/T 9704-2012 (党政机关公文格式) asks.

Built in code with python-docx, so there is no binary in the repository and the layout is
reviewable: A4 with the standard margins, the red issuer line in 小标宋, the 文号 centred
above a red separator, the title in 二号小标宋, 主送 and body in 三号仿宋 with a two-character
first-line indent, items numbered 一、二、…, the signature and the date right-aligned, the
抄送 block at the end between thin lines, and the page number 「— 1 —」 in the footer. The
runs carry docxtpl tags (see :mod:`xuncha_shared.documents.letters` for the variables).
"""

from __future__ import annotations

import io
from functools import cache

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

RED = RGBColor(0xFF, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
SIZE_TITLE = Pt(22)  # 二号
SIZE_ISSUER = Pt(26)  # 一号: a long issuer name still fits on one line
SIZE_BODY = Pt(16)  # 三号
SIZE_RECORD = Pt(14)  # 四号, for the 版记
# 22 lines of 28 characters on the type area: about 28.9 pt per line.
LINE = Pt(28.9)
INDENT_2_CHARS = Pt(32)
TYPE_WIDTH = Mm(210 - 28 - 26)


def _font(run_or_style: object, name: str, size: Pt, *, bold: bool = False) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    font.size = size
    font.bold = bold
    element = run_or_style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _border(paragraph: Paragraph, *, top: int = 0, bottom: int = 0, color: str = "000000") -> None:
    """Lines above/below a paragraph; sizes in eighths of a point."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side, size in (("top", top), ("bottom", bottom)):
        if size:
            line = OxmlElement(f"w:{side}")
            line.set(qn("w:val"), "single")
            line.set(qn("w:sz"), str(size))
            line.set(qn("w:space"), "4")
            line.set(qn("w:color"), color)
            borders.append(line)
    ppr.append(borders)


class _Builder:
    def __init__(self) -> None:
        self.doc = docx.Document()
        # The default template's first paragraph is empty; start from a clean body.
        for p in list(self.doc.paragraphs):
            p._p.getparent().remove(p._p)

    def para(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size: Pt = SIZE_BODY,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = False,
        color: RGBColor | None = None,
        right_indent: Pt | None = None,
        left_indent: Pt | None = None,
        line: Pt = LINE,
    ) -> Paragraph:
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.alignment = align
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
        if indent:
            fmt.first_line_indent = INDENT_2_CHARS
        if right_indent is not None:
            fmt.right_indent = right_indent
        if left_indent is not None:
            fmt.left_indent = left_indent
        if text:
            # One run per paragraph keeps every tag whole for docxtpl.
            run = p.add_run(text)
            _font(run, font, size)
            if color is not None:
                run.font.color.rgb = color
        return p

    def printed(self, side: Pt) -> Paragraph:
        """印发机关 on the left and 印发日期 on the right of one 版记 line."""
        p = self.para("{{ issuer }}", size=SIZE_RECORD, left_indent=side, right_indent=side)
        p.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH - side, WD_TAB_ALIGNMENT.RIGHT)
        tab = p.add_run()
        tab.add_tab()
        _font(tab, BODY_FONT, SIZE_RECORD)
        _font(p.add_run("{{ signed_on }}印发"), BODY_FONT, SIZE_RECORD)
        return p

    def tag(self, text: str) -> None:
        """A paragraph-level docxtpl tag ({%p … %}); the paragraph itself disappears."""
        self.para(text)

    def page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Mm(7) - Pt(14)
        normal = self.doc.styles["Normal"]
        _font(normal, BODY_FONT, SIZE_BODY)

    def page_number(self) -> None:
        footer = self.doc.sections[0].footer
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run("— "), "宋体", SIZE_RECORD)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), " PAGE ")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        p._p.append(field)
        _font(p.add_run(" —"), "宋体", SIZE_RECORD)


@cache
def _default_template(kind: str, title_zh: str) -> bytes:
    b = _Builder()
    b.page()
    b.page_number()
    b.para(
        "{{ issuer }}",
        font=TITLE_FONT,
        size=SIZE_ISSUER,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
        line=Pt(40),
    )
    b.para()
    number = b.para("{{ doc_number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    # The red separator sits 4 mm under the 文号, as wide as the type area.
    _border(number, bottom=12, color="FF0000")
    b.para()
    b.para("{{ title }}", font=TITLE_FONT, size=SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    b.para()
    b.para("{{ addressee }}：")
    b.tag("{%p for paragraph in body %}")
    b.para("{{ paragraph }}", indent=True)
    b.tag("{%p endfor %}")
    b.tag("{%p for item in items %}")
    b.para("{{ item.number }}、{{ item.text }}", indent=True)
    b.tag("{%p endfor %}")
    b.tag("{%p if reply_deadline %}")
    b.para("{{ reply_deadline }}", indent=True)
    b.tag("{%p endif %}")
    b.tag("{%p if attachments %}")
    b.para()
    b.tag("{%p for a in attachments %}")
    b.para(
        "{% if loop.first %}附件：{% else %}\u3000\u3000\u3000{% endif %}"
        "{{ a.number }}. {{ a.name }}",
        indent=True,
    )
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.para()
    b.para()
    b.para("{{ signed_by }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=INDENT_2_CHARS)
    b.para("{{ signed_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(64))
    b.para()
    b.para()
    side = Pt(14)  # the 版记 is indented one character on both sides
    b.tag("{%p if copies_to %}")
    copies = b.para(
        "抄送：{{ copies_to }}。", size=SIZE_RECORD, left_indent=side, right_indent=side
    )
    _border(copies, top=8, bottom=6)
    _border(b.printed(side), bottom=8)
    b.tag("{%p else %}")
    _border(b.printed(side), top=8, bottom=8)
    b.tag("{%p endif %}")
    props = b.doc.core_properties
    props.title = title_zh
    props.subject = kind
    props.author = "巡察工作平台"
    out = io.BytesIO()
    b.doc.save(out)
    return out.getvalue()


def default_template(kind: str, title_zh: str) -> bytes:
    """The built-in template for letters of ``kind`` (e.g. ``reminder``, 巡察提醒函)."""
    return _default_template(kind, title_zh)
