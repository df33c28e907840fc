"""git-gto's Python API: gto 1.10.1's `gto.api` functions, under the same
names, with the same parameters (names, order, defaults) and meanings, plus
`annotate`/`remove` as in gto 0.2.x.

    from gitgto import api
    api.register(".", "churn", "HEAD", bump_minor=True)
    prod = api.find_versions_in_stage(".", "churn", "prod")

The command line is a face of this module: each `git gto` command parses its
arguments, calls the function here (or the private function behind it), and
formats what it returns. So the answers are the same data as `--json`
(gitgto/gtojson.py builds both), as plain Python: dicts and lists, with
`datetime` objects where gto returns them. Where gto returns pydantic
objects, this module returns small frozen value objects with the same
attribute names (Event, Version, VStage, Annotation below), each with
`dict_state()` (gto's dict of it).

`repo` is a path, a URL (as `-r` takes: the registry is fetched into a
temporary directory and writes push there), or an open repository: a
gitgto.workspace.Workspace, a gitgto.git.Repo, or any object with a
`working_dir` (GitPython) or `root_dir` (scmrepo) attribute.

Errors are exceptions from gitgto.errors (gto's names: WrongArgs, NoRepo,
ArtifactNotFound, RefNotFound, VersionExistsForCommit, ...); `str(exc)` is
the message the command line prints. Nothing is printed unless `stdout=True`
(then as the command line prints it); warnings go to the `gitgto` logger.

Governance (git-gto only) works through keyword arguments of the writes:
`sign=` (True/False/None: git's tag.gpgSign decides), `key=` (sign with this
key) and `policy_ref=` (the ref whose committed .gto-policy the new tags are
checked against); check_ref takes `verify=` and `policy_ref=`.

Importing this module is cheap: what a function needs is imported when it
runs.
"""

ASSIGNMENTS_PER_VERSION = -1  # gto.constants' defaults
VERSIONS_PER_STAGE = 1

# gto's `Action` values, by the event kinds of gitgto.tags.
_ACTIONS = {"registration": "register", "deregistration": "deregister", "assignment": "assign",
            "unassignment": "unassign", "deprecation": "deprecate", "creation": "create"}
_TIMES = ("created_at", "activated_at", "timestamp")


# -- value objects -------------------------------------------------------------


