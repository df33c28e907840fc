"""The tag-name grammar (reference §2.1-§2.5), names (§2.3 + git check-ref-format)."""

import pytest

from gitgto import tags as T
from gitgto.errors import GTOError

# reference §2.1: "Names that are not GTO tags (from the tests)", plus the extra ones.
NOT_TAGS = [
    "", "###", "@@@", "model@v1", "nn#prod#-1", "model@v111", "model-prod", "model@0.0.1",
    "model-prod-v1", "model#prod#-1", "model#prod#1-2", "model#prod?#1-2", "model#prod@v1.2.3",
    "model@v1.2.3#prod", "model-prod-v1-stage", "model@prod@v1@stage-1", "namespace/model@0.0.1",
    "@namespace/model@0.0.1", "model#prod#v1#stage#1-", "model#prod-v1-stage@1-2",
    "model#prod-v1-stage@1-2#@", "rf@V1.2.3", "rf@v01.2.3", "rf@latest", "a=b=c@v1.0.0",
    # and some more that must stay out
    "v1.0.0", "random", "rf@greatest", "rf@deprecated!", "rf@created!", "rf#prod#1#2", "rf@v1.2",
    "-rf@v1.0.0", "rf-@v1.0.0", "rf#-prod", "rf@v1.0.0-01", "rf@v1.0.0+", "rf@v1.0.0#",
    # `$` would accept a trailing newline; \d would accept non-ASCII digits
    "rf@v1.0.0\n", "rf#prod\n", "rf@v1.0.1\u0662", "rf#prod#\u0661", "r\u00e9f@v1.0.0",
]

# (tag, kind, artifact, version, stage, counter)
TAGS = [
    ("nn#prod", T.ASSIGNMENT, "nn", None, "prod", None),
    ("nn#prod!", T.UNASSIGNMENT, "nn", None, "prod", None),
    ("nn#prod#1", T.ASSIGNMENT, "nn", None, "prod", 1),
    ("nn@v1.0.0", T.REGISTRATION, "nn", "v1.0.0", None, None),
    ("nn#prod!#2", T.UNASSIGNMENT, "nn", None, "prod", 2),
    ("nn@v1.0.0!", T.DEREGISTRATION, "nn", "v1.0.0", None, None),
    ("nn@v1.0.0#1", T.REGISTRATION, "nn", "v1.0.0", None, 1),
    ("nn@v1.0.0!#1", T.DEREGISTRATION, "nn", "v1.0.0", None, 1),
    ("nn@v1.0.0-rc.2", T.REGISTRATION, "nn", "v1.0.0-rc.2", None, None),
    ("nn@v1.0.0-alpha", T.REGISTRATION, "nn", "v1.0.0-alpha", None, None),
    ("nn@v1.0.0-alpha.1", T.REGISTRATION, "nn", "v1.0.0-alpha.1", None, None),
    ("nn@v1.0.0-alpha.beta", T.REGISTRATION, "nn", "v1.0.0-alpha.beta", None, None),
    ("new-artifact@v1.0.1!", T.DEREGISTRATION, "new-artifact", "v1.0.1", None, None),
    ("rf@v1.2.3-rc.1+b.5", T.REGISTRATION, "rf", "v1.2.3-rc.1+b.5", None, None),
    ("rf#prod#0", T.ASSIGNMENT, "rf", None, "prod", 0),
    ("rf#prod#007", T.ASSIGNMENT, "rf", None, "prod", 7),
    ("rf#Prod", T.ASSIGNMENT, "rf", None, "Prod", None),
    ("rf#pr_od", T.ASSIGNMENT, "rf", None, "pr_od", None),
    ("rf#production#3", T.ASSIGNMENT, "rf", None, "production", 3),
    ("rf@v1.2.3#5", T.REGISTRATION, "rf", "v1.2.3", None, 5),
    ("rf@v1.2.3!#2", T.DEREGISTRATION, "rf", "v1.2.3", None, 2),
    ("rf@deprecated", T.DEPRECATION, "rf", None, None, None),
    ("rf@deprecated#3", T.DEPRECATION, "rf", None, None, 3),
    ("rf@created", T.CREATION, "rf", None, None, None),
    ("dir=rf@v1.0.0", T.REGISTRATION, "dir:rf", "v1.0.0", None, None),
    ("models/churn=model#prod#3", T.ASSIGNMENT, "models/churn:model", None, "prod", 3),
    ("a.b/c_d-e=Model_A@deprecated", T.DEPRECATION, "a.b/c_d-e:Model_A", None, None, None),
    ("namespace/model@v0.0.1", T.REGISTRATION, "namespace/model", "v0.0.1", None, None),
    ("m@v1.0.0", T.REGISTRATION, "m", "v1.0.0", None, None),
    ("1@v1.0.0", T.REGISTRATION, "1", "v1.0.0", None, None),
    # 1.x ambiguity note: a stage may be all digits
    ("rf#1", T.ASSIGNMENT, "rf", None, "1", None),
    ("rf#1#2", T.ASSIGNMENT, "rf", None, "1", 2),
]


