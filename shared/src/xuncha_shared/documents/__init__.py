"""Official letters (.docx in the GB/T 9704-2012 layout) with gapless document numbers (文号)
and templates each jurisdiction may replace.

```python
numbers = document_numbers_table(Base.metadata)        # <schema>.document_numbers
templates = letter_templates_table(Base.metadata)      # <schema>.letter_templates
n = await take_document_number(session, numbers, jurisdiction=j, series="巡提", year=2027)
doc_number = format_document_number(issuer_short="温", series="巡提", year=2027, number=n)
template = await load_template(session, templates, jurisdiction=j, kind="reminder",
                               title_zh="巡察提醒函")
data = render_letter(template, LetterContent(...))     # bytes of a .docx
router = letter_templates_router(templates, kinds={"reminder": "巡察提醒函"})
```
The migration helper is :func:`xuncha_shared.migrations.create_document_tables_v1`.
"""

from xuncha_shared.documents.layout import default_template
from xuncha_shared.documents.letters import (
    DOCX_MEDIA_TYPE,
    LetterContent,
    TemplateInvalid,
    check_template,
    chinese_date,
    chinese_numeral,
    docx_text,
    letter_context,
    render_letter,
    sample_content,
)
from xuncha_shared.documents.numbers import (
    document_numbers_table,
    format_document_number,
    take_document_number,
)
from xuncha_shared.documents.routes import (
    LetterTemplateRead,
    docx_response,
    letter_templates_router,
)
from xuncha_shared.documents.templates import (
    StoredTemplate,
    delete_template,
    letter_templates_table,
    load_template,
    save_template,
)

__all__ = [
    "DOCX_MEDIA_TYPE",
    "LETTER_TEMPLATES_TAG",
    "LetterContent",
    "LetterTemplateRead",
    "StoredTemplate",
    "TemplateInvalid",
    "check_template",
    "chinese_date",
    "chinese_numeral",
    "default_template",
    "delete_template",
    "document_numbers_table",
    "docx_response",
    "docx_text",
    "format_document_number",
    "letter_context",
    "letter_templates_router",
    "letter_templates_table",
    "load_template",
    "render_letter",
    "sample_content",
    "save_template",
    "take_document_number",
]
