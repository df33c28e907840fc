"""git gto page [-o DIR]: the registry as a static site to look at."""

import os

from .. import cli, output

EPILOG = """\
Writes DIR/index.html: the registry board (as `git gto show`), a section per
artifact with its versions, their facts and a timeline of its stages, and
the history, which a small inline script filters by artifact, stage, event
and text (?artifact=NAME&stage=STAGE&event=EVENT&q=TEXT in the address sets
them). Everything is inline: no network, no external scripts, fonts or
styles; without JavaScript everything stays readable (dates as written, no
filters). With a .gto-policy at --policy-ref, every event is marked verified
or failed (as `git gto verify --all` says).

Above 20,000 events (or with --pages per-artifact), index.html keeps the
board, the list of artifacts and the latest 1,000 events, and each artifact
gets its own page (DIR/artifact-NAME.html) with all of its events.

examples:
  git gto page                      writes gto-page/index.html
  git gto page -o public            e.g. for GitHub Pages or GitLab Pages
  xdg-open "gto-page/index.html?stage=prod"
"""

DEFAULT_DIR = "gto-page"


def build_parser():
    p = cli.new_parser("page", "Write the registry as a static web page (self-contained HTML).", EPILOG)
    p.add_argument("-o", "--output", default=DEFAULT_DIR, metavar="DIR",
                   help=f"directory to write index.html (and per-artifact pages) into (default: {DEFAULT_DIR})")
    p.add_argument("--pages", choices=("auto", "one", "per-artifact"), default="auto",
                   help="one page, or one page per artifact besides index.html (default: auto, "
                        "per artifact above 20,000 events)")
    p.add_argument("--title", metavar="TEXT", help="the page's title (default: the repository's directory name)")
    cli.policy_ref_option(p, "mark every event against .gto-policy and its signers file at REF's committed "
                             "tree (default: HEAD, when it has a policy; a broken one there is a warning, "
                             "at a REF given here an error)")
    return p


def run(args):
    from .. import cache, page
    from ..workspace import Workspace

    ws = Workspace(args.repo)
    t = page.template()
    checked, verdicts = _verdicts(ws, args.policy_ref)

    def state(art):
        return artifact_state(art, verdicts, t)

    read = {"fields": "full", "annotations": "head", "commits": "deprecated"}
    if verdicts is None:  # the registry cache keeps each artifact's HTML
        states = cache.artifact_states(ws, "page", {"template": t.digest}, state, **read)
    else:
        states = {name: state(art) for name, art in checked.items()}
    boards = {name: s["board"] for name, s in states.items() if s["board"]["active"]}
    ws.warn_if_shadowed(names=[n for s in states.values() for n in s["board"].get("shadowed", ())])
    if ws.config.stages is not None:
        stages = list(ws.config.stages)
    else:
        stages = sorted({stage for b in boards.values() for stage in b["stages"]})
    title = args.title or _repo_name(ws)
    from .. import __version__

    split = {"auto": None, "one": False, "per-artifact": True}[args.pages]
    files = page.site(title, {name: s["parts"] for name, s in states.items()}, boards, stages,
                      verdicts=verdicts and verdicts["results"], split=split, version=__version__,
                      policy=verdicts and verdicts["where"], t=t)
    written = write_site(args.output, files)
    events = sum(s["parts"]["events"] for s in states.values())
    extra = f" and {page.count(written - 1, 'artifact page')}" if written > 1 else ""
    output.echo(f"Wrote {os.path.join(args.output, 'index.html')}{extra} "
                f"({page.count(len(states), 'artifact')}, {page.count(events, 'event')})")
    return 0


def artifact_state(art, verdicts, t):
    """What the page needs of one artifact, as JSON (the registry cache
    stores it): show's board state and the artifact's HTML."""
    from .. import page, registry as reg
    from ..gtojson import history_entry, version_object
    from ..api import board_state

    board = board_state(art)  # show's defaults: the board is what `show` prints
    holders = reg.stage_holders(art)
    # `show NAME`'s versions and the deregistered ones (not commits that merely hold an annotation)
    listed = [v for v in reg.listed_versions(art, active_only=False) if v.is_active or v.has_registry_events]
    versions = [version_object(art, v, holders) for v in listed]
    events = sorted(reg.history_of(art), key=_key, reverse=True)
    history = [[list(e.key), history_entry(e)] for e in events]
    parts = page.artifact_parts(art.name, board, versions, history, art.annotation,
                                verdicts and verdicts["results"], t)
    return {"board": board, "parts": parts}


def _key(event):
    return event.key


def _verdicts(ws, policy_ref):
    """(registry, {"where", "results": {tag: {"ok", "why"}}}) when a policy
    exists at the ref; (None, None) otherwise. A policy at HEAD that cannot
    be read is a warning (the page is a report: it still shows the
    registry); at a --policy-ref the user named, an error (exit 3)."""
    from ..errors import CannotCheck
    from ..governance import Governance

    try:
        gov = Governance(ws.repo, policy_ref or "HEAD", explicit=policy_ref is not None, config=ws.config)
        if gov.policy is None:
            return None, None
        registry = ws.registry(fields="full", annotations="head", commits="deprecated")
        results = gov.evaluate(registry, ws.records)
    except CannotCheck as exc:
        if policy_ref is not None:  # asked for by name: no silent page without marks
            raise
        output.warn(f"{exc}; the page shows no policy marks")
        return None, None
    marks = {r.tag: {"ok": r.ok, "why": f"{r.rule}: {r.why}" + (f" (signed by {r.signer})" if r.signer else "")}
             for r in results}
    return registry.artifacts, {"where": gov.policy.where, "results": marks}


def _repo_name(ws):
    if ws.remote_url:
        where = ws.remote_url.rstrip("/").rpartition("/")[2].rpartition(":")[2]
    else:
        where = os.path.basename(ws.repo.root or os.path.normpath(ws.repo.git_dir))
    return f"{where or 'git-gto'}: artifact registry"


def write_site(directory, files):
    """Writes the (name, text) pairs of `files`; returns how many there were.
    Each file written atomically (a temporary file renamed), only under
    `directory` (the names come from page.site: index.html, artifact-SLUG.html),
    and only when its content changed: a page that is already there as it
    would be written is left alone (no write, no rename)."""
    import tempfile

    from ..errors import GTOError

    umask = os.umask(0o022)
    os.umask(umask)
    try:
        os.makedirs(directory, exist_ok=True)
        written = 0
        for name, text in files:
            written += 1
            if os.path.basename(name) != name or name.startswith("."):  # (page.slug makes them so)
                raise GTOError(f"Refusing to write '{name}': not a plain file name")
            data = text.encode("utf-8")
            path = os.path.join(directory, name)
            if _same(path, data):
                continue
            fd, tmp = tempfile.mkstemp(prefix=".page-", dir=directory)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.chmod(tmp, 0o666 & ~umask)  # as open() would have made it
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
    except OSError as exc:
        raise GTOError(f"Cannot write the page into '{directory}': {exc.strerror or exc}")
    return written


def _same(path, data):
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False
