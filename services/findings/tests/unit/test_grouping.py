"""Common-problem grouping: normalisation, bigram similarity, single linkage, min orgs."""

from __future__ import annotations

import uuid

from findings.commonality.grouping import Item, bigrams, group, normalise

ORGS = [uuid.uuid4() for _ in range(4)]


def item(org: int, category: str, text: str) -> Item:
    return Item(uuid.uuid4(), ORGS[org], category, category, text)


def test_normalise_and_bigrams() -> None:
    assert normalise("（一）村集体 资产，底数不清！ABC１２") == "一村集体资产底数不清abc12"
    assert bigrams("资产底数") == "资产 产底 底数"
    assert bigrams("村") == "村"


def test_groups_need_similar_text_same_category_and_two_orgs() -> None:
    items = [
        item(0, "village_assets", "村集体资产底数不清，台账不全"),
        item(1, "village_assets", "集体资产底数不清"),
        item(2, "village_assets", "村集体资产底数不清、账实不符。"),
        item(3, "village_assets", "村务公开不及时"),
        item(3, "four_winds", "集体资产底数不清"),  # same words, other category
        item(0, "ideology", "意识形态工作责任制落实不到位"),
        item(0, "ideology", "意识形态工作责任制落实不到位"),  # same org only
    ]
    clusters = group(items, threshold=60)
    assert [(c.category, len(c.items), len(c.org_ids)) for c in clusters] == [
        ("village_assets", 3, 3)
    ]
    # A short description contained in longer ones scores 100 (token_set_ratio); two that
    # only overlap fall apart under a strict threshold.
    pair = [items[0], items[2]]
    assert len(group(pair, threshold=60)) == 1
    assert group(pair, threshold=95) == []


def test_single_linkage_chains() -> None:
    items = [
        item(0, "x", "违规发放津贴补贴"),
        item(1, "x", "违规发放津补贴"),
        item(2, "x", "违规发放补贴奖金"),
    ]
    (cluster,) = group(items, threshold=60)
    assert len(cluster.org_ids) == 3
