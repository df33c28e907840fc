"""Tags (and annotations) -> registry state, and the queries on it. Pure.

Events are ordered by tagger date, then counter, then tag name (DECISIONS §3),
never by the order in which git lists refs."""

from operator import attrgetter, itemgetter

from . import tags as T
from .errors import ArtifactNotFound, WrongArgs

ADDITIONS = (T.COMMIT, T.CREATION, T.REGISTRATION, T.ASSIGNMENT)


class Event:
    __slots__ = ("kind", "artifact", "version", "stage", "commit", "timestamp", "tz",
                 "author", "email", "message", "ref", "counter", "key", "annotation")

    def __init__(self, kind, artifact, commit, timestamp, tz, author, email, message, ref,
                 version=None, stage=None, counter=None, annotation=None):
        self.kind = kind
        self.artifact = artifact
        self.version = version
        self.stage = stage
        self.commit = commit
        self.timestamp = timestamp
        self.tz = tz
        self.author = author
        self.email = email
        self.message = message
        self.ref = ref  # the tag name, or the commit hexsha for commit events
        self.counter = counter
        self.annotation = annotation
        self.key = (timestamp, -1 if counter is None else counter, ref)

    @property
    def addition(self):
        return self.kind in ADDITIONS

    def __repr__(self):
        return f"Event({self.kind}, {self.ref})"


def _latest(events):
    return max(events, key=_key) if events else None


def _last_of(a, b):
    """The latest event of two lists that are each sorted by key."""
    if not a:
        return b[-1] if b else None
    if not b:
        return a[-1]
    return a[-1] if a[-1].key > b[-1].key else b[-1]


_key = attrgetter("key")  # the sort key of events (C-level: sorts run over every tag)
_first = itemgetter(0)


class VStage:
    """One stage of one version: its assignments and unassignments.

    `last_event` is computed once: build() has added every event by then
    (the registry queries ask for it several times per stage)."""

    __slots__ = ("version", "stage", "assignments", "unassignments", "_last")

    def __init__(self, version, stage):
        self.version = version
        self.stage = stage
        self.assignments = []
        self.unassignments = []
        self._last = None

    @property
    def last_event(self):
        if self._last is None:
            self._last = _last_of(self.assignments, self.unassignments)
        return self._last

    @property
    def is_active(self):
        last = self.last_event
        return last is not None and last.kind == T.ASSIGNMENT

    @property
    def activation_key(self):
        """Sort key of the time this stage became active (its latest event)."""
        return self.last_event.key

    @property
    def authoring_event(self):
        return _authoring(self.assignments + self.unassignments, [])


def _authoring(direct, indirect):
    """GTO's "authoring event": the latest addition among the object's own
    events, else the latest of its other events."""
    additions = [e for e in direct if e.addition]
    return _latest(additions) or _latest(direct) or _latest(indirect)


class Version:
    __slots__ = ("artifact", "name", "commit", "registrations", "deregistrations", "stages", "commit_events")

    def __init__(self, artifact, name, commit):
        self.artifact = artifact
        self.name = name  # a SemVer name, or the commit hexsha when unnamed
        self.commit = commit
        self.registrations = []
        self.deregistrations = []
        self.stages = {}  # stage -> VStage, in order of first assignment
        self.commit_events = []

    @property
    def has_registry_events(self):
        return bool(self.registrations or self.deregistrations)

    @property
    def is_registered(self):
        return bool(self.registrations)

    @property
    def discovered(self):
        return not self.has_registry_events

    @property
    def is_active(self):
        if self.has_registry_events:
            return _last_of(self.registrations, self.deregistrations).kind == T.REGISTRATION
        return bool(self.stages or self.commit_events)

    def active_at(self, key=None):
        """Active just before the event with sort key `key` (None: now)."""
        if key is None:
            return self.is_active
        last = None
        for e in self.registrations + self.deregistrations:
            if e.key < key and (last is None or e.key > last.key):
                last = e
        return last is not None and last.kind == T.REGISTRATION

    def active_vstages(self):
        """Its active stages, the earliest activated first. (Inlined: this runs
        for every version of every artifact in a registry read.)"""
        active = []
        for vstage in self.stages.values():
            last = vstage.last_event
            if last is not None and last.kind == T.ASSIGNMENT:
                active.append((last.key, vstage))
        if len(active) > 1:
            active.sort(key=_first)
        return [vstage for _, vstage in active]

    @property
    def stage_events(self):
        return [e for vs in self.stages.values() for e in vs.assignments + vs.unassignments]

    @property
    def events(self):
        return self.registrations + self.deregistrations + self.stage_events + self.commit_events

    @property
    def authoring_event(self):
        return _authoring(self.registrations + self.deregistrations, self.stage_events + self.commit_events)

    def vstage(self, stage):
        vs = self.stages.get(stage)
        if vs is None:
            vs = self.stages[stage] = VStage(self, stage)
        return vs

    def __repr__(self):
        return f"Version({self.artifact.name}, {self.name})"


