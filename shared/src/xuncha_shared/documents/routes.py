"""``/letter-templates``: the office downloads, replaces (checked) or resets the templates of
its jurisdiction's letters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import anyio.to_thread
from fastapi import APIRouter, File, Path, Response, UploadFile, status
from pydantic import BaseModel, Field
from sqlalchemy import Table

from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.documents.layout import default_template
from xuncha_shared.documents.letters import (
    DOCX_MEDIA_TYPE,
    TemplateInvalid,
    check_template,
    render_letter,
    sample_content,
)
from xuncha_shared.documents.templates import (
    StoredTemplate,
    delete_template,
    save_template,
    stored_template,
    stored_templates,
)
from xuncha_shared.http import (
    CurrentPrincipal,
    Now,
    OptionalExpectedVersion,
    Page,
    check_version,
    etag,
    read_upload,
)
from xuncha_shared.problems import NotFound, ProblemDetail

READ_ROLES = (Role.office, Role.leadership)
LETTER_TEMPLATES_TAG = {
    "name": "letter-templates",
    "description": "文书模板：巡察办下载、替换或恢复本地区提醒函、建议书、督办函等文书的 Word 模板",
}
"""For a service's ``ServiceSpec.openapi_tags``."""
MAX_FILENAME = 120
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|]")

Kind = Annotated[
    str, Path(max_length=64, title="文书种类", description="如 reminder（巡察提醒函）")
]
TemplateFile = Annotated[UploadFile, File(title="模板文件（.docx）")]


class LetterTemplateRead(BaseModel):
    """A kind of letter and the template its letters use in the caller's jurisdiction."""

    kind: str = Field(title="文书种类")
    title: str = Field(title="文书名称")
    customised: bool = Field(title="是否已替换", description="否表示使用系统默认模板")
    version: int | None = Field(default=None, title="版本号", description="使用默认模板时为空")
    filename: str | None = Field(default=None, title="上传的文件名")
    updated_at: datetime | None = Field(default=None, title="替换时间")
    updated_by: str | None = Field(default=None, title="替换人")


def _read(kind: str, title: str, stored: StoredTemplate | None) -> LetterTemplateRead:
    if stored is None:
        return LetterTemplateRead(kind=kind, title=title, customised=False)
    return LetterTemplateRead(
        kind=kind,
        title=title,
        customised=True,
        version=stored.version,
        filename=stored.filename,
        updated_at=stored.updated_at,
        updated_by=stored.updated_by,
    )


def _reader(principal: Principal) -> Principal:
    if not principal.has(*READ_ROLES):
        raise Forbidden(
            "只有巡察办和巡察工作领导小组可以查看文书模板",
            "Only the inspection office and the leadership group see letter templates",
        )
    return principal


def _office(principal: Principal) -> Principal:
    if not principal.has(Role.office):
        raise Forbidden(
            "只有巡察办可以替换文书模板", "Only the inspection office replaces letter templates"
        )
    return principal


def _filename(raw: str | None, kind: str) -> str:
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("", name).strip()
    if not name:
        return f"{kind}.docx"
    if not name.lower().endswith(".docx"):
        raise TemplateInvalid(
            "请上传 Word 文档（.docx）", "Upload a Word document (.docx)", field="file"
        )
    if len(name) > MAX_FILENAME:
        name = name[: MAX_FILENAME - 5] + ".docx"
    return name