class _Frozen:
    """A small frozen value object (as a frozen dataclass, without importing
    dataclasses on every command's start-up): the fields in FIELDS, set once;
    `dict_state()` is gto's dict of the object."""

    FIELDS = ()
    __slots__ = ("_state",)

    def __init__(self, state):
        object.__setattr__(self, "_state", state)

    def __getattr__(self, name):
        if name in type(self).FIELDS:
            return self._state.get(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")

    def __eq__(self, other):
        return isinstance(other, _Frozen) and other.FIELDS == self.FIELDS and other._state == self._state

    def __hash__(self):
        return hash((type(self).__name__, self._state.get("tag") or self._state.get("version")))

    def __repr__(self):
        return f"{type(self).__name__}(" + ", ".join(f"{k}={self._state.get(k)!r}" for k in type(self).FIELDS
                                                   if not isinstance(self._state.get(k), list)) + ")"

    def dict_state(self):
        return _copy(self._state)

    model_dump = dict_state  # (gto 1.x is pydantic 2)


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


class Event(_Frozen):
    """One registry event (gto's Registration, Assignment, ... objects):
    `event` is its kind, `tag` (also `ref`) its tag; `version`/`stage` are
    None where the kind has none (gto leaves the attribute out)."""

    FIELDS = ("event", "priority", "addition", "artifact", "version", "stage", "created_at", "author",
              "author_email", "message", "commit_hexsha", "tag")
    __slots__ = ()

    @property
    def ref(self):
        return self._state["tag"]


class _WrittenEvent(Event):
    """The event a write made, read back from git when first looked at (the
    command line never looks, so it pays no git call for it)."""

    __slots__ = ("_made",)

    def __init__(self, ws, tag):
        object.__setattr__(self, "_made", (ws, tag))

    def __getattr__(self, name):
        if name != "_state":
            return super().__getattr__(name)
        from .errors import RefNotFound

        ws, tag = self._made
        with _printing(False):
            events = _check_ref(ws, tag)  # (a URL's Workspace is reused: no second fetch)
        if not events:
            raise RefNotFound(f"The tag '{tag}' is no longer here")
        state = _dated(_event_state(events[-1]))
        object.__setattr__(self, "_state", state)
        return state


class VStage(_Frozen):
    """A stage of a version (gto's VStage): `assignments`/`unassignments` are
    lists of Event."""

    FIELDS = ("artifact", "version", "stage", "commit_hexsha", "is_active", "activated_at", "created_at",
              "author", "author_email", "message", "ref")
    __slots__ = ()

    @property
    def assignments(self):
        return [Event(e) for e in self._state["assignments"]]

    @property
    def unassignments(self):
        return [Event(e) for e in self._state["unassignments"]]


class Version(_Frozen):
    """A version of an artifact (gto's Version): `version` is its name,
    `registrations`/`deregistrations` lists of Event, `stages` of VStage."""

    FIELDS = ("artifact", "version", "commit_hexsha", "is_active", "activated_at", "created_at", "author",
              "author_email", "message", "ref", "discovered", "registered", "active")
    __slots__ = ()

    @property
    def registrations(self):
        return [Event(e) for e in self._state["registrations"]]

    @property
    def deregistrations(self):
        return [Event(e) for e in self._state["deregistrations"]]

    @property
    def stages(self):
        """{stage: VStage} of the active stages (gto's dict also keeps the
        inactive ones; dict_state() lists the active ones, as here)."""
        return {s["stage"]: VStage(s) for s in self._state["stages"]}


class Annotation(_Frozen):
    """An artifact's annotation (gto's Artifact of artifacts.yaml/dvc.yaml)."""

    FIELDS = ("type", "path", "virtual", "labels", "description", "custom")
    __slots__ = ()

    def dict(self, exclude_defaults=False):
        """As pydantic's: every field, or (exclude_defaults) those set."""
        from . import annotations as ann

        return ann.visible(self._state) if exclude_defaults else {k: _copy(self._state.get(k)) for k in self.FIELDS}

    def dict_state(self):
        return self.dict()


def _dated(value):
    """gtojson's JSON shapes with their times as datetime objects, as gto's
    dict_state() has them."""
    if isinstance(value, dict):
        return {k: (_datetime(v) if k in _TIMES else _dated(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_dated(v) for v in value]
    return value


def _datetime(text):
    from datetime import datetime

    return datetime.fromisoformat(text) if isinstance(text, str) else text


# -- opening a repository; printing or not ---------------------------------------


def _open(repo):
    """A Workspace for `repo`. A local repository is opened afresh on every
    call (its HEAD and tags may have moved since); a Workspace of a URL is
    reused (its fetched copy is the registry)."""
    import os

    from .git import Repo
    from .workspace import Workspace

    if isinstance(repo, Workspace):
        if repo.remote_url:
            return repo
        repo = repo.repo.path
    elif isinstance(repo, Repo):
        repo = repo.path
    elif hasattr(repo, "working_dir") or hasattr(repo, "root_dir"):
        repo = getattr(repo, "working_dir", None) or repo.root_dir
    return Workspace(os.fspath(repo))


class _printing:
    """(with) Print as the command line does only with stdout=True. (A class,
    not contextlib: the import of this module stays cheap.)"""

    def __init__(self, stdout):
        self.stdout = bool(stdout)

    def __enter__(self):
        from . import output

        self.before = output.settings["stdout"]
        output.settings["stdout"] = self.stdout

    def __exit__(self, *exc):
        from . import output

        output.settings["stdout"] = self.before


def _name_of_ref(ref):
    return ref[len("refs/tags/"):] if ref.startswith("refs/tags/") else ref


# -- reads ---------------------------------------------------------------------


def get_stages(repo, allowed=False, used=False):
    """The stages: those .gto allows (allowed=True, or neither flag and .gto
    sets them), else those assigned to an active version (`stages --json`).
    A list, or None when .gto sets none and allowed=True."""
    with _printing(False):
        return _stages(repo, allowed, used)


def _stages(repo, allowed=False, used=False):
    from . import registry as reg

    ws = _open(repo)
    if allowed or (not used and ws.config.stages is not None):
        return ws.config.stages
    from . import cache

    states = cache.artifact_states(ws, "stages", {"shadowed": True},
                                   lambda art: {"stages": sorted(reg.active_stages(art)), "shadowed": art.shadowed})
    ws.warn_if_shadowed(names=[n for s in states.values() for n in s["shadowed"]])
    return sorted({stage for s in states.values() for stage in s["stages"]})


def describe(repo, name, rev=None):
    """The annotation of artifact `name` (an Annotation), or None. `name` may
    be a shortcut (NAME@vX.Y.Z, NAME#STAGE, NAME@latest): then the
    annotation committed with that version. Raises WrongArgs for a shortcut
    with `rev`, NotImplementedInGTO for an ambiguous shortcut."""
    with _printing(False):
        found, _ = _annotation(repo, name, rev)
    return Annotation(found) if found is not None else None


def _annotation(repo, name_or_shortcut, rev=None, strict=False):
    """(The annotation dict of `describe` or None, the registry Version a
    shortcut named or None). strict (the command line): an artifact that
    nothing knows, neither an annotation nor a tag, is ArtifactNotFound (a
    typo), as in `show`."""
    from . import output, tags
    from .errors import WrongArgs

    name, selector, stage = tags.parse_shortcut(name_or_shortcut)
    tags.check_artifact(name)
    if (selector or stage) and rev:
        raise WrongArgs("Either specify revision or use naming shortcut.")
    ws = _open(repo)
    if stage is not None and ws.config.stage_warning(stage):
        output.warn(ws.config.stage_warning(stage))
    if selector or stage:
        version = _shortcut_version(ws, name, selector, stage)
        if version is None:
            return None, None
        return _annotation_at(ws, name, version.commit), version
    found = _annotation_at(ws, name, rev) if rev is not None else _worktree_or_head(ws, name)
    if found is None and strict and (rev is None or _worktree_or_head(ws, name) is None):
        ws.registry(name).get(name)  # raises ArtifactNotFound (with a did-you-mean) when no tag knows it either
    return found, None


def _annotation_at(ws, name, rev):
    from . import annotations as ann
    from .errors import RefNotFound

    commit = ws.repo.resolve_commit(rev)
    if commit is None:
        raise RefNotFound(f"Ref '{rev}' was not found in the repository history")
    return ann.read_at(ws.repo, commit, ws.annotation_memo).get(name)


def _worktree_or_head(ws, name):
    from . import annotations as ann

    if ws.repo.root is not None:
        found = ann.load_worktree(ws.repo.root, ws.annotation_memo).get(name)
        if found is not None:
            return found
    head = ws.head()
    return ann.read_at(ws.repo, head, ws.annotation_memo).get(name) if head else None


def _shortcut_version(ws, name, selector, stage):
    from . import registry as reg
    from .errors import NotImplementedInGTO

    registry = ws.registry(name)
    ws.warn_if_shadowed(registry)
    art = registry.get(name)
    versions = reg.listed_versions(art)
    if selector == "latest":
        versions = versions[:1]
    elif selector is not None:
        versions = [v for v in versions if v.name == selector]
    if stage is not None:
        holders = reg.stage_holders(art)
        versions = [v for v in versions if v in holders.get(stage, ())]
    if len(versions) > 1:
        raise NotImplementedInGTO("Ambiguous naming shortcut: multiple variants found.")
    return versions[0] if versions else None


def parse_tag(name):
    """gto's parse of a tag name: {"name", "version"|"stage", "action",
    "counter"?} with `action` as gto's Action value ("register", "assign",
    ...). Raises InvalidTagName for a name that is not a GTO tag."""
    from . import tags
    from .errors import InvalidTagName

    tag = tags.parse_tag(_name_of_ref(name))
    if tag is None:
        raise InvalidTagName(f"Cannot parse tag name '{name}'")
    parsed = {"name": tag.artifact}
    if tag.version is not None:
        parsed["version"] = tag.version
    if tag.stage is not None:
        parsed["stage"] = tag.stage
    parsed["action"] = _ACTIONS[tag.kind]
    if tag.counter is not None and tag.stage is not None:
        parsed["counter"] = tag.counter
    return parsed


def find_latest_version(repo, name, all=False, registered=True):  # noqa: A002 - gto's parameter name
    """The greatest active version of `name` (a Version), None when there is
    none; with all=True, every active version (a list, greatest first).
    registered=False also counts versions that only have stages."""
    from . import registry as reg
    from .gtojson import version_object

    with _printing(False):
        ws = _open(repo)
        _check_name(name)
        art = ws.registry(name, commits="all").get(name)

    def whole(v):  # (as gto's Version.dict_state(): the version's active stages, newest first, unfiltered)
        active = sorted((s for s in v.stages.values() if s.is_active), key=lambda s: s.activation_key, reverse=True)
        return Version(_dated(version_object(art, v, {s.stage: [v] for s in active})))

    if all:
        return [whole(v) for v in reg.listed_versions(art, registered_only=registered, discovered=not registered)]
    if registered:
        best = reg.latest(art)
    else:
        listed = reg.listed_versions(art)
        best = listed[0] if listed else None
    return whole(best) if best is not None else None


def _check_name(name):
    from . import tags

    tags.check_artifact(name)


def find_versions_in_stage(repo, name, stage, assignments_per_version=ASSIGNMENTS_PER_VERSION,
                           versions_per_stage=VERSIONS_PER_STAGE, registered_only=False):
    """The versions in `stage` of `name`: a list of VStage (the newest first;
    one unless versions_per_stage says more), or None when no version is in
    the stage."""
    from . import registry as reg
    from .gtojson import vstage_object

    with _printing(False):
        ws = _open(repo)
        _check_name(name)
        art = ws.registry(name).get(name)
    holders = reg.stage_holders(art, "timestamp", versions_per_stage, assignments_per_version, registered_only)
    if stage not in holders:
        return None
    return [VStage(_dated(vstage_object(v.stages[stage]))) for v in holders[stage]]


def check_ref(repo, ref, *, fetch=False, remote="origin", verify=False, policy_ref=None):
    """The events the tag `ref` (a tag name or refs/tags/NAME) made: a list
    of Event, empty when `ref` is not a GTO tag here. git-gto's keywords:
    fetch (re-fetch the tag from `remote` first), verify (raise
    PolicyViolation when the policy at `policy_ref` refuses the event).
    A GTO-looking lightweight tag raises GTOError with the fetch advice."""
    with _printing(False):
        events = _check_ref(repo, ref, fetch, remote, verify, policy_ref)
    return [_event(e) for e in events]


def _event(e):
    return Event(_dated(_event_state(e)))


def _event_state(e):
    """gto's dict_state() of a registry event (`check-ref --json` has the
    same keys but `priority` and `addition`, as gto's CLI)."""
    from .gtojson import event_object

    return event_object(e, with_kind=True)


def _check_ref(repo, ref, fetch=False, remote="origin", verify=False, policy_ref=None):
    """The registry events of tag `ref` (gitgto.registry.Event), oldest first."""
    from . import registry as reg
    from . import tags
    from .errors import GTOError

    name = _name_of_ref(ref)
    tag = tags.parse_tag(name)
    ws = _open(repo)  # (a repository is required even for a ref that is not a GTO tag)
    if tag is None:
        return []
    if fetch:
        ws.repo.fetch_tag(remote, name, tags.refspec_patterns(tag.artifact))
    registry = ws.registry(tag.artifact)
    ws.warn_if_annotations_broken(tag.artifact)
    events = [e for e in reg.history(registry, tag.artifact, ascending=True) if e.ref == name]
    if not events:
        record = next((r for r in ws.records if r.name == name), None)
        if record is not None and not record.annotated:
            from .workspace import lightweight_advice

            raise GTOError(lightweight_advice(name, remote))
        if verify:
            raise GTOError(f"'{name}' is not an event here: nothing to verify")
        return []
    if verify:
        _verify_event(ws, registry, name, policy_ref)
    return events


def _verify_event(ws, registry, name, policy_ref):
    """Refuse (PolicyViolation) an event the policy does not allow;
    CannotCheck (exit 3) when it cannot be checked."""
    from .governance import cannot_check

    cannot_check(lambda _: _verify_unchecked(ws, registry, name, policy_ref), None)


def _verify_unchecked(ws, registry, name, policy_ref):
    from . import output
    from .errors import PolicyViolation
    from .governance import Governance

    gov = Governance(ws.repo, policy_ref or "HEAD", explicit=policy_ref is not None, config=ws.config)
    if gov.policy is None:
        output.warn(f"no {gov.policy_ref}:.gto-policy: only checking that '{name}' is annotated "
                    f"and carries its own name")
    result = next(r for r in gov.evaluate(registry, ws.records) if r.tag == name)
    if not result.ok:
        where = gov.policy.where if gov.policy is not None else "always"
        raise PolicyViolation(f"The policy ({where}) refuses {result.line()}")


def show(repo, name=None, truncate_hexsha=False, registered_only=False, deprecated=False,
         assignments_per_version=ASSIGNMENTS_PER_VERSION, versions_per_stage=VERSIONS_PER_STAGE,
         sort="timestamp", table=False, *, all_branches=False, all_commits=False):
    """The registry (`show --json`: {name: {"version", "stage": {stage:
    version|None}, "registered", "active"}}), or with `name` (NAME,
    NAME@latest, NAME@vX.Y.Z, NAME#STAGE) its versions (`show NAME --json`:
    a list of gto's version dicts, times as datetime). table=True: `(rows,
    "keys")`, the rows of the table `git gto show` prints, as dicts.
    all_branches/all_commits (gto 0.2's -a/-A): annotations from every branch
    head / every commit too."""
    from .errors import WrongArgs

    sort = getattr(sort, "value", sort)  # (gto's VersionSort enum)
    if sort not in ("timestamp", "semver"):
        raise WrongArgs(f"Unknown sort '{sort}': 'timestamp' or 'semver'")
    with _printing(False):
        if name:
            found = _show_versions(repo, name, registered_only, deprecated, assignments_per_version,
                                   versions_per_stage, sort, _scan(all_branches, all_commits))
        else:
            found = _show_registry(repo, registered_only, deprecated, assignments_per_version,
                                   versions_per_stage, sort, _scan(all_branches, all_commits))
    if name:
        return _version_rows(*found, truncate_hexsha) if table else _dated(found[0])
    return _registry_rows(found, truncate_hexsha) if table else found


def _scan(all_branches, all_commits):
    return "all-commits" if all_commits else "all-branches" if all_branches else "head"


def _show_registry(repo, registered_only=False, deprecated=False, av=-1, vs=1, sort="timestamp", scan="head",
                   flt=None):
    """`show --json`'s dict (through the registry cache); flt: a
    filters.Filter, the artifacts it keeps (read past the cache: --where
    needs the tag messages, which the cache does not keep)."""
    from . import cache
    from . import registry as reg

    reg.check_limits(vs, av)
    ws = _open(repo)
    options = {"sort": sort, "vs": vs, "av": av, "registered_only": registered_only}

    def state(art):
        return board_state(art, **options)

    if flt is not None and flt.active:
        from . import filters

        registry = ws.registry(fields="full" if flt.where else "state", annotations=scan, commits="deprecated")
        states = {name: state(registry.artifacts[name]) for name in filters.select(registry, flt)}
    else:
        states = cache.artifact_states(ws, "show", options, state, fields="state", annotations=scan,
                                       commits="deprecated")
    shown = {name: s for name, s in states.items() if deprecated or s["active"]}
    ws.warn_if_shadowed(names=[n for s in shown.values() for n in s.get("shadowed", ())])
    if ws.config.stages is not None:
        stages = list(ws.config.stages)
    else:
        stages = sorted({stage for s in shown.values() for stage in s["stages"]})
    return {name: {"version": s["latest"],
                   "stage": {stage: ", ".join(s["holders"].get(stage, ())) or None for stage in stages},
                   "registered": s["registered"], "active": s["active"]}
            for name, s in shown.items()}


def board_state(art, sort="timestamp", vs=1, av=-1, registered_only=False):
    """What the registry table and `show --json` need of one artifact (the
    registry cache stores it as JSON: it depends only on `art` and the
    options; `page` draws its board from it too)."""
    from . import registry as reg

    holders = reg.stage_holders(art, sort, vs, av, registered_only)
    latest = reg.latest(art)
    return {"latest": latest.name if latest else None, "registered": art.registered, "active": art.is_active,
            "holders": {stage: [v.name for v in versions] for stage, versions in holders.items()},
            "stages": sorted(reg.active_stages(art, registered_only)), "shadowed": art.shadowed}


def _registry_rows(registry, truncate_hexsha=False):
    """`git gto show`'s table: [{"name", "latest", "#stage"...}], sorted by name."""
    from .output import short_sha

    def cell(value):
        return value and ", ".join(short_sha(v) for v in value.split(", ")) if truncate_hexsha else value

    rows = [dict([("name", name if d["registered"] else "*" + name), ("latest", cell(d["version"]))]
                 + [("#" + stage, cell(held)) for stage, held in d["stage"].items()])
            for name, d in sorted(registry.items())]
    return rows, "keys"


def _show_versions(repo, shortcut, registered_only=False, deprecated=False, av=-1, vs=1, sort="timestamp",
                   scan="head", flt=None):
    """(`show NAME --json`'s list (times as ISO text), the artifact's name
    in tables: `*name` when it has no GTO tags); flt: a filters.Filter."""
    from . import output
    from . import registry as reg
    from . import tags
    from .gtojson import version_object

    reg.check_limits(vs, av)
    ws = _open(repo)
    name, selector, stage = tags.parse_shortcut(shortcut)
    tags.check_artifact(name)
    if stage is not None:
        tags.check_name(stage)
    if stage is not None and ws.config.stage_warning(stage):
        output.warn(ws.config.stage_warning(stage))  # a query answers nothing; a typo must not be silent
    registry = ws.registry(name, annotations=scan, commits="all")
    ws.warn_if_shadowed(registry)
    art = registry.get(name)
    versions = []
    if art.is_active or deprecated:
        versions = reg.listed_versions(art, active_only=not deprecated, registered_only=registered_only)
    holders = reg.stage_holders(art, sort, vs, av, registered_only)
    if selector == "latest":
        versions = versions[:1]
    elif selector is not None:
        versions = [v for v in versions if v.name == selector]
    if stage is not None:
        versions = [v for v in versions if stage in reg.version_stages(v, holders)]
    if flt is not None and flt.active:
        from . import filters

        chosen = filters.select(registry, flt, active_only=False)
        if name not in chosen:
            versions = []
        elif chosen[name] is not None:  # (None: no version criteria, every version)
            versions = [v for v in versions if v in chosen[name]]
    return [version_object(art, v, holders) for v in versions], art.display_name


def _version_rows(versions, display_name, truncate_hexsha=False):
    """`git gto show NAME`'s table: [{"artifact", "version", "stage", "created_at", "ref"}]."""
    from .output import short_sha

    def short(value):
        return short_sha(value) if truncate_hexsha else value

    return [{"artifact": display_name, "version": short(v["version"]),
             "stage": ", ".join(s["stage"] for s in v["stages"]), "created_at": _datetime(v["created_at"]),
             "ref": short(v["ref"])} for v in versions], "keys"


def history(repo, artifact=None, ascending=False, table=False, truncate_hexsha=False):
    """The journal of registry events (`history --json`: a list of dicts,
    newest first unless ascending; `timestamp` as datetime). table=True:
    `(rows, "keys")`, the rows of `git gto history`'s table."""
    from .gtojson import history_entry

    with _printing(False):
        events = _history(repo, artifact, ascending, fields="full")
    if table:
        return _history_rows(events, truncate_hexsha)
    return [_dated(history_entry(e)) for e in events]


def _history(repo, artifact=None, ascending=False, fields="full", flt=None):
    """The events (gitgto.registry.Event) of the registry or of one artifact;
    flt: a filters.Filter, the events of what it keeps (read past the
    registry cache: --where needs the tag messages, --type and --label the
    annotations)."""
    from . import output
    from . import registry as reg
    from . import tags

    if artifact is not None:
        tags.check_artifact(artifact)
    ws = _open(repo)
    if flt is not None and flt.active:
        from . import filters

        fields = "full" if fields == "full" or flt.where else "state"
        registry = ws.registry(artifact, fields=fields, annotations="head" if flt.on_artifacts else None)
        events = filters.events(reg.history(registry, artifact, ascending), filters.select(registry, flt))
        if not flt.on_artifacts:  # (else the registry read with annotations warned)
            ws.warn_if_annotations_broken(artifact)
        return events
    if artifact is None:  # the whole registry: through the registry cache
        from . import cache

        def state(art):  # (its lightweight look-alikes too: a journal without their events must say so)
            return {"events": reg.dump_events(reg.history_of(art)), "shadowed": art.shadowed}

        states = cache.artifact_states(ws, "history", {"shadowed": True}, state, fields=fields)
        events = reg.merge_history([reg.load_events(s["events"]) for s in states.values()], ascending)
        ws.warn_if_shadowed(names=[n for s in states.values() for n in s["shadowed"]])
    else:
        registry = ws.registry(artifact, fields=fields)
        ws.warn_if_shadowed(registry)
        events = reg.history(registry, artifact, ascending)
        if artifact not in registry.artifacts and registry.hint(artifact):
            output.warn(f"no artifact '{artifact}'{registry.hint(artifact)}")  # GTO: empty, exit 0
    ws.warn_if_annotations_broken(artifact)
    return events


def _history_rows(events, truncate_hexsha=False):
    from .output import short_sha, when

    def short(value):
        return short_sha(value) if truncate_hexsha else value

    return [{"timestamp": when(e.timestamp, e.tz), "artifact": e.artifact, "event": e.kind,
             "version": short(e.version), "stage": e.stage,
             "commit": e.commit[:7] if truncate_hexsha else e.commit, "ref": e.ref}
            for e in events], "keys"


# -- writes --------------------------------------------------------------------


def _simple(simple):
    """gto's `simple` (None/True/False) as the command line's --simple."""
    if simple in ("auto", "true", "false"):
        return simple
    return "auto" if simple is None else "true" if simple else "false"


def _write(ws, artifact, make_plan, *, dry_run, push, remote, stdout, sign, key, policy_ref, author,
           author_email, meta=None, description=None):
    """Plan, check, create (or delete), push; the event of the last tag made
    (an Event), None for deletions; the plan (a list) for dry_run. meta:
    facts for every new tag, {KEY: VALUE} or ["KEY=VALUE"] (trailers,
    checked by facts.collect)."""
    from types import SimpleNamespace

    from . import apply

    facts = None
    if meta or description is not None:
        from .facts import collect

        facts = collect(meta, description)
    signing = SimpleNamespace(sign=sign, local_user=key, policy_ref=policy_ref)
    ident = (author, author_email) if author or author_email else None
    with _printing(stdout):
        done = apply.execute(ws, artifact, make_plan, dry_run, push, remote, signing=signing, ident=ident,
                             facts=facts)
    if dry_run:
        return done
    created = [a for a in done if not a.delete]
    return _WrittenEvent(ws, created[-1].tag) if created else None


def _bump_part(version, bump_major, bump_minor, bump_patch):
    from .errors import WrongArgs

    chosen = [part for part, on in (("major", bump_major), ("minor", bump_minor), ("patch", bump_patch)) if on]
    if len(chosen) + (version is not None) > 1:
        raise WrongArgs("Need to specify either version or single bump argument")
    return chosen[0] if chosen else None


def register(repo, name, ref, version=None, message=None, simple=None, force=False, bump_major=False,
             bump_minor=False, bump_patch=False, push=False, stdout=False, author=None, author_email=None,
             *, dry_run=False, remote="origin", sign=None, key=None, policy_ref=None, meta=None, description=None):
    """Register `ref` (default in gto: required) as a new version of `name`:
    `version`, or a bump of the latest (patch by default; v0.0.1 first).
    Returns the registration (an Event). author/author_email: the tagger."""
    from . import plan, tags

    with _printing(stdout):
        tags.check_artifact(name)
        part = _bump_part(version, bump_major, bump_minor, bump_patch)
        ws = _open(repo)
        commit = ws.resolve(ref or "HEAD")

    def make(registry, records):
        req = plan.Request(registry, records, name, message, _simple(simple), force)
        return plan.plan_register(req, commit, version, part)

    return _write(ws, name, make, dry_run=dry_run, push=push, remote=remote, stdout=stdout, sign=sign, key=key,
                  policy_ref=policy_ref, author=author, author_email=author_email, meta=meta,
                  description=description)


def assign(repo, name, stage, version=None, ref=None, name_version=None, message=None, simple=False,
           force=False, push=False, skip_registration=False, stdout=False, author=None, author_email=None,
           *, dry_run=False, remote="origin", sign=None, key=None, policy_ref=None, meta=None, description=None):
    """Assign `stage` to a version of `name`: the registered `version`, or
    the commit `ref` (registered first as `name_version`, or the next
    version, unless skip_registration). Returns the assignment (an Event)."""
    from . import plan, tags
    from .errors import WrongArgs

    with _printing(stdout):
        tags.check_artifact(name)
        if version is not None and ref is not None:
            raise WrongArgs("One and only one of (version, rev) must be specified.")
        ws = _open(repo)
        ws.config.check_stage(stage)
        if ref is None and version is None:
            ref = "HEAD"
        commit = ws.resolve(ref) if ref is not None else None
        wanted = name_version if ref is not None else version  # (REF + name_version: the version to register)

    def make(registry, records):
        req = plan.Request(registry, records, name, message, _simple(simple), force)
        return plan.plan_assign(req, stage, commit, wanted, skip_registration)

    return _write(ws, name, make, dry_run=dry_run, push=push, remote=remote, stdout=stdout, sign=sign, key=key,
                  policy_ref=policy_ref, author=author, author_email=author_email, meta=meta,
                  description=description)


def _deprecation(repo, name, ref, version, stage, message, stdout, simple, force, delete, push, author,
                 author_email, dry_run, remote, sign, key, policy_ref, meta, description):
    """unassign, deregister and deprecate: the three forms of `deprecate`."""
    from . import plan, tags
    from .errors import WrongArgs

    with _printing(stdout):
        tags.check_artifact(name)
        ws = _open(repo)
        if stage is not None:
            ws.config.check_stage(stage)
        if (stage is not None or version is not None) and ref is not None:
            if version is not None:
                raise WrongArgs("One and only one of (version, rev) must be specified.")
            version = _version_at(ws, name, ws.resolve(ref))
            ref = None
        commit = ws.resolve(ref) if ref is not None else None
        head = ws.head() if version is None and commit is None else None

    def make(registry, records):
        req = plan.Request(registry, records, name, message, _simple(simple), force)
        if stage is not None:
            return plan.plan_unassign(req, version, stage, delete)
        if version is not None:
            return plan.plan_deregister(req, version, delete)
        return plan.plan_deprecate(req, commit, head, delete)

    return _write(ws, name, make, dry_run=dry_run, push=push, remote=remote, stdout=stdout, sign=sign, key=key,
                  policy_ref=policy_ref, author=author, author_email=author_email, meta=meta,
                  description=description)


def _version_at(ws, name, commit):
    """gto's `ref=` of unassign/deregister: the (greatest active) version at a commit."""
    from . import registry as reg
    from .errors import VersionRequired

    art = ws.registry(name).get(name)
    at = [v for v in reg.sort_versions(art.versions) if v.commit == commit and v.is_active] \
        or [v for v in art.versions if v.commit == commit]
    if not at:
        raise VersionRequired(f"No versions found for '{name}'")
    return at[0].name


def unassign(repo, name, ref=None, version=None, stage=None, message=None, stdout=False, simple=None, force=False,
             delete=False, push=False, author=None, author_email=None, *, dry_run=False, remote="origin",
             sign=None, key=None, policy_ref=None, meta=None, description=None):
    """Unassign `stage` from `version` (or the version at `ref`) of `name`;
    delete=True deletes the stage's tags instead. Returns the unassignment
    (an Event), None with delete."""
    from .errors import WrongArgs

    if stage is None:
        raise WrongArgs("'stage' is required")
    return _deprecation(repo, name, ref, version, stage, message, stdout, simple, force, delete, push, author,
                        author_email, dry_run, remote, sign, key, policy_ref, meta, description)


def deregister(repo, name, ref=None, version=None, message=None, stdout=False, simple=None, force=False,
               delete=False, push=False, author=None, author_email=None, *, dry_run=False, remote="origin",
               sign=None, key=None, policy_ref=None, meta=None, description=None):
    """Deregister `version` (or the version at `ref`) of `name`; delete=True
    deletes the version's tags instead. Returns the deregistration (an
    Event), None with delete."""
    from .errors import WrongArgs

    if version is None and ref is None:
        raise WrongArgs("One and only one of (version, rev) must be specified.")
    return _deprecation(repo, name, ref, version, None, message, stdout, simple, force, delete, push, author,
                        author_email, dry_run, remote, sign, key, policy_ref, meta, description)


def deprecate(repo, name, ref=None, message=None, stdout=False, simple=None, force=False, delete=False,
              push=False, author=None, author_email=None, *, dry_run=False, remote="origin", sign=None, key=None,
              policy_ref=None, meta=None, description=None):
    """Deprecate artifact `name` (the tag goes on `ref`, default HEAD);
    delete=True deletes all its tags instead. Returns the deprecation (an
    Event), None with delete."""
    return _deprecation(repo, name, ref, None, None, message, stdout, simple, force, delete, push, author,
                        author_email, dry_run, remote, sign, key, policy_ref, meta, description)


# -- annotations (gto 0.2.x) ------------------------------------------------------


def annotate(repo, name, type=None, path=None, must_exist=False, allow_same_path=False,  # noqa: A002
             labels=None, description=None, custom=None, *, dry_run=False, stdout=False):
    """Add or update `name`'s entry in the work tree's artifacts.yaml (gto
    0.2.x's rules; commit it yourself). Returns the new entry (an
    Annotation). Raises PathIsUsed, NoFile, UnknownType as gto does."""
    from . import annotations as ann
    from . import output, tags
    from .errors import NoFile, WrongArgs

    labels = list(labels or [])
    with _printing(stdout):
        tags.check_artifact(name)
        for label in labels:
            tags.check_name(label)
        ws = _open(repo)
        if type is not None:
            ws.config.check_type(type)
        if must_exist:
            if not path:
                raise WrongArgs("`path` is required when `must_exist` is set to True")
            found = ws.repo.cat_objects(["HEAD:" + _norm(path)])
            if not found or found[0] is None:
                raise NoFile(f"Nothing found in '{path}' for checked out commit")
        change = dict(type=type, path=path, must_exist=must_exist, labels=labels, description=description,
                      custom=custom)
        if dry_run:
            index = ann.load_worktree(ws.repo.root)
            _annotate(index, name, change, allow_same_path)
            output.echo("Would update `artifacts.yaml` with:")
            output.echo(ann.dump({name: index[name]}).rstrip("\n"))
            return Annotation(index[name])
        with ann.LockedIndex(ws.repo.root) as index:
            _annotate(index, name, change, allow_same_path)
            entry = index[name]
        output.echo("Updated `artifacts.yaml`")
    return Annotation(entry)


def _annotate(index, name, change, allow_same_path):
    from .errors import PathIsUsed

    if change["path"] and not allow_same_path:
        for other_name, other in index.items():
            if other_name != name and other.get("path") and _overlaps(change["path"], other["path"]):
                raise PathIsUsed(f"Provided path conflicts with '{other['path']}' ('{other['type']}' "
                                 f"'{other_name}'). Use --allow-same-path to allow it.")
    index[name] = _updated(index.get(name), change)


def _updated(old, change):
    """gto's update rules of an annotation (reference §7.2)."""
    if old is None:
        return {"type": change["type"], "path": change["path"], "virtual": not change["must_exist"],
                "labels": list(change["labels"]), "description": change["description"] or "",
                "custom": change["custom"]}
    new = dict(old)
    new["type"] = change["type"] or old["type"]
    new["path"] = change["path"] or old["path"]
    if change["must_exist"]:
        new["virtual"] = False
    elif change["path"]:
        new["virtual"] = True
    new["labels"] = sorted(set(old["labels"]) | set(change["labels"]))
    new["description"] = change["description"] or old["description"]
    new["custom"] = change["custom"] or old["custom"]
    return new


def _norm(path):
    import posixpath

    return path if "://" in path else posixpath.normpath(path.replace("\\", "/"))


def _overlaps(a, b):
    a, b = _norm(a), _norm(b)
    return a == b or a.startswith(b.rstrip("/") + "/") or b.startswith(a.rstrip("/") + "/")


def remove(repo, name, *, dry_run=False, stdout=False):
    """Remove `name`'s entry from the work tree's artifacts.yaml (commit it
    yourself). Raises ArtifactNotFound when it has none."""
    from . import annotations as ann
    from . import output, tags
    from .errors import ArtifactNotFound

    with _printing(stdout):
        tags.check_artifact(name)
        ws = _open(repo)
        if dry_run:
            if name not in ann.load_worktree(ws.repo.root):
                raise ArtifactNotFound(f"Cannot find artifact '{name}'")
            output.echo(f"Would remove '{name}' from `artifacts.yaml`")
            return
        with ann.LockedIndex(ws.repo.root) as index:
            if name not in index:
                raise ArtifactNotFound(f"Cannot find artifact '{name}'")
            del index[name]
        output.echo("Updated `artifacts.yaml`")
