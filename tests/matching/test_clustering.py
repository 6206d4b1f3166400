"""Groups from scored pairs: copies of a paper join; unlike works do not chain."""

from curator.matching.clustering import cluster


def test_a_paper_cited_many_times_is_one_group_though_each_copy_met_only_neighbours() -> None:
    chain = [(i, i + 1, 6.0) for i in range(1, 50)]
    group = cluster(chain, chain)
    assert len(set(group.values())) == 1 and len(group) == 50


def test_a_weak_bridge_does_not_chain_two_papers() -> None:
    """Two tight groups and one strong-looking pair between them, while the other pairs
    compared across say they differ: the groups stay apart."""
    inside = [(1, 2, 8.0), (1, 3, 8.0), (2, 3, 8.0), (4, 5, 8.0), (4, 6, 8.0), (5, 6, 8.0)]
    bridge = (3, 4, 1.5)
    across = [(1, 4, -3.0), (2, 5, -3.0), (3, 5, -2.0)]
    group = cluster([*inside, bridge], [*inside, bridge, *across])
    assert group[1] == group[2] == group[3] != group[4] == group[5] == group[6]


def test_a_veto_between_two_groups_keeps_them_apart() -> None:
    links = [(1, 2, 8.0), (2, 3, 8.0)]
    vetoed = (1, 3, -9.0)  # e.g. other pages: a second publication
    group = cluster(links, [*links, vetoed])
    assert group.get(1) is None or group.get(1) != group.get(3)
    assert len(set(group.values())) == 1 and len(group) == 2  # 2 joined one of them, no more
