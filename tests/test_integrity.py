"""Every command that gets installed (bin/git-gto-<cmd>) comes with its man
page, its bash, zsh and fish completion, a README mention, and an entry in
setup.cfg; adding a command without them fails here."""

import configparser
import re

import pytest

from pkgenv import BIN, COMPLETIONS, MAN, ROOT, commands

README = ROOT / "README.md"


def _word(command):
    return re.compile(r"(?<![\w-])" + re.escape(command) + r"(?![\w-])")


def test_there_are_commands():
    assert len(commands()) >= 14, commands()  # the read and write commands of DECISIONS.md §2


@pytest.mark.parametrize("command", commands())
def test_man_page(command):
    assert (MAN / f"git-gto-{command}.1").is_file()


@pytest.mark.parametrize("shell", sorted(COMPLETIONS))
@pytest.mark.parametrize("command", commands())
def test_completion_entry(shell, command):
    path = COMPLETIONS[shell]
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} is not on this branch yet (branch 'completion')")
    assert _word(command).search(path.read_text()), f"{command} missing from {path.name}"


@pytest.mark.parametrize("command", commands())
def test_readme_mentions(command):
    if not README.exists():
        pytest.skip("README.md is not written yet")
    text = README.read_text()
    heading = re.compile(r"^#+ .*" + _word(command).pattern, re.M)
    assert f"git gto {command}" in text or heading.search(text), \
        f"README.md has neither a heading nor a line with `git gto {command}`"


def _cfg():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return cfg


def test_setup_cfg_scripts_are_bin():
    scripts = _cfg()["options"]["scripts"].split()
    assert sorted(scripts) == sorted(f"bin/{p.name}" for p in BIN.iterdir())


def test_setup_cfg_data_files():
    data = _cfg()["options.data_files"]
    assert sorted(data["share/man/man1"].split()) == sorted(f"man/man1/{p.name}" for p in MAN.glob("*.1"))
    assert data["share/bash-completion/completions"].split() == ["completions/git-gto"]
    assert data["share/zsh/site-functions"].split() == ["completions/_git-gto"]
    assert data["share/fish/vendor_completions.d"].split() == ["completions/git-gto.fish"]


def test_setup_cfg_requirements():
    cfg = _cfg()
    # the four dependencies, and a cap on prettytable's own (start-up time)
    assert sorted(cfg["options"]["install_requires"].split()) == \
        sorted(["sh>=1.14.3,<2", "PyYAML", "semantic-version", "prettytable", "wcwidth<0.4"])
    assert cfg["options"]["python_requires"] == ">=3.9"
    # pyproject.toml only names the build backend: the metadata has one home.
    assert not (ROOT / "setup.py").exists()
    assert "[project]" not in (ROOT / "pyproject.toml").read_text()