class Artifact:
    __slots__ = ("name", "versions", "deprecations", "annotation", "shadowed", "_by_commit")

    def __init__(self, name):
        self.name = name
        self.versions = []
        self.deprecations = []
        self.shadowed = []  # its GTO-looking lightweight tags (events a CI checkout hid)
        self.annotation = None  # from artifacts.yaml / dvc.yaml at HEAD
        self._by_commit = {}  # commit -> [Version]

    @property
    def registered(self):
        """It has at least one GTO tag (else it is shown as `*name`)."""
        return bool(self.deprecations) or any(v.has_registry_events or v.stages for v in self.versions)

    @property
    def display_name(self):
        return self.name if self.registered else "*" + self.name

    @property
    def is_active(self):
        last_dep = _latest(self.deprecations)
        if last_dep is None:
            return bool(self.versions) or self.annotation is not None
        later = [e for v in self.versions for e in v.events if _after(e, last_dep)]
        return bool(later)

    @property
    def events(self):
        return self.deprecations + [e for v in self.versions for e in v.events]

    def add_version(self, name, commit):
        version = Version(self, name, commit)
        self.versions.append(version)
        self._by_commit.setdefault(commit, []).append(version)
        return version

    def find(self, name=None, commit=None):
        """Versions by name (and commit if given)."""
        if commit is not None:
            candidates = self._by_commit.get(commit, [])
        else:
            candidates = self.versions
        return [v for v in candidates if name is None or v.name == name]

    def registered_at(self, commit):
        """Versions with registration events at `commit`."""
        return [v for v in self._by_commit.get(commit, []) if v.has_registry_events]

    def version_at(self, commit, key=None, stage=None):
        """The version a stage event on `commit` belongs to; `key`: the event's
        sort key (None: an event made now). A stage tag names only a commit:
        with several registered versions there (a release candidate and its
        release), an assignment belongs to the greatest version active when
        it was made, and an unassignment (`stage`) to the version holding
        that stage then. A version registered later never takes over the past."""
        named = self.registered_at(commit)
        if len(named) == 1:
            return named[0]
        if named:
            if stage is not None:
                holding = [v for v in named if stage in v.stages and _holds(v.stages[stage])]
                named = holding or named
            active = [v for v in named if v.active_at(key)]
            from .versions import sort_key

            if active:
                return max(active, key=lambda v: sort_key(v.name))
            return max(named, key=lambda v: (v.is_active, sort_key(v.name)))
        unnamed = [v for v in self._by_commit.get(commit, []) if not v.has_registry_events]
        return unnamed[0] if unnamed else None

    def named(self, name):
        """The version called `name` (registered or deregistered), or None."""
        found = [v for v in self.versions if v.name == name and v.has_registry_events]
        if not found:
            return None
        return max(found, key=lambda v: _last_of(v.registrations, v.deregistrations).key)

    def __repr__(self):
        return f"Artifact({self.name})"


def _holds(vstage):
    """The stage is assigned by its latest event so far (build() adds events
    in order, so this is "at the time" while building, "now" after)."""
    last = _last_of(vstage.assignments, vstage.unassignments)
    return last is not None and last.kind == T.ASSIGNMENT


def _after(event, deprecation):
    # Commit events carry only a time: they revive an artifact when strictly later.
    if event.kind == T.COMMIT:
        return event.timestamp > deprecation.timestamp
    return event.key > deprecation.key


class Registry:
    """{artifact name -> Artifact}, in order of first appearance (GTO's
    passes: deprecations, then registrations, then assignments).

    Every event list is kept sorted by event key (build() adds events in
    that order), so the latest event of a list is its last one."""

    def __init__(self):
        self.artifacts = {}
        self.ignored_lightweight = []  # GTO-looking lightweight tags
        self.hint = lambda name: ""  # "; did you mean 'churn'?" for an unknown name (the reader sets it)

    def artifact(self, name, create=False):
        art = self.artifacts.get(name)
        if art is None and create:
            art = self.artifacts[name] = Artifact(name)
        return art

    def get(self, name):
        art = self.artifacts.get(name)
        if art is None:
            raise ArtifactNotFound(f"Cannot find artifact '{name}'{self.hint(name)}")
        return art


