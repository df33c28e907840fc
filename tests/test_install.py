"""`make install` / `make uninstall` (DESTDIR, PREFIX, LIBDIR, PYTHON) and a
pip install of the wheel that setuptools builds from setup.cfg alone."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from pkgenv import BIN, COMPLETIONS, GIT, MAN, MAN_PROGRAM, ROOT, commands, env, init_repo, run

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")

missing_completions = [str(p.relative_to(ROOT)) for p in COMPLETIONS.values() if not p.exists()]
needs_completions = pytest.mark.skipif(
    bool(missing_completions), reason=f"not on this branch yet (branch 'completion'): {missing_completions}")


def package_files():
    """The package: its modules and the data files it reads (the page template)."""
    files = list((ROOT / "gitgto").rglob("*.py")) + [ROOT / "gitgto" / "page.html"]
    return sorted(str(p.relative_to(ROOT)) for p in files)


def expected_files(prefix="/usr", libdir="/usr/lib/git-gto"):
    files = {f"{prefix}/bin/git-gto"}
    files |= {f"{prefix}/bin/git-gto-{c}" for c in commands()}
    files |= {f"{libdir}/{p}" for p in package_files()}
    files.add(f"{libdir}/.installed-dirs")
    files.add(f"{prefix}/share/man/man1/git-gto.1")
    files |= {f"{prefix}/share/man/man1/git-gto-{c}.1" for c in commands()}
    files.add(f"{prefix}/share/bash-completion/completions/git-gto")
    files.add(f"{prefix}/share/zsh/site-functions/_git-gto")
    files.add(f"{prefix}/share/fish/vendor_completions.d/git-gto.fish")
    return files


def tree(root):
    """Every file and symlink under root, as absolute paths without root."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            found.add("/" + os.path.relpath(os.path.join(dirpath, name), root))
    return found


def make(target, e, **variables):
    return run([MAKE, "-s", "-C", str(ROOT), target] + [f"{k}={v}" for k, v in variables.items()], e)


def restricted_path(*dirs):
    return os.pathsep.join(dict.fromkeys(str(d) for d in dirs))


@needs_completions
def test_install_uninstall_destdir(tmp_path):
    e = env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    dest = tmp_path / "dest"
    # A directory and a file that were there before must survive uninstall.
    (dest / "usr" / "share" / "man" / "man1").mkdir(parents=True)
    (dest / "usr" / "share" / "man" / "man1" / "other.1").write_text(".TH OTHER 1\n")
    make("install", e, DESTDIR=dest, PREFIX="/usr", PYTHON=sys.executable)

    assert tree(dest) == expected_files() | {"/usr/share/man/man1/other.1"}
    launcher = dest / "usr/bin/git-gto"
    assert launcher.read_text().splitlines()[0] == "#!" + sys.executable
    assert os.access(launcher, os.X_OK) and not launcher.is_symlink()
    for c in commands():
        assert os.readlink(dest / f"usr/bin/git-gto-{c}") == "git-gto"
    for p in package_files():
        assert (dest / "usr/lib/git-gto" / p).read_bytes() == (ROOT / p).read_bytes()
    for page in MAN.glob("*.1"):
        assert (dest / "usr/share/man/man1" / page.name).read_bytes() == page.read_bytes()

    # Runs from the staging tree with only git and the interpreter besides.
    path = restricted_path(dest / "usr/bin", Path(GIT).parent, Path(sys.executable).parent)
    e_run = env(tmp_path / "home", path=path)
    repo = init_repo(tmp_path / "repo", e_run)
    out = run([GIT, "gto", "show"], e_run, cwd=repo)
    assert "Nothing found" in out.stdout + out.stderr
    assert run([GIT, "gto", "--version"], e_run, cwd=repo).stdout.startswith("git-gto version ")
    assert run([GIT, "gto", "history", "--plain"], e_run, cwd=repo).returncode == 0
    assert run(["git-gto-stages"], e_run, cwd=repo).returncode == 0
    run([GIT, "gto", "page", "-o", str(tmp_path / "site")], e_run, cwd=repo)  # reads its installed template
    assert (tmp_path / "site" / "index.html").read_text().startswith("<!doctype html>")

    if MAN_PROGRAM:
        e_man = dict(e_run, MANPATH=str(dest / "usr/share/man"))
        for name in ["git-gto"] + [f"git-gto-{c}" for c in commands()]:
            where = run([MAN_PROGRAM, "-w", name], e_man).stdout.strip()
            assert where == str(dest / "usr/share/man/man1" / f"{name}.1")

    make("uninstall", e, DESTDIR=dest, PREFIX="/usr")
    assert tree(dest) == {"/usr/share/man/man1/other.1"}
    left = sorted(str(p.relative_to(dest)) for p in dest.rglob("*"))
    assert left == ["usr", "usr/share", "usr/share/man", "usr/share/man/man1", "usr/share/man/man1/other.1"]


