"""state + request -> checks -> the tags to create or delete. Pure.

The checks and their order follow reference §4.9 with the changes of
DECISIONS §4. A plan is a list of Actions; acting on it is apply.py's job."""

from . import registry as reg
from . import tags as T
from .errors import (ArtifactNotFound, GTOError, InvalidVersion, NoStageForVersion, TagExists, VersionAlreadyRegistered,
                     VersionExistsForCommit, VersionRequired, WrongArgs)
from .versions import FIRST_VERSION, bump, check_version, did_you_mean, is_version

FORCE_HINT = "Use the '--force' flag to create a new Git tag nevertheless."

DEFAULT_MESSAGES = {
    T.REGISTRATION: "Registering artifact {artifact} version {version}",
    T.DEREGISTRATION: "Deregistering artifact {artifact} version {version}",
    T.ASSIGNMENT: "Assigning stage {stage} to artifact {artifact} version {version}",
    T.UNASSIGNMENT: "Unassigning stage '{stage}' to artifact '{artifact}' version '{version}'",
    T.DEPRECATION: "Deprecating artifact '{artifact}'",
}


class Action:
    """Create tag `tag` on `commit`, or delete it (`oid` = what it pointed
    at when read, so a concurrent change is never deleted blindly)."""

    __slots__ = ("delete", "tag", "kind", "commit", "message", "version", "oid", "warning")

    def __init__(self, tag, kind, commit=None, message=None, version=None, delete=False, oid=None):
        self.delete = delete
        self.tag = tag
        self.kind = kind
        self.commit = commit
        self.message = message
        self.version = version
        self.oid = oid
        self.warning = None  # printed on stderr when the tag is made (--force past the interop rule)

    def __repr__(self):
        return f"Action({'delete' if self.delete else 'create'} {self.tag})"


class Request:
    """What every write command shares: the tag records (for counters and
    existing names), the artifact's registry, and the user's options."""

    def __init__(self, registry, records, artifact, message=None, simple="auto", force=False):
        self.registry = registry
        self.records = records
        self.artifact = artifact
        self.message = message
        self.simple = simple
        self.force = force
        self.names = {r.name for r in records}

    @property
    def art(self):
        return self.registry.artifact(self.artifact)

    def create(self, kind, commit, version=None, stage=None, counter_form=False):
        """An Action creating the event tag, in the simple or counter form.
        `--simple auto` takes the counter form when the simple tag is taken."""
        simple_name = T.format_tag(self.artifact, kind, version=version, stage=stage)
        if not counter_form and (self.simple != "auto" or simple_name not in self.names):
            name = simple_name
        else:
            name = T.format_tag(self.artifact, kind, version=version, stage=stage,
                                counter=reg.next_counter(self.records, self.artifact))
        if max(len(part.encode("utf-8")) for part in name.split("/")) > T.MAX_REF_COMPONENT:
            raise GTOError(f"The tag name '{T.shown(name)}' would be too long for git "
                           f"(at most {T.MAX_REF_COMPONENT} bytes between slashes)")
        if name in self.names:
            raise TagExists(f"tag '{name}' already exists (a simple tag exists only once: "
                           f"delete it first, or use --simple false)")
        text = self.message or DEFAULT_MESSAGES[kind].format(artifact=self.artifact, version=version, stage=stage)
        return Action(name, kind, commit, text, version)

    def delete(self, events):
        """Delete the tags of `events`, oldest first."""
        oids = {r.name: r.oid for r in self.records}
        return [Action(e.ref, e.kind, e.commit, version=e.version, delete=True, oid=oids[e.ref])
                for e in sorted(events, key=lambda e: e.key)]


def tag_date(now, latest):
    """A new tag's date: `now` ((unix time, "+hhmm")), moved to one second
    after the artifact's `latest` event when the clock has not passed it.
    Readers order events by date first, so a write never ties with the
    events before it (three writes in one second keep their order)."""
    when, tz = now
    if latest is not None and when <= latest:
        when = latest + 1
    return when, tz


def _counter_form(simple, default_simple):
    if simple == "true":
        return False
    if simple == "false":
        return True
    return not default_simple


# -- register ----------------------------------------------------------------


def choose_version(req, version=None, bump_part=None):
    """The name of a new version: --version, or a bump of the latest active
    registered version (patch by default), or v0.0.1; a name that a
    deregistered version keeps is skipped."""
    art = req.art
    if version is not None:
        if not is_version(version):
            raise InvalidVersion(f"Supplied version '{version}' cannot be parsed{did_you_mean(version)}")
        return version
    latest = reg.latest(art) if art else None
    if latest is None and bump_part is not None:
        raise WrongArgs("Can't apply bump, because this is the first version being registered")
    name = FIRST_VERSION if latest is None else bump(latest.name, bump_part or "patch")
    while art is not None and art.named(name) is not None:
        name = bump(name, bump_part or "patch")
    return name