def tag_event(record, tag):
    return Event(tag.kind, tag.artifact, record.commit, record.timestamp, record.tz, record.tagger,
                 record.email, record.message, record.name, tag.version, tag.stage, tag.counter)


def parse_record(record):
    """(Tag or None, Event or None) for one TagRecord: no Tag for a non-GTO
    tag, no Event for a lightweight tag, a tag on a non-commit or the
    reserved `NAME@created`. The reader runs this while git is still
    writing (git.Repo.read_tags' `parse` hook)."""
    name = record.name
    tag = T.parse_tag(name) if "@" in name or "#" in name else None
    if tag is None or not record.annotated or record.commit is None or tag.kind == T.CREATION:
        return tag, None
    return tag, tag_event(record, tag)


def build(records, artifact=None):
    """Build the registry from TagRecords (git.read_tags), optionally only
    for one artifact. Lightweight tags, non-GTO tags, tags on non-commits and
    the reserved `NAME@created` are ignored."""
    registry = Registry()
    passes = ([], [], [])
    for record in records:
        tag, event = record.parsed or parse_record(record)
        if tag is None or (artifact is not None and tag.artifact != artifact):
            continue
        if not record.annotated:
            registry.ignored_lightweight.append(record.name)
        if event is None:
            continue
        if tag.kind == T.DEPRECATION:
            passes[0].append(event)
        elif tag.kind in (T.REGISTRATION, T.DEREGISTRATION):
            passes[1].append(event)
        else:
            passes[2].append(event)
    for events in passes:
        events.sort(key=_key)
    for event in passes[0]:
        registry.artifact(event.artifact, create=True).deprecations.append(event)
    named = {}  # (artifact, version name, commit) -> Version
    for event in passes[1]:
        key = (event.artifact, event.version, event.commit)
        version = named.get(key)
        if version is None:
            art = registry.artifact(event.artifact, create=True)
            version = named[key] = art.add_version(event.version, event.commit)
        (version.registrations if event.kind == T.REGISTRATION else version.deregistrations).append(event)
    # The usual case: one registered version at the commit. Registrations are
    # all in by now, so that answer holds for every stage event on the commit.
    registered = {}  # (artifact, commit) -> the versions registered there
    for version in named.values():
        registered.setdefault((version.artifact.name, version.commit), []).append(version)
    for event in passes[2]:
        art = registry.artifact(event.artifact, create=True)
        found = registered.get((event.artifact, event.commit), ())
        version = found[0] if len(found) == 1 else None
        if version is None:
            stage = event.stage if event.kind == T.UNASSIGNMENT else None
            version = art.version_at(event.commit, event.key, stage) or art.add_version(event.commit, event.commit)
        event.version = version.name
        vstage = version.vstage(event.stage)
        (vstage.assignments if event.kind == T.ASSIGNMENT else vstage.unassignments).append(event)
    for name in registry.ignored_lightweight:
        art = registry.artifacts.get(T.parse_tag(name).artifact)
        if art is not None:
            art.shadowed.append(name)
    return registry


def appearance_key(art):
    """Where build() puts `art` among the registry's artifacts: those first
    seen in the deprecation pass, then in the registration pass, then in the
    assignment pass, each by the key of its first event in that pass. None
    for an artifact without events (annotations add those after, in file
    order). The registry cache orders the artifacts it did not rebuild by it."""
    if art.deprecations:
        return (0, art.deprecations[0].key)
    keys = [e.key for v in art.versions for e in v.registrations + v.deregistrations]
    if keys:
        return (1, min(keys))
    keys = [e.key for v in art.versions for e in v.stage_events]
    return (2, min(keys)) if keys else None


def add_annotations(registry, annotations, commit, at_head=True):
    """Artifacts listed in artifacts.yaml / dvc.yaml at a commit: an artifact
    with no version at that commit gets an unnamed one; the annotation at
    HEAD is the artifact's own."""
    for name, annotation in annotations.items():
        art = registry.artifact(name, create=True)
        if at_head:
            art.annotation = annotation
        if not art.find(commit=commit):
            art.add_version(commit, commit)


