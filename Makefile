# git-gto: development, man pages and installation.
#
#   make venv | test | demo | man | bench | wheel | install | uninstall | clean
#
# install/uninstall honour DESTDIR and PREFIX, BINDIR, LIBDIR, MANDIR,
# BASHCOMPDIR, ZSHCOMPDIR, FISHCOMPDIR and PYTHON: the interpreter written
# into the installed launcher's shebang. It must have the four runtime
# dependencies (sh, PyYAML, semantic-version, prettytable); install checks
# that unless CHECK_DEPS=no (e.g. when packaging for another machine).

SHELL := /bin/sh
, := ,

# ---- development -----------------------------------------------------------
PY3 ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Build and test tools; the runtime dependencies come from setup.cfg.
TOOLS := argparse-manpage pytest pytest-xdist wheel
STAMP := $(VENV)/.installed

.PHONY: all venv test demo man bench wheel install uninstall clean

all: test

# Re-run only when setup.cfg (its install_requires) or this file changes.
$(STAMP): setup.cfg Makefile
	test -x $(PY) || $(PY3) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q \
	    $$($(PY) -c 'import configparser; c = configparser.ConfigParser(); c.read("setup.cfg"); print(" ".join(c["options"]["install_requires"].split()))') \
	    $(TOOLS)
	touch $@

venv: $(STAMP)

test: venv
	$(PY) -m pytest tests -q -n auto

demo: venv
	PATH="$(CURDIR)/bin:$(CURDIR)/$(VENV)/bin:$$PATH" sh tests/demo.sh

# SOURCE_DATE_EPOCH (optional) sets the pages' date; see gitgto/manpages.py.
man: venv
	$(PY) -m gitgto.manpages man/man1

# XL=1 adds a registry of about a million tags (generated once, minutes).
bench: venv
	$(PY) benchmarks/run.py $(if $(XL),--sizes small$(,)large$(,)xl)
	$(PY) benchmarks/verify.py

# A wheel for pip (`pip install .` works too: pyproject.toml names setuptools).
wheel: venv
	rm -rf build
	$(PY) -c 'import setuptools; setuptools.setup()' -q bdist_wheel -d dist
	rm -rf build

# ---- installation ----------------------------------------------------------
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib/git-gto
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
PYTHON ?= python3
CHECK_DEPS ?= yes