# The interoperability rule (DECISIONS §4): what gto 1.x cannot read needs --force.
TWO_REGISTRATIONS = ("Version '{version}' was deregistered on this commit: registering it again makes "
                     "a second registration of one version, which gto 1.x cannot read ('Multiple "
                     "registrations are not supported'). Use --force to do it anyway.")
FORCED = "--force: {what}, which gto 1.x cannot read{when}"
EVERY_GTO_COMMAND = "every gto 1.x command in this repository then fails ('Multiple versions are not allowed on the same Git commit')"
STAGE_ON_VERSIONS = ("{doing} on commit {commit}, where '{artifact}' has {count} versions ({names}), makes a registry "
                     "gto 1.x cannot read: {breaks}. Use --force to do it anyway.")


def plan_register(req, commit, version=None, bump_part=None, counter_form=None):
    art = req.art
    at_commit = art.registered_at(commit) if art else []
    active = [v for v in at_commit if v.is_active and v.is_registered]
    if active and not req.force:
        raise VersionExistsForCommit(f"'{req.artifact}' is already registered in this commit with version "
                       f"'{active[0].name}'. Use --force to add another version on this commit.")
    if version is None and at_commit and not active:
        version = at_commit[0].name  # a deregistered version keeps its commit (GTO)
    elif version is not None and at_commit and not active and not req.force \
            and version not in {v.name for v in at_commit}:
        raise WrongArgs(f"For this REF you can only register {at_commit[0].name} "
                       f"(or use --force to add another version on this commit)")
    name = choose_version(req, version, bump_part)
    taken = art.named(name) if art else None
    if taken is not None and taken.commit != commit:
        raise VersionAlreadyRegistered(f"Version '{name}' already was registered.")
    if taken is not None and taken.is_active:
        raise VersionExistsForCommit(f"'{req.artifact}' is already registered in this commit with version '{name}'")
    if taken is not None and not req.force:
        raise VersionAlreadyRegistered(TWO_REGISTRATIONS.format(version=name))
    if counter_form is None:
        counter_form = _counter_form(req.simple, default_simple=True)
    action = req.create(T.REGISTRATION, commit, version=name, counter_form=counter_form)
    if taken is not None:
        action.warning = FORCED.format(what=f"'{req.artifact}' now has two registrations of {name}", when="")
    elif at_commit:
        names = ", ".join([v.name for v in at_commit] + [name])
        what = f"'{req.artifact}' now has {len(at_commit) + 1} versions on commit {commit[:7]} ({names})"
        staged = any(v.stages for v in art.find(commit=commit))  # gto 1.x fails whatever the order
        action.warning = FORCED.format(what=what, when=f", as a stage tag is there: {EVERY_GTO_COMMAND}" if staged
                                       else " once a stage is assigned there")
    return [action]


def _stage_tag_interop(req, action, registering=()):
    """The interoperability rule for a stage tag: gto 1.x gives a stage tag
    to the one version on its commit, and fails on every command when there
    are several (even deregistered ones). `registering`: versions the same
    plan registers there first."""
    art = req.art
    names = [v.name for v in (art.registered_at(action.commit) if art else [])]
    names += [n for n in registering if n not in names]
    if len(names) < 2:
        return action
    doing = "Assigning a stage" if action.kind == T.ASSIGNMENT else "Unassigning a stage"
    if not req.force:
        raise GTOError(STAGE_ON_VERSIONS.format(doing=doing, commit=action.commit[:7], artifact=req.artifact,
                                                count=len(names), names=", ".join(names), breaks=EVERY_GTO_COMMAND))
    action.warning = (f"--force: a stage tag of '{req.artifact}' on commit {action.commit[:7]}, which holds "
                      f"{len(names)} of its versions ({', '.join(names)}), is what gto 1.x cannot read: "
                      f"{EVERY_GTO_COMMAND}")
    return action


# -- assign ------------------------------------------------------------------


def plan_assign(req, stage, commit=None, version=None, skip_registration=False, bump_part=None):
    """commit None: assign the registered `version`; else assign at `commit`,
    registering it first (as `version`, or the next version) unless
    `skip_registration`."""
    if version is not None:
        check_version(version)
    if version is not None and skip_registration:
        raise WrongArgs("You either need to supply version name or skip registration")
    art = req.art
    actions = []
    if commit is None:
        target = art.named(version) if art else None
        if target is None:
            raise WrongArgs(f"Version '{version}' is not registered")
        name, commit = target.name, target.commit
        _check_owner(art, target, "assigned a stage")
    else:
        target = art.version_at(commit) if art else None
        if target is not None and target.discovered and not skip_registration:
            target = None  # only annotated or assigned: register it now
        if target is not None and version is not None and version != target.name:
            raise WrongArgs(f"Can't register '{version}', since '{target.name}' is registered already at this ref")
        if target is not None:
            name = target.name
        elif skip_registration:
            name = commit
        else:
            actions = plan_register(req, commit, version, bump_part, counter_form=False)
            name = actions[0].version
    if target is not None and not req.force:
        _check_assignable(req, art, target)
        holders = reg.stage_holders(art)
        if target in holders.get(stage, ()):
            raise WrongArgs(f"Version '{name}' is already in stage '{stage}'. {FORCE_HINT}")
    counter_form = _counter_form(req.simple, default_simple=False)
    assignment = req.create(T.ASSIGNMENT, commit, version=name, stage=stage, counter_form=counter_form)
    return actions + [_stage_tag_interop(req, assignment, [a.version for a in actions])]