def add_commit_events(registry, commits, artifacts=None):
    """Give every version a `commit` event from its commit's metadata
    (`commits`: sha -> CommitInfo)."""
    for art in registry.artifacts.values():
        if artifacts is not None and art.name not in artifacts:
            continue
        for version in art.versions:
            info = commits.get(version.commit)
            if info is None or version.commit_events:
                continue
            annotation = art.annotation if info.is_head else None
            version.commit_events.append(Event(
                T.COMMIT, art.name, version.commit, info.timestamp, info.tz, info.author,
                info.author_email, info.message, version.commit, version=version.name,
                annotation=annotation))


# -- queries -----------------------------------------------------------------


def sort_versions(versions, by="semver"):
    if by == "timestamp":
        return sorted(versions, key=lambda v: v.authoring_event.key, reverse=True)
    from .versions import sort_key

    return sorted(versions, key=lambda v: sort_key(v.name), reverse=True)


def listed_versions(art, active_only=True, registered_only=False, discovered=True):
    """The versions `show NAME` lists, greatest SemVer first."""
    chosen = []
    for v in art.versions:
        if active_only and not v.is_active:
            continue
        if not active_only or (v.is_registered and not v.discovered) \
                or (discovered and v.discovered) or (not registered_only and not v.is_registered):
            chosen.append(v)
    return sort_versions(chosen)


def latest(art):
    """The greatest active registered version, or None."""
    from .versions import is_version, precedence

    best, best_key = None, None
    for v in art.versions:
        if v.registrations and is_version(v.name) and v.is_active:
            key = precedence(v.name)
            if best is None or key > best_key:
                best, best_key = v, key
    return best


def check_limits(vs, av):
    if av < -1:
        raise WrongArgs("'assignments_per_version' must be >= -1")
    if vs < -1:
        raise WrongArgs("'versions_per_stage' must be >= -1")


def _staged_versions(art, registered_only):
    """Active versions with stages: the only ones that can hold a stage."""
    return [v for v in art.versions if v.stages and v.is_active and (v.is_registered or not registered_only)]


def stage_holders(art, sort="timestamp", vs=1, av=-1, registered_only=False):
    """stage -> [Version] per GTO's rules (reference §4.7), with `--av N`
    keeping each version's N *latest* active stages (DECISIONS §4)."""
    check_limits(vs, av)
    versions = _staged_versions(art, registered_only)
    if sort == "semver":
        # (By timestamp, the kept stages are sorted by their own keys below,
        # which are unique: the order of the versions does not matter.)
        versions = sort_versions(versions, sort)
    kept = []
    for v in versions:
        active = v.active_vstages()
        if av >= 0:
            active = active[len(active) - av:] if av else []
        kept.extend(active)
    if sort == "timestamp":
        kept.sort(key=_activation, reverse=True)
    holders = {}
    for s in kept:
        lst = holders.setdefault(s.stage, [])
        if s.version in lst or (vs >= 0 and len(lst) >= vs):
            continue
        lst.append(s.version)
    return holders


def _activation(vstage):
    return vstage.activation_key


def active_stages(art, registered_only=False):
    """Stages with an active assignment on an active version."""
    return {s.stage for v in _staged_versions(art, registered_only) for s in v.stages.values() if s.is_active}


def version_stages(version, holders):
    """The stages a version holds after filtering, in the order of the stage
    map (GTO: the stage whose winning assignment is newest comes first)."""
    return [stage for stage, versions in holders.items() if version in versions]


def history(registry, artifact=None, ascending=False):
    return merge_history([history_of(a) for a in registry.artifacts.values()
                          if artifact is None or a.name == artifact], ascending)


def history_of(art):
    """The artifact's journal: its events but commit events."""
    return [e for e in art.events if e.kind != T.COMMIT]


def merge_history(journals, ascending=False):
    events = [e for journal in journals for e in journal]
    events.sort(key=_key, reverse=not ascending)
    return events


# Events as JSON (the registry cache stores them): every slot but the
# annotation, which events of the journal never carry.
_EVENT_FIELDS = tuple(f for f in Event.__slots__ if f not in ("key", "annotation"))


def dump_events(events):
    return [[getattr(e, f) for f in _EVENT_FIELDS] for e in events]


def load_events(rows):
    return [Event(**dict(zip(_EVENT_FIELDS, row))) for row in rows]


def next_counter(records, artifact):
    """1 + the greatest counter among every tag of `artifact`, lightweight
    ones included (GTO counts them too)."""
    best = 0
    for record in records:
        tag = T.parse_tag(record.name)
        if tag is not None and tag.counter is not None and tag.artifact == artifact:
            best = max(best, tag.counter)
    return best + 1