@pytest.mark.parametrize("name", NOT_TAGS)
def test_not_a_gto_tag(name):
    assert T.parse_tag(name) is None


@pytest.mark.parametrize("name,kind,artifact,version,stage,counter", TAGS)
def test_parse_tag(name, kind, artifact, version, stage, counter):
    tag = T.parse_tag(name)
    assert tag is not None
    assert (tag.name, tag.kind, tag.artifact, tag.version, tag.stage, tag.counter) == \
        (name, kind, artifact, version, stage, counter)


@pytest.mark.parametrize("name,kind,artifact,version,stage,counter",
                         [t for t in TAGS if t[1] != T.CREATION and not t[0].startswith("rf#prod#007")])
def test_format_is_the_inverse_of_parse(name, kind, artifact, version, stage, counter):
    assert T.format_tag(artifact, kind, version=version, stage=stage, counter=counter) == name


def test_format_tag_forms():
    assert T.format_tag("dir/sub:model", T.REGISTRATION, version="v0.0.1") == "dir/sub=model@v0.0.1"
    assert T.format_tag("rf", T.ASSIGNMENT, stage="prod", counter=4) == "rf#prod#4"
    assert T.format_tag("rf", T.UNASSIGNMENT, stage="prod") == "rf#prod!"
    assert T.format_tag("rf", T.DEPRECATION, counter=2) == "rf@deprecated#2"
    with pytest.raises(ValueError):
        T.format_tag("rf", T.CREATION)


def test_dir_name_round_trip():
    assert T.artifact_in_tag("dir:name") == "dir=name"
    assert T.artifact_in_tag("name") == "name"
    assert T.parse_tag("dir=name@v1.0.0").artifact == "dir:name"
    assert T.parse_tag("a/b.c=x/y#dev!#4").artifact == "a/b.c:x/y"


def test_ref_patterns_are_per_artifact():
    assert T.ref_patterns("rf") == ["refs/tags/rf@*", "refs/tags/rf#*", "refs/tags/rf#*/**"]
    assert T.ref_patterns("dir:rf") == ["refs/tags/dir=rf@*", "refs/tags/dir=rf#*", "refs/tags/dir=rf#*/**"]
    assert T.refspec_patterns("dir:rf") == ["refs/tags/dir=rf@*", "refs/tags/dir=rf#*"]


# -- names (§2.3) -------------------------------------------------------------

VALID_NAMES = ["nn", "m1", "model-prod", "namespace/model", "m", "1", "1nn", "Model", "model_prod",
               "DVCLive/Model", "model_A"]
INVALID_NAMES = ["m/", "/m", "-m", "m-", "_model", "a model", "model@1", "model#1", "@namespace/model",
                 "###", "", "dir:model", "a:b", "m\u00f6del", "m\n", "\nm", "m\u0661", "x.lock", "a.b"]
VALID_FULLNAMES = VALID_NAMES + ["dir:model", "some/folder:some/model", "some/Other_Folder:some/model",
                                 "x.lock:m", "dir.:m", "a./b:m", "-a:m", "a/-b:m", "_:m"]
# the fullname regex allows these, git refuses the tag: git-gto refuses the name (DECISIONS §3)
GIT_REFUSES = ["a//b", "../x:m", ".hidden:m", "a..b:m", "d/x.lock/e:m", "a/.b:m", "a.lock/b:m"]
# ...while these look odd but make tags git accepts (`x.lock=m@v1.0.0`)
GIT_ACCEPTS = ["x.lock:m", "dir.:m", "a./b:m", "-a:m", "a/-b:m", "_:m"]
INVALID_FULLNAMES = [n for n in INVALID_NAMES if ":" not in n] + ["dir:a:b", ":m", "dir:", "d r:m"] + GIT_REFUSES


