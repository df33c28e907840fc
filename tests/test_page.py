"""`git gto page`: the registry as a static site. Pure tests of the renderer
(gitgto/page.py), tests of the HTML that `git gto page` writes (parsed with
html.parser), and tests in a real browser: headless Chromium (Debian's
`chromium`) loads the page from disk, runs its script, and the DOM it dumps
is checked; it also takes a screenshot (kept in GTO_SCREENSHOT_DIR when set,
e.g. tests/screenshots for the README)."""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gitgto import page

CHROMIUM = next((shutil.which(n) for n in ("chromium", "google-chrome") if shutil.which(n)), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no headless Chromium: apt-get install chromium (.ci/run installs it)")
EVIL = "<script>alert('x')</script>"


# -- the renderer, pure ------------------------------------------------------------


def test_template_escapes_values_and_keeps_markup():
    t = page.Template("<!-- fragment: a -->\n<p title='{{v}}'>{{v}}{{x_html}}</p>\n")
    assert t("a", v="<b>&'\"", x_html="<i>ok</i>") == "<p title='&lt;b&gt;&amp;&#x27;&quot;'>&lt;b&gt;&amp;&#x27;&quot;<i>ok</i></p>"
    assert t("a", v=None, x_html="") == "<p title=''></p>"


def test_every_fragment_of_the_template_is_used_by_name():
    names = set(page.template().fragments)
    source = Path(page.__file__).read_text()
    for name in names:
        assert f'"{name}"' in source, name


def entry(kind, ts, artifact="m", version="v1.0.0", stage=None, ref=None, **extra):
    iso = f"2024-01-0{ts}T10:00:00+02:00"
    e = {"timestamp": iso, "artifact": artifact, "event": kind, "priority": 0, "version": version, "stage": stage,
         "commit": "a" * 40, "author": "Ann", "author_email": "ann@example.com", "message": "msg",
         "ref": ref or f"{artifact}@{version}#{ts}"}
    e.update(extra)
    return [[ts, ts, e["ref"]], e]


def version(name="v1.0.0", **extra):
    v = {"artifact": "m", "commit_hexsha": "b" * 40, "version": name, "stages": [{"stage": "prod"}],
         "is_active": True, "created_at": "2024-01-01T10:00:00+02:00", "author": "Ann", "ref": f"m@{name}"}
    v.update(extra)
    return v


BOARD = {"latest": "v1.0.0", "registered": True, "active": True, "holders": {"prod": ["v1.0.0"]}, "stages": ["prod"]}


def test_facts_are_rendered_escaped_when_present():
    """`meta` and `description` (version facts, branch `meta`) on versions and events."""
    facts = {"meta": {"owner": "<b>me</b>", "auc": "0.9"}, "description": EVIL}
    history = [entry("registration", 1, **facts)]
    parts = page.artifact_parts("m", BOARD, [version(**facts)], history)
    html = parts["section"] + "".join(row for _, row in parts["rows"])
    assert "<script>" not in html and "<b>me</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<b>owner</b>=&lt;b&gt;me&lt;/b&gt;" in html
    assert html.index("<b>auc</b>") < html.index("<b>owner</b>")  # keys in order
    plain = page.artifact_parts("m", BOARD, [version()], [entry("registration", 1)])
    assert "class='fact'" not in plain["section"] + plain["rows"][0][1]


def test_timeline_spans_follow_the_holders_of_each_stage():
    history = [e for _, e in [entry("assignment", 1, stage="prod"), entry("assignment", 2, version="v2.0.0",
               stage="prod"), entry("assignment", 3, stage="dev"), entry("unassignment", 4, stage="dev"),
               entry("assignment", 5, version="v2.0.0", stage="dev"), entry("deprecation", 6, version=None)]]
    spans = page.timeline_spans(list(reversed(history)))  # newest first, as history gives them
    day = 86400
    first = page._seconds(history[0]["timestamp"])
    rel = {s: [(a - first, b - first if b is not None else None, v, why) for a, b, v, why in lst]
           for s, lst in spans.items()}
    assert rel == {"prod": [(0, day, "v1.0.0", "assignment"), (day, 5 * day, "v2.0.0", "deprecation")],
                   "dev": [(2 * day, 3 * day, "v1.0.0", "unassignment"), (4 * day, 5 * day, "v2.0.0", "deprecation")]}
    assert page.timeline_spans([e for e in history if e["event"] != "deprecation"])["prod"][-1][1] is None


def test_timeline_is_inline_svg_with_escaped_labels():
    svg = page.timeline_html("m", [entry("assignment", 1, stage="prod", version=EVIL)[1]], page.template())
    assert svg.startswith("<svg class='timeline'") and "<title>" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert page.timeline_html("m", [entry("registration", 1)[1]], page.template()) == ""


def test_sort_key_orders_as_the_event_key():
    keys = [(5, -1, "b"), (5, 0, "a"), (5, 10, "a"), (5, 2, "z"), (-3, 7, "x"), (1_700_000_000, 1, "m#p#1"),
            (1_700_000_000, 1, "m#p#10")]
    assert sorted(keys, key=page.sort_key) == sorted(keys)


def test_slug_is_a_safe_file_name_and_distinct():
    assert page.slug("churn") == "churn"
    assert page.slug("models/a:b") != page.slug("models/a_b") != page.slug("models_a_b")
    for name in ("models/a:b", "x/y", "d.x:y"):
        assert "/" not in page.slug(name) and ":" not in page.slug(name)


def parts_of(n, events):
    return {f"a{i}": page.artifact_parts(f"a{i}", BOARD, [version()],
                                         [entry("assignment", 1 + j % 9, artifact=f"a{i}", stage="prod",
                                                ref=f"a{i}#prod#{j}") for j in range(events)])
            for i in range(n)}


def test_one_page_per_artifact_above_the_limit(monkeypatch):
    parts = parts_of(3, 4)
    one = dict(page.site("T", parts, {"a0": BOARD}, ["prod"]))
    assert list(one) == ["index.html"] and one["index.html"].count("<tr data-artifact=") == 12
    monkeypatch.setattr(page, "SINGLE_PAGE_EVENTS", 11)
    monkeypatch.setattr(page, "INDEX_EVENTS", 5)
    split = dict(page.site("T", parts, {"a0": BOARD}, ["prod"]))
    assert sorted(split) == ["artifact-a0.html", "artifact-a1.html", "artifact-a2.html", "index.html"]
    assert split["index.html"].count("<tr data-artifact=") == 5
    assert "The latest 5 of 12 events" in split["index.html"]
    assert split["artifact-a1.html"].count("<tr data-artifact='a1'") == 4
    assert "href='artifact-a1.html'" in split["index.html"] and "href='index.html'" in split["artifact-a1.html"]
    assert page.HREF not in "".join(split.values()) + one["index.html"]


# -- git gto page ------------------------------------------------------------------


class Parsed(HTMLParser):
    """What the tests look at: elements with attributes, text by section, URLs."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.urls, self.scripts = [], [], [], []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for key in ("src", "href", "action", "data", "poster", "xlink:href"):
            if attrs.get(key):
                self.urls.append(attrs[key])
        if tag == "script":
            self._in_script = True
            self.scripts.append(attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.text.append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def write(repo, *args, tz="+0000", step=1):
    """A write `step` seconds after the previous event of the test clock (in time zone `tz`)."""
    return repo.gto(*args, env={"GIT_COMMITTER_DATE": f"@{repo.tick(step)} {tz}"})


def registry(repo, step=1, note=EVIL):
    """Two artifacts, three stages, a tag message and an annotation with
    `note` (markup) in them."""
    repo.write("artifacts.yaml", f"churn:\n  type: model\n  path: models/churn.pkl\n  description: \"{note}\"\n")
    repo.commit("first", {"model.pkl": "1"})
    write(repo, "register", "churn", "-m", f"first model {note}", step=step)
    write(repo, "assign", "churn", "--version", "v0.0.1", "--stage", "dev", step=step)
    repo.commit("second", {"model.pkl": "2"})
    write(repo, "register", "churn", "--bump-minor", tz="+0200", step=step)
    write(repo, "assign", "churn", "--version", "v0.1.0", "--stage", "staging", step=step)
    write(repo, "assign", "churn", "--version", "v0.1.0", "--stage", "prod", tz="-0530", step=step)
    write(repo, "register", "segment", step=step)
    write(repo, "assign", "segment", "--version", "v0.0.1", "--stage", "dev", step=step)
    write(repo, "unassign", "churn", "v0.0.1", "dev", step=step)
    return repo


@pytest.fixture
def reg(repo):
    return registry(repo)


def write_page(repo, *args, out="site"):
    res = repo.gto("page", "-o", out, *args)
    return res, repo.path / out


def test_page_has_the_board_sections_and_history(reg):
    res, out = write_page(reg)
    assert res.out == f"Wrote {os.path.join('site', 'index.html')} (2 artifacts, 8 events)\n" and res.err == ""
    assert sorted(os.listdir(out)) == ["index.html"]
    html = (out / "index.html").read_text()
    doc = Parsed(html)
    board = json.loads(reg.gto("show", "--json").out)
    board_text = html[html.index("<table class='board'>"):html.index("</table>")]
    for name, state in board.items():
        assert f">{name}</a>" in board_text
        for stage, holder in state["stage"].items():
            assert f"<th>#{stage}</th>" in board_text
            if holder:
                assert f">{holder}</td>" in board_text
    assert [a["id"] for a in doc.find("section")] == ["a-churn", "a-segment"]
    assert len(doc.find("svg")) == 2
    events = json.loads(reg.gto("history", "--json").out)
    rows = doc.find("tr")
    refs = [r for r in rows if "data-event" in r]
    assert [(r["data-artifact"], r["data-event"], r["data-stage"]) for r in refs] == \
        [(e["artifact"], e["event"], e["stage"] or "") for e in events]
    assert "models/churn.pkl" in "".join(doc.text)


def test_user_data_is_escaped(reg):
    _, out = write_page(reg)
    html = (out / "index.html").read_text()
    doc = Parsed(html)
    assert len(doc.scripts) == 1  # the page's own, and nothing from a tag message or an annotation
    assert EVIL not in html
    text = "".join(doc.text)
    assert f"first model {EVIL}" in text  # shown as text
    assert f"description: {EVIL}" in text or EVIL in text


def test_the_page_is_self_contained(reg):
    _, out = write_page(reg)
    html = (out / "index.html").read_text()
    doc = Parsed(html)
    assert doc.scripts == [{}]  # inline only: no src
    assert not doc.find("link") and not doc.find("img") and not doc.find("iframe")
    assert all(u.startswith("#") for u in doc.urls), doc.urls
    for needle in ("http:", "https:", "//", "@import", "url("):
        assert needle not in html.replace("// ", "").split("<script>")[0], needle


def test_without_javascript_everything_is_readable_and_filters_are_absent(reg):
    _, out = write_page(reg)
    doc = Parsed((out / "index.html").read_text())
    form = doc.find("form", id="filters")
    assert len(form) == 1 and "hidden" in form[0]  # the script shows it
    times = [a for t, a in doc.tags if t == "time"]
    assert times and all(a["datetime"][:4] == "2023" for a in times)
    text = "".join(doc.text)
    written = [e["timestamp"] for e in json.loads(reg.gto("history", "--json").out)]
    assert {w[-6:] for w in written} == {"+00:00", "+02:00", "-05:30"}
    assert all(w in text for w in written)  # the dates as written, with their offsets


def test_an_unchanged_page_is_not_rewritten(reg):
    _, out = write_page(reg)
    before = os.stat(out / "index.html")
    write_page(reg)
    after = os.stat(out / "index.html")
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    write(reg, "assign", "segment", "--version", "v0.0.1", "--stage", "prod")
    write_page(reg)
    assert os.stat(out / "index.html").st_ino != before.st_ino
    assert "segment#prod" in (out / "index.html").read_text()
    assert not [f for f in os.listdir(out) if f.startswith(".")]  # no temporary file left


def test_per_artifact_pages(reg):
    res, out = write_page(reg, "--pages", "per-artifact", "--title", "Team <models>")
    assert res.out.endswith("and 2 artifact pages (2 artifacts, 8 events)\n")
    assert sorted(os.listdir(out)) == ["artifact-churn.html", "artifact-segment.html", "index.html"]
    index = Parsed((out / "index.html").read_text())
    assert "<title>Team &lt;models&gt;</title>" in (out / "index.html").read_text()
    assert {u for u in index.urls if not u.startswith("#")} == {"artifact-churn.html", "artifact-segment.html"}
    churn = Parsed((out / "artifact-churn.html").read_text())
    assert {r["data-artifact"] for r in churn.find("tr") if "data-artifact" in r} == {"churn"}
    assert "index.html" in churn.urls


def test_the_registry_cache_never_changes_the_page(reg):
    write(reg, "register", "models:nn/cnn")
    _, out = write_page(reg, "--pages", "per-artifact")
    _, fresh = write_page(reg, "--pages", "per-artifact", out="fresh")
    env = {"GTO_NO_CACHE": "1"}
    reg.gto("page", "-o", "uncached", "--pages", "per-artifact", env=env)
    names = sorted(os.listdir(out))
    assert names == sorted(os.listdir(fresh)) == sorted(os.listdir(reg.path / "uncached"))
    for name in names:
        assert (out / name).read_bytes() == (reg.path / "uncached" / name).read_bytes() == (fresh / name).read_bytes()
    odd = [n for n in names if n.startswith("artifact-models")]
    assert len(odd) == 1 and odd[0] == f"artifact-{page.slug('models:nn/cnn')}.html"
    assert f"href='{odd[0]}'" in (out / "index.html").read_text()


def test_policy_marks_every_event(reg):
    """With a .gto-policy, each event is verified or failed, as `verify --all` says."""
    reg.commit("policy", {".gto-policy": "stages:\n  prod: {from: [staging]}\n"})
    reg.commit("third", {"model.pkl": "3"})
    write(reg, "register", "segment", "--bump-minor", "--no-sign")
    reg.git("tag", "-a", "segment#prod#9", "-m", "straight to prod", "HEAD", when=reg.tick())  # skips staging
    verdicts = {e["tag"]: e["ok"] for e in json.loads(reg.gto("verify", "--all", "--json", check=False).out)["events"]}
    assert verdicts["segment#prod#9"] is False and [v for t, v in verdicts.items() if "#prod#" in t] == [True, False]
    res, out = write_page(reg)
    assert "checked against HEAD:.gto-policy" in (out / "index.html").read_text()
    doc = Parsed((out / "index.html").read_text())
    marks = {}
    rows = (out / "index.html").read_text().split("<tr data-artifact=")[1:]
    for row in rows:
        ref = row.split("<td class='mono'>")[-1].split("</td>")[0]
        marks[ref] = "verified" in row, "failed" in row
    assert marks == {tag: (ok, not ok) for tag, ok in verdicts.items()}
    assert doc.find("th") and "policy" in "".join(doc.text)


def test_a_broken_policy_is_a_warning(reg):
    reg.commit("policy", {".gto-policy": "stages: [nope]\n"})
    res, out = write_page(reg)
    assert res.err.startswith("warning: Wrong policy file 'HEAD:.gto-policy'") and "no policy marks" in res.err
    assert "verified" not in (out / "index.html").read_text()
    res = reg.gto("page", "--policy-ref", "HEAD", expect=3)  # named: an error, no page without marks
    assert res.err.startswith("❌ Wrong policy file 'HEAD:.gto-policy'") and len(res.err_lines) == 1
    res = reg.gto("page", "--policy-ref", "nope", expect=3)
    assert res.err == "❌ Cannot read the policy: 'nope' is not a commit here\n"


def test_a_broken_annotation_file_is_one_warning(reg):
    """As for show (DECISIONS §7): the tags answer, the file is named once."""
    reg.commit("break it", {"artifacts.yaml": "churn: [\n"})
    for env in ({}, {}, {"GTO_NO_CACHE": "1"}):  # a cache miss, a hit, no cache
        res = reg.gto("page", "-o", "site", env=env)
        assert len(res.err_lines) == 1 and res.err.startswith("warning: artifacts.yaml file doesn't conform")
        assert "(2 artifacts, 8 events)" in res.out


def test_page_imports_only_what_it_uses(repo):
    """No tables (prettytable), no sh 2 extras, no YAML without a YAML file to read."""
    repo.commit("first")
    write(repo, "register", "m")
    res = repo.gto("page", "-o", "site", env={"PYTHONPROFILEIMPORTTIME": "1"})
    names = {line.rsplit("|", 1)[1].strip() for line in res.err.splitlines() if line.startswith("import time:")}
    assert "gitgto.page" in names
    assert not names & {"prettytable", "yaml", "asyncio", "semantic_version", "importlib.metadata"}


def test_errors(reg):
    reg.write("afile", "x")
    res = reg.gto("page", "-o", "afile", expect=1)
    assert res.err.startswith("❌ Cannot write the page into 'afile': ") and len(res.err_lines) == 1
    res = reg.gto("page", "--pages", "many", expect=2)
    assert "invalid choice" in res.err


def test_an_empty_registry(repo):
    repo.commit("first")
    res, out = write_page(repo)
    assert "(0 artifacts, 0 events)" in res.out
    assert "Nothing found in this registry yet." in (out / "index.html").read_text()


def test_facts_from_tags(reg):
    """The facts of --meta/--description show on the page, escaped."""
    reg.commit("more", {"model.pkl": "4"})
    write(reg, "register", "churn", "--bump-minor", "--meta", "owner=<b>ann</b>", "--description", "fixed <i>bias</i>")
    _, out = write_page(reg)
    html = (out / "index.html").read_text()
    assert "<b>owner</b>=&lt;b&gt;ann&lt;/b&gt;" in html and "fixed &lt;i&gt;bias&lt;/i&gt;" in html


# -- in a real browser ---------------------------------------------------------------


def chromium(tmp_path, url, *flags):
    """Headless Chromium on `url` (a file:// URL), in a profile of its own."""
    profile = tmp_path / "chromium-profile"
    args = [CHROMIUM, "--headless", "--disable-gpu", f"--user-data-dir={profile}", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
            *(["--no-sandbox"] if os.geteuid() == 0 else []), *flags, url]
    env = dict(os.environ, HOME=str(tmp_path))
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def dom(tmp_path, url, *flags):
    return Parsed(chromium(tmp_path, url, "--dump-dom", *flags))


@needs_chromium
def test_browser_runs_the_filters_from_the_address(reg, tmp_path):
    _, out = write_page(reg)
    url = (out / "index.html").as_uri()
    text = chromium(tmp_path, url, "--dump-dom")
    board = text[text.index('<table class="board">'):]
    board = board[:board.index("</table>")]
    for name, state in json.loads(reg.gto("show", "--json").out).items():  # the board, as show has it
        assert f'href="#a-{name}">{name}</a>' in board
        for stage, holder in state["stage"].items():
            assert f"<th>#{stage}</th>" in board and (holder is None or f">{holder}</td>" in board)
    all_rows = [r for r in Parsed(text).find("tr") if "data-event" in r]
    assert len(all_rows) == 8 and not any("hidden" in r for r in all_rows)
    doc = dom(tmp_path, url + "?artifact=churn&event=assignment&stage=prod")
    assert doc.find("table", id="events")[0].get("data-filtered") == "yes"  # the script ran
    assert "hidden" not in doc.find("form", id="filters")[0]
    shown = [r for r in doc.find("tr") if "data-event" in r and "hidden" not in r]
    assert [(r["data-artifact"], r["data-event"], r["data-stage"]) for r in shown] == [("churn", "assignment", "prod")]
    assert "1 of 8 events" in "".join(doc.text)
    doc = dom(tmp_path, url + "#x%=1&q=FIRST+MODEL")  # text, case-insensitive, from the fragment; a stray % is no error
    shown = [r for r in doc.find("tr") if "data-event" in r and "hidden" not in r]
    assert [(r["data-artifact"], r["data-event"]) for r in shown] == [("churn", "registration")]


@needs_chromium
def test_browser_shows_local_times_with_the_written_offset_on_hover(reg, tmp_path):
    _, out = write_page(reg)
    doc = dom(tmp_path, (out / "index.html").as_uri())
    times = [a for t, a in doc.tags if t == "time"]
    assert times and all(a["title"].startswith(a["datetime"] + " (written)") for a in times)
    assert "UTC+00:00" in times[0]["title"]  # TZ=UTC in the tests


@needs_chromium
def test_browser_without_javascript_shows_everything_but_filters(reg, tmp_path):
    """What a browser with JavaScript off shows: the page without its script
    (--dump-dom itself needs scripts on, so the test removes the page's)."""
    _, out = write_page(reg)
    html = (out / "index.html").read_text()
    start, end = html.index("<script>"), html.index("</script>") + len("</script>")
    (out / "nojs.html").write_text(html[:start] + html[end:])
    doc = dom(tmp_path, (out / "nojs.html").as_uri())
    assert "hidden" in doc.find("form", id="filters")[0]
    rows = [r for r in doc.find("tr") if "data-event" in r]
    assert len(rows) == 8 and not any("hidden" in r for r in rows)
    assert doc.find("table", id="events")[0].get("data-filtered") is None
    times = [a for t, a in doc.tags if t == "time"]
    assert times and not any("title" in a for a in times)  # as written: no conversion


@needs_chromium
def test_browser_screenshot(repo, tmp_path):
    """A screenshot of a small registry (events days apart, a policy marking
    them); with GTO_SCREENSHOT_DIR set, kept there as registry-page.png (the README's)."""
    reg = registry(repo, step=2 * 86400, note="who leaves next month")
    reg.commit("policy", {".gto-policy": "stages:\n  prod: {from: [staging]}\n"})
    reg.git("tag", "-a", "segment#prod#9", "-m", "straight to prod", "HEAD", when=reg.tick(86400))
    _, out = write_page(reg, "--title", "acme/models: artifact registry")
    shot = tmp_path / "registry-page.png"
    chromium(tmp_path, (out / "index.html").as_uri(), f"--screenshot={shot}", "--window-size=1200,1180")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    keep = os.environ.get("GTO_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / "registry-page.png")


# -- the README's publishing recipes -----------------------------------------------


def readme_recipes():
    import re

    import yaml

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = text[text.index("### Publishing the registry page"):]
    section = section[:section.index("\n## ")]
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, re.S)]


def test_readme_publishing_recipes(make_repo):
    """Both recipes run on GTO tag pushes and publish public/; GitLab's script
    (but its pip install) makes the page in a fresh clone of a registry."""
    github, gitlab = readme_recipes()
    assert github[True]["push"]["tags"] == ["**@v*", "**#*", "**@deprecated*"]  # (YAML reads `on` as True)
    steps = github["jobs"]["page"]["steps"]
    assert any("git gto page -o public" in s.get("run", "") for s in steps)
    assert {"uses": "actions/upload-pages-artifact@v3", "with": {"path": "public"}} in steps
    job = gitlab["pages"]
    assert job["artifacts"] == {"paths": ["public"]} and job["variables"] == {"GIT_DEPTH": 0}

    origin = registry(make_repo("origin"))
    clone = make_repo("clone")
    clone.git("remote", "add", "origin", str(origin.path))
    clone.git("fetch", "-q", "origin", "main")
    clone.git("checkout", "-q", "FETCH_HEAD")
    for line in job["script"]:
        if line.startswith("pip "):
            continue
        args = line.split()
        assert args[0] == "git"
        if args[1] == "gto":
            clone.gto(*args[2:])
        else:
            clone.git(*args[1:])
    doc = Parsed((clone.path / "public" / "index.html").read_text())
    assert [a["id"] for a in doc.find("section")] == ["a-churn", "a-segment"]
