"""EmailAddress is EmailStr checked once per distinct address: the same values, the same
errors, the same schema."""

from typing import Any

import pytest
from pydantic import BaseModel, EmailStr, ValidationError
from xuncha_shared.email_addresses import EmailAddress, validated_email


class Before(BaseModel):
    email: EmailStr | None = None


class After(BaseModel):
    email: EmailAddress | None = None


ADDRESSES = [
    "zhang.san@wenxian.gov.cn",
    "Zhang.San@WENXIAN.GOV.CN",
    "张三@温县.中国",
    "li-si+tag@example.com",
    None,
]
REFUSED: list[Any] = ["", "not-an-email", "a@b", "a@@example.com", "张三@", "x" * 300 + "@e.cn", 3]


@pytest.mark.parametrize("address", ADDRESSES)
def test_email_address_gives_what_email_str_gives(address: str | None) -> None:
    for _ in range(2):  # the second time from the cache
        assert After(email=address).email == Before(email=address).email


@pytest.mark.parametrize("address", REFUSED)
def test_email_address_refuses_what_email_str_refuses_every_time(address: Any) -> None:
    with pytest.raises(ValidationError) as before:
        Before.model_validate({"email": address})
    hits = validated_email.cache_info().currsize
    for _ in range(2):
        with pytest.raises(ValidationError) as after:
            After.model_validate({"email": address})
        assert after.value.errors(include_url=False) == before.value.errors(include_url=False)
    assert validated_email.cache_info().currsize == hits


def test_email_address_schema_is_email_strs() -> None:
    assert After.model_json_schema()["properties"] == Before.model_json_schema()["properties"]