def _check_assignable(req, art, target):
    """A stage on a deregistered version counts for nothing, and one on a
    deprecated artifact revives it: neither without --force (a "Created"
    that changes nothing is a trap)."""
    if target.is_registered and not target.is_active:
        raise GTOError(f"Version '{target.name}' was deregistered: a stage assigned to it would have no effect "
                       f"(only registered versions hold stages). {FORCE_HINT}")
    if not art.is_active:
        raise GTOError(f"Artifact '{req.artifact}' was deprecated: assigning a stage to its version "
                       f"'{target.name}' would revive it. {FORCE_HINT}")


# -- deprecate NAME VERSION STAGE / NAME VERSION / NAME ----------------------


def _check_owner(art, target, what, stage=None):
    """A stage tag names only a commit: refuse a stage event for `target` that
    readers would give to another version on its commit (DECISIONS §4)."""
    owner = art.version_at(target.commit, stage=stage)
    if owner is not None and owner is not target:
        why = f"the version holding '{stage}' there" if stage else "the greatest version active there"
        raise WrongArgs(f"Version '{target.name}' cannot be {what}: a stage tag names only a commit, and on "
                       f"commit {target.commit[:7]} it would belong to '{owner.name}', {why}")


def _existing(req):
    art = req.art
    if art is None:
        raise ArtifactNotFound(f"Cannot find artifact '{req.artifact}'{req.registry.hint(req.artifact)}")
    return art


def plan_unassign(req, version, stage, delete=False):
    check_version(version)
    art = _existing(req)
    target = art.named(version)
    if target is None:
        raise VersionRequired(f"No versions found for '{req.artifact}' with version '{version}'")
    vstage = target.stages.get(stage)
    if delete:
        if vstage is None:
            raise NoStageForVersion(f"Stage '{stage}' is not assigned to a version '{version}'")
        return req.delete(vstage.assignments + vstage.unassignments)
    if not req.force and (vstage is None or not vstage.is_active):
        raise NoStageForVersion(f"Stage '{stage}' is not assigned to a version '{version}'")
    _check_owner(art, target, f"unassigned from '{stage}'", stage)
    return [_stage_tag_interop(req, req.create(T.UNASSIGNMENT, target.commit, version=version, stage=stage,
                                               counter_form=_counter_form(req.simple, default_simple=False)))]


def plan_deregister(req, version, delete=False):
    check_version(version)
    art = req.art
    target = art.named(version) if art else None
    if target is None:
        if req.force and not delete:
            raise WrongArgs("Can't deregister a version that have no git tags")
        if art is None:
            raise ArtifactNotFound(f"Cannot find artifact '{req.artifact}'{req.registry.hint(req.artifact)}")
        raise VersionRequired(f"No versions found for '{req.artifact}' with version '{version}'")
    if delete:
        return req.delete(target.registrations + target.deregistrations + target.stage_events)
    if not req.force:
        if not target.is_registered:
            raise WrongArgs(f"The version at ref '{target.commit}' is not registered")
        if not target.is_active:
            raise WrongArgs(f"The version at ref '{target.commit}' was deregistered already")
    return [req.create(T.DEREGISTRATION, target.commit, version=version,
                       counter_form=_counter_form(req.simple, default_simple=True))]


def plan_deprecate(req, commit=None, head=None, delete=False):
    """commit: --ref resolved, else None (the commit of the latest event)."""
    art = req.art
    if req.force and req.simple == "true":
        raise WrongArgs("Can't use 'force' with 'simple=True'")
    if not req.force:
        if art is None:
            raise ArtifactNotFound(f"Cannot find artifact '{req.artifact}'{req.registry.hint(req.artifact)}")
        if not art.is_active:
            raise WrongArgs("Artifact was deprecated already")
    if delete:
        if art is None:
            raise ArtifactNotFound(f"Cannot find artifact '{req.artifact}'{req.registry.hint(req.artifact)}")
        return req.delete([e for e in art.events if e.kind != T.COMMIT])
    if commit is None:
        latest = max(art.events, key=lambda e: e.key) if art and art.events else None
        commit = latest.commit if latest else head
    if commit is None:
        raise WrongArgs("There is no commit to put the deprecation tag on (use --ref)")
    counter_form = req.force or _counter_form(req.simple, default_simple=True)
    return [req.create(T.DEPRECATION, commit, counter_form=counter_form)]
