"""Jurisdiction hierarchy is explicit data, never a code prefix (``covers``)."""

from __future__ import annotations

from xuncha_shared.auth import JurisdictionHierarchy, Principal, Role, covers


def office(jurisdiction: str) -> Principal:
    return Principal(
        subject=f"office-{jurisdiction}",
        name="巡察办",
        roles=frozenset({Role.office}),
        org_id=None,
        jurisdiction=jurisdiction,
        is_service_account=False,
    )


def test_a_code_prefix_covers_nothing() -> None:
    none = JurisdictionHierarchy()
    assert covers(office("4101"), "4101", none)
    for lookalike in ("41011", "410199", "410102"):
        assert not covers(office("4101"), lookalike, none), lookalike


def test_a_registered_child_is_covered_by_its_parent_only() -> None:
    tree = JurisdictionHierarchy({"410199": "4101", "410825": "4108", "4108": "41"})
    assert covers(office("4101"), "410199", tree)
    assert not covers(office("4101"), "41011", tree)  # not registered, whatever its digits
    assert not covers(office("410199"), "4101", tree)  # a child never covers its parent
    assert not covers(office("4108"), "410199", tree)  # another city's child
    assert not covers(office("41"), "410825", tree)  # one level: no grandchildren
    assert tree.is_registered_child("410825", "4108")
    assert not tree.is_registered_child("4108", "4108")
