"""`git gto page`: the registry as a static site. Pure: JSON-shaped data in
(gtojson's version objects and history entries, show's board state), HTML
out. The markup lives in the package data file page.html; this module only
fills its fragments in, escaping every value (tag messages, names and facts
are user data).

A registry renders in two parts that a registry cache can keep apart: each
artifact's own HTML (its section and its history rows, `artifact_parts`),
and the site that puts them together (`site`)."""

import datetime
import hashlib
import os
import re
from html import escape

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "page.html")
# Above this many events, one page per artifact: index.html keeps the board,
# the list of artifacts and the latest events.
SINGLE_PAGE_EVENTS = 20000
INDEX_EVENTS = 1000
ARTIFACT_PAGE = "artifact-{}.html"  # beside index.html: links read the same from every page
# History rows link to their artifact, wherever that is (known only once the
# whole registry is counted): markup that escaped data can never contain.
HREF = "<!--artifact-href-->"
EVENTS = ("registration", "deregistration", "assignment", "unassignment", "deprecation")

_FRAGMENT = re.compile(r"^<!-- fragment: ([a-z-]+) -->\n", re.M)
_SLOT = re.compile(r"\{\{([a-z0-9_]+)\}\}")


class Template:
    """page.html's fragments, each split once into literal text and slots."""

    def __init__(self, text):
        self.digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        pieces = _FRAGMENT.split(text)
        self.fragments = {}
        for name, body in zip(pieces[1::2], pieces[2::2]):
            parts = _SLOT.split(body.rstrip("\n"))
            self.fragments[name] = (parts[0::2], parts[1::2])

    def __call__(self, fragment, **values):
        """Fragment `fragment` with its slots filled: `*_html` values as they are
        (markup made here), every other value HTML-escaped."""
        literals, slots = self.fragments[fragment]
        out = [literals[0]]
        for slot, literal in zip(slots, literals[1:]):
            value = values[slot]
            if not slot.endswith("_html"):
                value = escape("" if value is None else str(value))
            out.append(value)
            out.append(literal)
        return "".join(out)


_loaded = None


def template():
    global _loaded
    if _loaded is None:
        with open(TEMPLATE, encoding="utf-8") as f:
            _loaded = Template(f.read())
    return _loaded


# -- names -----------------------------------------------------------------------


