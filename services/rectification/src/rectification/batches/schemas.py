"""API schemas of the batches: a plan's tasks filled in at once, claims accepted at once."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.patch import Patch

from rectification.plans.schemas import TaskUpdate
from rectification.progress.schemas import MAX_TEXT

MAX_ITEMS = 500
"""More tasks than one plan or one supervisor's desk holds."""


class TaskFill(TaskUpdate):
    """One task of the plan and what is filled in for it, with the version the org read
    (the batch's If-Match, per task)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "task_id": "0f6c3c2e-3f0e-4a8a-9c1e-5d1b8e2f7a10",
                    "version": 1,
                    "measures": "全面清理村集体“三资”，建立村级财务月审制度",
                    "responsible_person": "马某某",
                    "owner_account": "wx-leader-liu",
                    "owner_name": "刘建国",
                }
            ]
        }
    )

    task_id: uuid.UUID = Field(title="整改任务编号")
    version: int = Field(ge=1, title="读取时的版本号", description="即单项修改时 If-Match 的值")

    def changes(self) -> TaskUpdate:
        """What the single-task edit would get for this task."""
        return TaskUpdate.model_validate(
            self.model_dump(exclude_unset=True, exclude={"task_id", "version"})
        )


class PlanTasksFill(Patch):
    """Several tasks of one plan filled in at once (批量填写); each item only the fields it
    sends, as a PATCH of the task would."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "tasks": [
                        {
                            "task_id": "0f6c3c2e-3f0e-4a8a-9c1e-5d1b8e2f7a10",
                            "version": 1,
                            "measures": "全面清理村集体“三资”，建立村级财务月审制度",
                            "responsible_person": "马某某",
                            "owner_account": "wx-leader-liu",
                            "owner_name": "刘建国",
                        },
                        {
                            "task_id": "5b8d1f9a-2c4e-4f6a-8b0d-1e3f5a7c9b2d",
                            "version": 2,
                            "kind": "long",
                            "due_on": "2027-06-30",
                        },
                    ]
                }
            ]
        },
    )

    tasks: list[TaskFill] = Field(min_length=1, max_length=MAX_ITEMS, title="整改任务")


class TaskRef(BaseModel):
    """A task, with the version the caller read."""

    model_config = ConfigDict(extra="forbid")

    task_id: uuid.UUID = Field(title="整改任务编号")
    version: int = Field(ge=1, title="读取时的版本号")


class Acceptances(BaseModel):
    """Several claimed tasks accepted at once with one opinion (批量验收通过)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "tasks": [
                        {"task_id": "0f6c3c2e-3f0e-4a8a-9c1e-5d1b8e2f7a10", "version": 3},
                        {"task_id": "5b8d1f9a-2c4e-4f6a-8b0d-1e3f5a7c9b2d", "version": 2},
                    ],
                    "comment": "经现场核查，整改措施落实到位，同意销号。",
                }
            ]
        },
    )

    tasks: list[TaskRef] = Field(min_length=1, max_length=MAX_ITEMS, title="整改任务")
    comment: str | None = Field(default=None, max_length=MAX_TEXT, title="验收意见")