@pytest.mark.parametrize("name", VALID_NAMES)
def test_valid_name(name):
    assert T.check_name(name) == name


@pytest.mark.parametrize("name", INVALID_NAMES + ["a//b"])
def test_invalid_name(name):
    with pytest.raises(GTOError, match="Invalid value"):
        T.check_name(name)


@pytest.mark.parametrize("name", VALID_FULLNAMES)
def test_valid_artifact(name):
    assert T.check_artifact(name) == name


@pytest.mark.parametrize("name", INVALID_FULLNAMES)
def test_invalid_artifact(name):
    with pytest.raises(GTOError, match="Invalid artifact name"):
        T.check_artifact(name)


@pytest.mark.parametrize("name", VALID_FULLNAMES)
def test_valid_artifact_makes_a_tag_git_accepts(name, tmp_path):
    import subprocess

    tag = T.format_tag(name, T.ASSIGNMENT, stage="prod", counter=1)
    res = subprocess.run(["git", "check-ref-format", "refs/tags/" + tag], capture_output=True)
    assert res.returncode == 0, tag


@pytest.mark.parametrize("name", GIT_REFUSES)
def test_git_really_refuses_those(name):
    import subprocess

    tag = T.format_tag(name, T.REGISTRATION, version="v1.0.0")
    assert subprocess.run(["git", "check-ref-format", "refs/tags/" + tag]).returncode != 0


CANDIDATES = VALID_FULLNAMES + INVALID_FULLNAMES + [
    "a/b/c:d", "a-/b:c", "a:b/c", "a/b:c//d", "a.b.c/d:e", "..:m", ".:m", "a/.:m", "x/y.lock:m"]


@pytest.mark.parametrize("name", CANDIDATES)
def test_check_artifact_agrees_with_regex_and_git(name):
    """Accepted exactly when GTO's fullname regex AND git check-ref-format accept."""
    import re
    import subprocess

    fullname = re.fullmatch(r"(?:[a-zA-Z0-9\-_./]+:)?[a-zA-Z0-9](?:[a-zA-Z0-9\-/_]*[a-zA-Z0-9])?", name, re.ASCII)
    git_ok = "\n" not in name and subprocess.run(
        ["git", "check-ref-format", "refs/tags/" + name.replace(":", "=") + "@v1.0.0"]).returncode == 0
    try:
        T.check_artifact(name)
        accepted = True
    except GTOError:
        accepted = False
    assert accepted == bool(fullname and git_ok)


def test_invalid_name_message_is_one_line():
    with pytest.raises(GTOError) as exc:
        T.check_artifact("bad\nname")
    assert "\n" not in str(exc.value)
    assert "bad\\nname" in str(exc.value)


def test_non_string_names_are_invalid():
    with pytest.raises(GTOError):
        T.check_name(None)
    with pytest.raises(GTOError):
        T.check_artifact(12)


# -- shortcuts (§2.5) ----------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("rf", ("rf", None, None)),
    ("rf@latest", ("rf", "latest", None)),
    ("rf@greatest", ("rf", "latest", None)),
    ("rf@v1.2.3", ("rf", "v1.2.3", None)),
    ("rf@v1.0.0-rc.1+b.2", ("rf", "v1.0.0-rc.1+b.2", None)),
    ("rf#prod", ("rf", None, "prod")),
    ("dir:rf#prod", ("dir:rf", None, "prod")),
    ("dir/sub:rf@latest", ("dir/sub:rf", "latest", None)),
    # not shortcuts: the whole value is the name (and then fails validation)
    ("rf@v1", ("rf@v1", None, None)),
    ("rf#prod#1", ("rf#prod#1", None, None)),
    ("rf@deprecated", ("rf@deprecated", None, None)),
    ("dir=rf@v1.0.0", ("dir=rf@v1.0.0", None, None)),
])
def test_parse_shortcut(value, expected):
    assert T.parse_shortcut(value) == expected


def test_name_length_cap():
    # git stores refs as files: names are capped well under NAME_MAX
    assert T.check_artifact("a" * T.MAX_LENGTH)
    assert T.check_name("a" * T.MAX_LENGTH)
    with pytest.raises(GTOError, match="at most 200"):
        T.check_artifact("a" * (T.MAX_LENGTH + 1))
    with pytest.raises(GTOError, match="at most 200"):
        T.check_name("a" * (T.MAX_LENGTH + 1))
