"""Version names and SemVer precedence (reference §3, DECISIONS §4)."""

import random

import pytest

from gitgto import versions as V
from gitgto.errors import GTOError


@pytest.mark.parametrize("name", ["v0.1.2", "v3.4.5-pre.2+build.4", "v3.4.5-pre.2-build.4", "v1.0.0-rc.1",
                                  "v1.0.0+build.7", "v10.20.30", "v0.0.0", "v1.0.0-0", "v1.0.0-alpha.beta.1"])
def test_valid_versions(name):
    assert V.is_version(name)
    assert V.check_version(name) == name


@pytest.mark.parametrize("name", ["1", "v1", "v1.2", "0.1.2", "3.4.5-pre.2+build.4", "V1.0.0", "v01.2.3",
                                  "v1.02.3", "v1.0.0-01", "v1.0.0-", "v1.0.0+", "v1.0.0\n", "v1.0.1\u0662",
                                  "", None, 1, "latest", "vv1.0.0", " v1.0.0"])
def test_invalid_versions(name):
    assert not V.is_version(name)
    with pytest.raises(GTOError, match="is not valid. Example of valid version: 'v1.0.0'"):
        V.check_version(name)


def test_release_beats_its_pre_releases():
    assert V.precedence("v1.0.0") > V.precedence("v1.0.0-rc.2")
    assert V.precedence("v1.0.0-rc.2") > V.precedence("v1.0.0-rc.1")
    assert V.precedence("v1.0.0-rc.10") > V.precedence("v1.0.0-rc.9")  # numeric identifiers
    assert V.precedence("v1.0.0-beta") > V.precedence("v1.0.0-alpha.1")
    assert V.precedence("v1.0.0-alpha.1") > V.precedence("v1.0.0-alpha")
    assert V.precedence("v1.3.3") > V.precedence("v1.3.2")
    assert V.precedence("v2.0.0") > V.precedence("v1.3.4")
    assert V.precedence("v1.10.0") > V.precedence("v1.9.0")


def test_precedence_follows_the_semver_spec_example():
    # SemVer 2.0.0 §11, in ascending order
    order = ["v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta", "v1.0.0-beta.2",
             "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0"]
    shuffled = order[:]
    random.Random(3).shuffle(shuffled)
    assert sorted(shuffled, key=V.precedence) == order


def test_precedence_orders_like_semantic_version():
    """The pure key against semantic-version (the oracle) on random versions
    built from few parts, so that ties, prefixes and mixed identifiers recur."""
    import functools

    import semantic_version

    rng = random.Random(12)
    idents = ["0", "1", "2", "10", "a", "b", "alpha", "1a", "-", "a-1", "beta"]

    def version():
        name = "v" + ".".join(rng.choice("0129") for _ in range(3))
        if rng.random() < 0.7:
            name += "-" + ".".join(rng.choice(idents) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.2:
            name += "+b." + rng.choice(idents)
        return name

    names = [version() for _ in range(400)]
    assert all(V.is_version(n) for n in names)
    for a, b in zip(names, names[1:] + names[:1]):
        ours = (V.precedence(a) > V.precedence(b)) - (V.precedence(a) < V.precedence(b))
        theirs = semantic_version.compare(a[1:].partition("+")[0], b[1:].partition("+")[0])
        assert ours == theirs, (a, b)
    by_ours = sorted(names, key=V.precedence)
    by_oracle = sorted(names, key=functools.cmp_to_key(
        lambda a, b: semantic_version.compare(a[1:].partition("+")[0], b[1:].partition("+")[0])))
    assert [V.precedence(n) for n in by_ours] == [V.precedence(n) for n in by_oracle]


def test_build_metadata_is_ignored_for_precedence():
    assert V.precedence("v1.0.0+build.7") == V.precedence("v1.0.0")
    assert V.precedence("v1.0.0+build.7") > V.precedence("v1.0.0-rc.1")


def test_observed_show_order():
    order = ["v2.0.0", "v1.0.1", "v1.0.0+build.7", "v1.0.0-rc.1", "v0.5.0"]
    shuffled = order[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=V.sort_key, reverse=True) == order


def test_unnamed_versions_sort_after_every_semver_lexically():
    a, b = "a" * 40, "0" * 39 + "1"
    names = [a, "v0.0.1", b, "v1.0.0"]
    assert sorted(names, key=V.sort_key, reverse=True) == ["v1.0.0", "v0.0.1", a, b]


@pytest.mark.parametrize("name,part,expected", [
    ("v1.3.4", "patch", "v1.3.5"), ("v1.3.4", "minor", "v1.4.0"), ("v1.3.4", "major", "v2.0.0"),
    ("v1.0.0-rc.1", "patch", "v1.0.1"), ("v1.0.0+build.7", "patch", "v1.0.1"),
    ("v1.2.3-rc.1+b.5", "minor", "v1.3.0"), ("v1.2.3-rc.1", "major", "v2.0.0"),
    ("v0.0.1", "patch", "v0.0.2"), ("v0.9.9", "minor", "v0.10.0"),
])
def test_bump(name, part, expected):
    assert V.bump(name, part) == expected


def test_first_version():
    assert V.FIRST_VERSION == "v0.0.1"
