"""The second hour (issue 17): what a user still trips over after the tour.
Every case runs the real `git gto` in a hermetic repository."""

import json

import pytest

# -- a name listed twice in a config list ---------------------------------------------


@pytest.fixture
def duplicated(make_repo):
    r = make_repo("dup")
    r.commit("one", {"model.pkl": "1", ".gto": "stages: [dev, dev, prod]\ntypes: [model, model]\n"})
    r.tag("m@v1.0.0")
    r.tag("m#dev#1")
    return r


DUP_STAGE = "warning: config file '{}' lists 'dev' in 'stages' 2 times; using it once"
DUP_TYPE = "warning: config file '{}' lists 'model' in 'types' 2 times; using it once"


@pytest.mark.parametrize("args", [["show"], ["show", "--plain"], ["show", "--json"], ["show", "m"], ["stages"]])
def test_a_stage_listed_twice_is_used_once_with_a_warning(duplicated, args):
    res = duplicated.gto(*args)  # never "Unexpected error"
    gto_file = duplicated.path / ".gto"
    assert res.err_lines == [DUP_TYPE.format(gto_file), DUP_STAGE.format(gto_file)], res
    if args == ["show", "--plain"]:
        assert res.lines == ["name\tlatest\t#dev\t#prod", "m\tv1.0.0\tv1.0.0\t-"]
    if args == ["stages"]:
        assert res.lines == ["dev", "prod"]


def test_gto_stages_listed_twice_is_used_once(duplicated):
    duplicated.write(".gto", "")
    res = duplicated.gto("show", "--plain", env={"GTO_STAGES": '["dev", "prod", "prod"]'})
    assert res.lines[0] == "name\tlatest\t#dev\t#prod"
    assert res.err_lines == ["warning: environment variable GTO_STAGES lists 'prod' in 'stages' 2 times; "
                             "using it once"]


def test_a_duplicated_type_still_checks_types(duplicated):
    duplicated.gto("annotate", "m", "--type", "model")
    res = duplicated.gto("annotate", "m", "--type", "data", expect=1)
    assert "Allowed types are: model (from .gto)" in res.err