@needs_completions
def test_install_with_separate_libdir(tmp_path):
    """LIBDIR away from BINDIR/../lib: the launcher is told where it is."""
    e = env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    prefix, libdir = tmp_path / "prefix", tmp_path / "elsewhere" / "gto-lib"
    make("install", e, PREFIX=prefix, LIBDIR=libdir, PYTHON=sys.executable)
    assert {"/prefix" + f for f in tree(prefix)} | {"/elsewhere" + f for f in tree(tmp_path / "elsewhere")} == {
        p.replace(str(tmp_path), "") for p in expected_files(str(prefix), str(libdir))}
    path = restricted_path(prefix / "bin", Path(GIT).parent, Path(sys.executable).parent)
    e_run = env(tmp_path / "home", path=path)
    repo = init_repo(tmp_path / "repo", e_run)
    assert run([GIT, "gto", "show"], e_run, cwd=repo).returncode == 0
    make("uninstall", e, PREFIX=prefix, LIBDIR=libdir)
    assert not (tmp_path / "prefix").exists() and not (tmp_path / "elsewhere").exists()


def test_install_refuses_python_without_deps(tmp_path):
    e = env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    venv = tmp_path / "bare"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], e)
    proc = subprocess.run([MAKE, "-s", "-C", str(ROOT), "install", f"DESTDIR={tmp_path / 'dest'}",
                           f"PYTHON={venv / 'bin' / 'python'}"], env=e, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "lacks sh, PyYAML, semantic-version, prettytable: " in proc.stderr  # all at once (issue 17)
    assert "-m pip install sh PyYAML semantic-version prettytable" in proc.stderr
    assert not (tmp_path / "dest" / "usr").exists()


def _has_bdist_wheel():
    from importlib.util import find_spec

    # setuptools >= 70.1 has bdist_wheel itself; older ones need the wheel package.
    return bool(find_spec("wheel") or find_spec("setuptools.command.bdist_wheel"))


@needs_completions
@pytest.mark.skipif(not _has_bdist_wheel(), reason="needs the 'wheel' package (make venv installs it)")
def test_pip_install(tmp_path):
    """`pip install .` (setuptools reading setup.cfg) gives every git-gto
    executable, the man pages and the completions."""
    e = env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "benchmarks"))
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], e)
    vpy = venv / "bin" / "python"
    # The dependencies come from the running interpreter: no download.
    purelib = run([str(vpy), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], e).stdout.strip()
    Path(purelib, "deps-from-test.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # --no-build-isolation: build with this interpreter's setuptools and wheel (no download).
    run([str(vpy), "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-build-isolation", str(src)],
        e, cwd=tmp_path)

    for name in ["git-gto"] + [f"git-gto-{c}" for c in commands()]:
        assert os.access(venv / "bin" / name, os.X_OK), name
    share = venv / "share"
    assert (share / "man/man1/git-gto.1").is_file()
    assert sorted(p.name for p in (share / "man/man1").iterdir()) == sorted(p.name for p in MAN.glob("*.1"))
    assert (share / "bash-completion/completions/git-gto").is_file()
    assert (share / "zsh/site-functions/_git-gto").is_file()
    assert (share / "fish/vendor_completions.d/git-gto.fish").is_file()

    path = restricted_path(venv / "bin", Path(GIT).parent)
    e_run = env(tmp_path / "home", path=path)
    out = run([GIT, "gto", "--version"], e_run, cwd=tmp_path).stdout
    assert out.startswith("git-gto version ")
    repo = init_repo(tmp_path / "repo", e_run)
    assert run([GIT, "gto", "show"], e_run, cwd=repo).returncode == 0
    assert run([str(venv / "bin" / "git-gto-show"), "--plain"], e_run, cwd=repo).returncode == 0
    assert Path(purelib, "gitgto", "page.html").is_file()  # package_data
    run([GIT, "gto", "page", "-o", str(tmp_path / "site")], e_run, cwd=repo)
    assert (tmp_path / "site" / "index.html").is_file()
    # It really is the installed package, not the checkout.
    where = run([str(vpy), "-c", "import gitgto; print(gitgto.__file__)"], e_run, cwd=tmp_path).stdout
    assert where.startswith(purelib)