# The same lists drive install and uninstall.
LINKS := $(notdir $(wildcard bin/git-gto-*))
PKG_FILES := $(wildcard gitgto/*.py gitgto/commands/*.py) gitgto/page.html
MAN_PAGES := $(notdir $(wildcard man/man1/*.1))
BASH_COMP := completions/git-gto
ZSH_COMP := completions/_git-gto
FISH_COMP := completions/git-gto.fish
# Directories install created (without DESTDIR), removed by uninstall if empty.
DIRS_FILE := $(LIBDIR)/.installed-dirs

# `command -v` finds PYTHON; the shebang gets its sys.executable (a venv's
# python stays the venv's, a pyenv shim becomes the real interpreter).
PYTHON_PATH = $(shell p=$$(command -v $(PYTHON)) && "$$p" -c 'import sys; print(sys.executable)')

install:
	@test -n "$(PYTHON_PATH)" || { echo "install: PYTHON=$(PYTHON) not found" >&2; exit 1; }
	@test "$(CHECK_DEPS)" = no || "$(PYTHON_PATH)" -c 'import sys; from gitgto.cli import missing_packages; \
	    m = missing_packages(None); m and sys.exit("install: $(PYTHON_PATH) lacks " + ", ".join(m) + \
	    ": $(PYTHON_PATH) -m pip install " + " ".join(m) + " (or set PYTHON=, or CHECK_DEPS=no)")' || exit 1
	@for f in $(BASH_COMP) $(ZSH_COMP) $(FISH_COMP); do \
	    test -f $$f || { echo "install: $$f is missing" >&2; exit 1; }; done
	@set -e; created=; \
	for d in "$(BINDIR)" "$(LIBDIR)/gitgto/commands" "$(MANDIR)/man1" \
	         "$(BASHCOMPDIR)" "$(ZSHCOMPDIR)" "$(FISHCOMPDIR)"; do \
	    todo=; p="$$d"; \
	    case "$$p" in /*) ;; *) echo "install: $$p is not an absolute path" >&2; exit 1;; esac; \
	    while [ "$$p" != / ] && [ ! -d "$(DESTDIR)$$p" ]; do todo="$$p $$todo"; p=$$(dirname "$$p"); done; \
	    for p in $$todo; do mkdir -p "$(DESTDIR)$$p"; created="$$created$$p\n"; done; \
	done; \
	printf '%b' "$$created" >> "$(DESTDIR)$(DIRS_FILE)"
	sed -e '1s|^#!.*|#!$(PYTHON_PATH)|' -e 's|^_LIBDIR = None$$|_LIBDIR = "$(LIBDIR)"|' \
	    bin/git-gto > "$(DESTDIR)$(BINDIR)/git-gto.tmp"
	chmod 755 "$(DESTDIR)$(BINDIR)/git-gto.tmp"
	mv -f "$(DESTDIR)$(BINDIR)/git-gto.tmp" "$(DESTDIR)$(BINDIR)/git-gto"
	for l in $(LINKS); do ln -sfn git-gto "$(DESTDIR)$(BINDIR)/$$l"; done
	install -m 644 $(filter gitgto/%,$(filter-out gitgto/commands/%,$(PKG_FILES))) "$(DESTDIR)$(LIBDIR)/gitgto/"
	install -m 644 $(filter gitgto/commands/%,$(PKG_FILES)) "$(DESTDIR)$(LIBDIR)/gitgto/commands/"
	install -m 644 $(addprefix man/man1/,$(MAN_PAGES)) "$(DESTDIR)$(MANDIR)/man1/"
	install -m 644 $(BASH_COMP) "$(DESTDIR)$(BASHCOMPDIR)/git-gto"
	install -m 644 $(ZSH_COMP) "$(DESTDIR)$(ZSHCOMPDIR)/_git-gto"
	install -m 644 $(FISH_COMP) "$(DESTDIR)$(FISHCOMPDIR)/git-gto.fish"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/git-gto" $(addprefix "$(DESTDIR)$(BINDIR)/,$(addsuffix ",$(LINKS)))
	rm -f $(addprefix "$(DESTDIR)$(LIBDIR)/,$(addsuffix ",$(PKG_FILES)))
	rm -rf "$(DESTDIR)$(LIBDIR)/gitgto/__pycache__" "$(DESTDIR)$(LIBDIR)/gitgto/commands/__pycache__"
	rm -f $(addprefix "$(DESTDIR)$(MANDIR)/man1/,$(addsuffix ",$(MAN_PAGES)))
	rm -f "$(DESTDIR)$(BASHCOMPDIR)/git-gto" "$(DESTDIR)$(ZSHCOMPDIR)/_git-gto" "$(DESTDIR)$(FISHCOMPDIR)/git-gto.fish"
	@if [ -f "$(DESTDIR)$(DIRS_FILE)" ]; then \
	    dirs=$$(sort -r "$(DESTDIR)$(DIRS_FILE)"); rm -f "$(DESTDIR)$(DIRS_FILE)"; \
	    for d in $$dirs; do rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done; \
	fi
	@for d in "$(DESTDIR)$(LIBDIR)/gitgto/commands" "$(DESTDIR)$(LIBDIR)/gitgto" "$(DESTDIR)$(LIBDIR)"; do \
	    rmdir "$$d" 2>/dev/null || true; done

clean:
	rm -rf build dist *.egg-info .pytest_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -prune -exec rm -rf {} +