def slug(name):
    """A file name and HTML id for an artifact (`dir:name` has ':' and '/'):
    the name itself when it is made of safe characters, else those kept plus
    a digest of the whole name (two names never share one)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    if safe == name:
        return name
    return f"{safe}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def artifact_href(name, split):
    return ARTIFACT_PAGE.format(slug(name)) if split else "#a-" + slug(name)


def count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def short(value):
    if isinstance(value, str) and len(value) == 40 and all(c in "0123456789abcdef" for c in value):
        return value[:7]
    return value


def _seconds(iso):
    return datetime.datetime.fromisoformat(iso).timestamp()


# -- one artifact ------------------------------------------------------------------


def facts_html(obj, t):
    """`description` and `meta` of a version object or history entry (keys
    that come with version facts; absent before them)."""
    out = []
    if obj.get("description"):
        out.append(t("description", text=obj["description"]))
    for key, value in sorted((obj.get("meta") or {}).items()):
        out.append(t("fact", key=key, value=value))
    return "".join(out)


def time_html(iso, t):
    return t("time", iso=iso) if iso else ""


def _held_stages(version):
    return ", ".join(s["stage"] for s in version.get("stages", ()))


def version_rows(versions, t):
    rows = []
    for v in versions:
        badge = "" if v.get("is_active", True) else t("badge", text="deregistered")
        rows.append(t("version-row", version=short(v["version"]), badge_html=badge, stages=_held_stages(v),
                      facts_html=facts_html(v, t), time_html=time_html(v.get("created_at"), t),
                      author=v.get("author"), commit=v["commit_hexsha"], short_commit=v["commit_hexsha"][:7],
                      ref=short(v.get("ref"))))
    return "".join(rows)


# The timeline's geometry, in SVG user units.
_WIDTH, _LABEL, _LANE, _BAR, _RIGHT = 1000, 90, 26, 16, 10


def timeline_spans(history):
    """{stage: [(start, end or None, version, ended_by)]} from the artifact's
    history entries: an assignment holds its stage until the next event of
    that stage (another version's assignment, an unassignment) or until the
    artifact is deprecated; None: it still does."""
    lanes = {}
    open_by_stage = {}
    for e in sorted(history, key=lambda e: _seconds(e["timestamp"])):
        at = _seconds(e["timestamp"])
        if e["event"] == "deprecation":
            for stage, span in open_by_stage.items():
                lanes[stage].append((span[0], at, span[1], "deprecation"))
            open_by_stage = {}
            continue
        stage = e.get("stage")
        if stage is None or e["event"] not in ("assignment", "unassignment"):
            continue
        lanes.setdefault(stage, [])
        if stage in open_by_stage:
            start, version = open_by_stage.pop(stage)
            lanes[stage].append((start, at, version, e["event"]))
        if e["event"] == "assignment":
            open_by_stage[stage] = (at, e.get("version"))
    for stage, (start, version) in open_by_stage.items():
        lanes[stage].append((start, None, version, None))
    return lanes


def timeline_html(name, history, t):
    """The artifact's stage assignments over time as inline SVG: one lane a
    stage, one bar a holder; a bar still in force runs to the right edge."""
    lanes = timeline_spans(history)
    if not lanes:
        return ""
    times = [_seconds(e["timestamp"]) for e in history]
    first, last = min(times), max(times)
    span = max(last - first, 1.0)
    right = _WIDTH - _RIGHT
    scale = (right - _LABEL) * 0.95 / span  # 5% to the right of the last event: the present

    def x(at):
        return _LABEL + (at - first) * scale

    body = []
    for i, (stage, spans) in enumerate(lanes.items()):
        top = 6 + i * _LANE
        bars = []
        for start, end, version, ended_by in spans:
            x1 = x(start)
            x2 = right if end is None else x(end)
            label = short(version) or ""
            tip = f"#{stage}: {label} from {_iso(start)}" + (" (in force)" if end is None
                                                               else f" until {_iso(end)} ({ended_by})")
            bars.append(t("timeline-bar", cls="bar open" if end is None else "bar", x=f"{x1:.1f}", y=top,
                          w=f"{max(x2 - x1, 2):.1f}", h=_BAR, tip=tip, text_x=f"{x1 + 3:.1f}",
                          text_y=top + 12, label=label if x2 - x1 > 7 * len(label) else ""))
            if ended_by == "unassignment":
                bars.append(t("timeline-stop", x=f"{x2:.1f}", y1=top, y2=top + _BAR, tip=f"#{stage} unassigned"))
        body.append(t("timeline-lane", stage=stage, text_y=top + 12, x1=_LABEL, x2=right,
                      line_y=top + _BAR // 2, bars_html="".join(bars)))
    height = 6 + len(lanes) * _LANE + 14
    return t("timeline", width=_WIDTH, height=height, name=name, start=_iso(first)[:10], end=_iso(last)[:10],
             lanes_html="".join(body), label_x=_LABEL, end_x=right, axis_y=height - 4)


def _iso(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def annotation_text(annotation):
    if not annotation:
        return ""
    parts = [f"{k}: {annotation[k]}" for k in ("type", "path") if annotation.get(k)]
    if annotation.get("labels"):
        parts.append("labels: " + ", ".join(map(str, annotation["labels"])))
    if annotation.get("description"):
        parts.append(str(annotation["description"]))
    return " \u00b7 ".join(parts)


def history_row(e, verdicts, t):
    verdict = ""
    if verdicts is not None:
        v = verdicts.get(e["ref"])
        verdict = t("verdict-none") if v is None else t("verdict-ok" if v["ok"] else "verdict-fail", why=v["why"])
    return t("history-row", artifact=e["artifact"], stage=e.get("stage") or "", event=e["event"],
             time_html=time_html(e["timestamp"], t), href_html=HREF, version=short(e.get("version")) or "",
             author=e.get("author"), email=e.get("author_email"), facts_html=facts_html(e, t),
             message=e.get("message"), commit=e["commit"], short_commit=e["commit"][:7], ref=e["ref"],
             verdict_html=verdict)


def artifact_parts(name, board, versions, history, annotation=None, verdicts=None, t=None):
    """One artifact's HTML, as JSON data a cache can keep: its section and its
    history rows, each row with its sort key (newest first within it).

    board: show's state of the artifact (`active`, ...); versions: gtojson
    version objects; history: gtojson history entries (newest first), each
    with the tag's `key` ([timestamp, counter, ref]) beside it as a pair."""
    t = t or template()
    entries = [e for _, e in history]
    badge = "" if board.get("active", True) else t("badge", text="deprecated")
    section = t("artifact", anchor="a-" + slug(name), name=name, badge_html=badge,
                annotation_html=t("annotation", text=annotation_text(annotation)) if annotation else "",
                timeline_html=timeline_html(name, entries, t), rows_html=version_rows(versions, t))
    rows = [[sort_key(key), history_row(e, verdicts, t)] for key, e in history]
    return {"section": section, "rows": rows, "versions": len(versions),
            "stages": sorted({e["stage"] for e in entries if e.get("stage")}), "events": len(entries)}


# -- the site ----------------------------------------------------------------------


def board_html(boards, stages, split, t):
    """The registry table as `show` prints it: latest version, and who holds
    each stage (boards: {name: show's state}, active artifacts only)."""
    head = "".join(t("board-head", stage=s) for s in stages)
    rows = []
    for name in sorted(boards):
        state = boards[name]
        cells = []
        for stage in stages:
            holders = state["holders"].get(stage)
            cells.append(t("board-cell", value=", ".join(short(v) for v in holders)) if holders
                         else t("board-cell-empty"))
        shown = name if state["registered"] else "*" + name
        rows.append(t("board-row", href=artifact_href(name, split), name=shown,
                      latest=state["latest"] or "", cells_html="".join(cells)))
    if not rows:
        return t("board", head_html=head, rows_html="") + t("empty", text="Nothing found in this registry yet.")
    return t("board", head_html=head, rows_html="".join(rows))


def history_html(rows, artifacts, stages, verdicts, t, note="", events_html=None):
    """The history table and its filters (events_html: the event options,
    the same on every page)."""
    options = "".join(t("option", value=a) for a in artifacts) if len(artifacts) > 1 else ""
    if events_html is None:
        events_html = "".join(t("option", value=e) for e in EVENTS)
    return t("history", note_html=t("empty", text=note) if note else "",
             artifact_filter_html=t("artifact-filter", options_html=options) if options else "",
             stage_options_html="".join(t("option", value=s) for s in stages), event_options_html=events_html,
             verdict_head_html=t("verdict-head") if verdicts is not None else "", rows_html="".join(rows))


def _rows(parts, split, limit=None):
    """(key, row) of the events of `parts` ({name: artifact_parts()}; the
    `limit` newest of each), with their link to the artifact filled in."""
    for name, p in parts.items():
        href = escape(artifact_href(name, split))
        for key, row in p["rows"][:limit]:
            yield key, row.replace(HREF, href, 1)


def _newest_parts(parts, limit):
    """parts, each with only its rows among the `limit` newest of all."""
    keys = sorted((key for p in parts.values() for key, _ in p["rows"][:limit]), reverse=True)
    if len(keys) <= limit:
        return parts
    oldest = keys[limit - 1]
    return {name: dict(p, rows=[r for r in p["rows"][:limit] if r[0] >= oldest]) for name, p in parts.items()}


def _newest_first(rows, limit=None):
    rows = sorted(rows, key=_first, reverse=True)
    return [html for _, html in (rows[:limit] if limit is not None else rows)]


def _first(pair):
    return pair[0]


def sort_key(key):
    """An event's sort key (timestamp, counter or -1, tag name) as one string
    that sorts the same: JSON keeps it compactly, and one comparison is cheap."""
    timestamp, counter, ref = key
    return f"{timestamp + 10 ** 12:014d}{counter + 1:011d}{ref}"


def _page(t, title, subtitle, nav, body, version):
    return t("page", title=title, subtitle=subtitle, generator=version,
             nav_html="".join(t("nav-link", href=h, text=x) for h, x in nav), body_html=body)


def site(title, parts, boards, stages, verdicts=None, split=None, version="", policy=None, t=None):
    """(relative path, HTML) of each page of the site, one at a time (a
    registry of a million tags need not hold them all). parts: {name: artifact_parts()},
    in any order; boards: {name: show's state} of the artifacts the board
    shows; stages: the board's columns. split: one page per artifact (None:
    when there are more than SINGLE_PAGE_EVENTS events)."""
    t = t or template()
    events = sum(p["events"] for p in parts.values())
    if split is None:
        split = events > SINGLE_PAGE_EVENTS
    names = sorted(parts)
    all_stages = sorted(set(stages) | {s for p in parts.values() for s in p["stages"]})
    checked = f"; every event checked against {policy}" if policy else ""
    subtitle = f"{count(len(parts), 'artifact')}, {count(events, 'event')}{checked}"
    board = board_html(boards, stages, split, t)
    if not split:
        sections = "".join(parts[n]["section"] for n in names)
        body = board + t("artifacts", sections_html=sections) + history_html(
            _newest_first(_rows(parts, False)), names, all_stages, verdicts, t)
        nav = [("#board", "Registry"), ("#artifacts", "Artifacts"), ("#history", "History")]
        yield "index.html", _page(t, title, subtitle, nav, body, version)
        return
    links = "".join(t("artifact-link", href=artifact_href(n, True), name=n, versions=parts[n]["versions"],
                      events=parts[n]["events"]) for n in names)
    latest = _newest_first(_rows(_newest_parts(parts, INDEX_EVENTS), True), INDEX_EVENTS)
    note = f"The latest {len(latest)} of {events} events; each artifact's page has all of its own."
    body = board + t("artifact-links", note="One page per artifact.", rows_html=links) + history_html(
        latest, names, all_stages, verdicts, t, note if len(latest) < events else "")
    yield "index.html", _page(t, title, subtitle, [("#board", "Registry"), ("#artifacts", "Artifacts"),
                                                      ("#history", "History")], body, version)
    events_html = "".join(t("option", value=e) for e in EVENTS)
    for n in names:
        p = parts[n]
        rows = "".join(html for _, html in p["rows"]).replace(HREF, escape(artifact_href(n, True)))
        body = p["section"] + history_html([rows], [n], p["stages"], verdicts, t, events_html=events_html)
        nav = [("index.html", "← Registry"), ("#history", "History")]
        subtitle = f"{count(p['versions'], 'version')}, {count(p['events'], 'event')}{checked}"
        yield artifact_href(n, True), _page(t, f"{n} — {title}", subtitle, nav, body, version)