def docx_response(data: bytes, filename: str, *, fallback: str, etag_value: str | None) -> Response:
    """A .docx download with an RFC 6266/5987 ``Content-Disposition`` (UTF-8 name plus an
    ASCII fallback for old clients)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", fallback) or "letter.docx"
    headers = {
        "Content-Disposition": f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    }
    if etag_value is not None:
        headers["ETag"] = etag_value
    return Response(content=data, media_type=DOCX_MEDIA_TYPE, headers=headers)


def letter_templates_router(table: Table, *, kinds: Mapping[str, str]) -> APIRouter:
    """Routes over ``table`` for the letter ``kinds`` (code → Chinese name, e.g.
    ``{"reminder": "巡察提醒函"}``), each in the caller's own jurisdiction."""
    known = dict(kinds)
    router = APIRouter(
        prefix="/letter-templates",
        tags=["letter-templates"],
        responses={
            401: {"model": ProblemDetail, "description": "未登录"},
            403: {"model": ProblemDetail, "description": "无权限"},
            404: {"model": ProblemDetail, "description": "没有这种文书"},
        },
    )

    def title_of(kind: str) -> str:
        if kind not in known:
            raise NotFound("没有这种文书", "No such kind of letter", field="kind")
        return known[kind]

    @router.get(
        "",
        response_model=Page[LetterTemplateRead],
        summary="查看文书模板",
        description="本地区每种文书使用的模板：系统默认或巡察办替换后的版本。",
    )
    async def list_templates(
        session: DbSession, principal: CurrentPrincipal
    ) -> Page[LetterTemplateRead]:
        _reader(principal)
        stored = await stored_templates(session, table, jurisdiction=principal.jurisdiction)
        items = [_read(k, t, stored.get(k)) for k, t in known.items()]
        return Page(items=items, total=len(items))

    @router.get(
        "/{kind}",
        summary="下载文书模板",
        description="下载本地区该种文书当前使用的模板（.docx），可在其基础上修改后上传替换。"
        "模板中可用的占位符：{{ issuer }} 发文机关、{{ doc_number }} 文号、{{ title }} 标题、"
        "{{ addressee }} 主送机关、body 正文段落、items 问题或建议（number、text）、"
        "{{ reply_deadline }} 回复期限、{{ copies_to }} 抄送、attachments 附件、"
        "{{ signed_by }} 署名、{{ signed_on }} 成文日期。",
        response_class=Response,
        responses={200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "模板文件"}},
    )
    async def download_template(
        kind: Kind, session: DbSession, principal: CurrentPrincipal
    ) -> Response:
        _reader(principal)
        title = title_of(kind)
        found = await stored_template(
            session, table, jurisdiction=principal.jurisdiction, kind=kind
        )
        if found is None:
            data = default_template(kind, title)
            return docx_response(
                data, f"{title}模板.docx", fallback=f"{kind}.docx", etag_value=None
            )
        meta, data = found
        return docx_response(
            data, meta.filename, fallback=f"{kind}.docx", etag_value=etag(meta.version)
        )

    @router.get(
        "/{kind}/sample",
        summary="预览文书模板",
        description="用示例内容按本地区当前模板生成一份文书（.docx），检查版式。",
        response_class=Response,
        responses={200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "示例文书"}},
    )
    async def sample_letter(
        kind: Kind, session: DbSession, principal: CurrentPrincipal
    ) -> Response:
        _reader(principal)
        title = title_of(kind)
        found = await stored_template(
            session, table, jurisdiction=principal.jurisdiction, kind=kind
        )
        template = found[1] if found else default_template(kind, title)
        data = await anyio.to_thread.run_sync(render_letter, template, sample_content())
        return docx_response(
            data, f"{title}示例.docx", fallback=f"{kind}-sample.docx", etag_value=None
        )

    @router.put(
        "/{kind}",
        response_model=LetterTemplateRead,
        summary="替换文书模板",
        description="巡察办上传本地区该种文书的模板（.docx，不超过 10 MB）。模板须能用示例内容"
        "生成文书，且含 {{ doc_number }} 和 {{ title }}，否则拒绝（422）。"
        '可带 If-Match（上次读取的 ETag；默认模板为 "0"）防止覆盖他人的修改。',
        responses={
            201: {"model": LetterTemplateRead, "description": "已替换默认模板"},
            412: {"model": ProblemDetail, "description": "已被他人修改"},
            413: {"model": ProblemDetail, "description": "文件过大"},
            422: {"model": ProblemDetail, "description": "模板无效"},
        },
    )
    async def put_template(
        kind: Kind,
        file: TemplateFile,
        expected: OptionalExpectedVersion,
        session: DbSession,
        principal: CurrentPrincipal,
        now: Now,
        response: Response,
    ) -> LetterTemplateRead:
        actor = _office(principal)
        title = title_of(kind)
        filename = _filename(file.filename, kind)
        content = await read_upload(file)
        await anyio.to_thread.run_sync(check_template, content)
        found = await stored_template(
            session, table, jurisdiction=actor.jurisdiction, kind=kind, for_update=True
        )
        if expected is not None:
            check_version(found[0].version if found else 0, expected)
        stored = await save_template(
            session,
            table,
            jurisdiction=actor.jurisdiction,
            kind=kind,
            content=content,
            filename=filename,
            actor=actor.subject,
            now=now,
        )
        response.status_code = status.HTTP_200_OK if found else status.HTTP_201_CREATED
        response.headers["ETag"] = etag(stored.version)
        return _read(kind, title, stored)

    @router.delete(
        "/{kind}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary="恢复默认模板",
        description="巡察办删除本地区替换的模板，该种文书恢复使用系统默认模板。"
        "可带 If-Match。已是默认模板时也返回 204。",
        responses={412: {"model": ProblemDetail, "description": "已被他人修改"}},
    )
    async def reset_template(
        kind: Kind,
        expected: OptionalExpectedVersion,
        session: DbSession,
        principal: CurrentPrincipal,
    ) -> Response:
        actor = _office(principal)
        title_of(kind)
        if expected is not None:
            found = await stored_template(
                session, table, jurisdiction=actor.jurisdiction, kind=kind, for_update=True
            )
            check_version(found[0].version if found else 0, expected)
        await delete_template(session, table, jurisdiction=actor.jurisdiction, kind=kind)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router
