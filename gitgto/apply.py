"""Act on a plan: create or delete the tags, print what happened, push.

A race lost to another writer (the tag appeared, or a tag to delete moved)
re-reads the tags and re-plans, a bounded number of times; nothing is ever
overwritten."""

import random
import time

from . import output, plan, tags as T
from .errors import GTOError

ATTEMPTS = 10

CREATED = {
    T.REGISTRATION: "Created git tag '{tag}' that registers version",
    T.DEREGISTRATION: "Created git tag '{tag}' that deregisters version",
    T.ASSIGNMENT: "Created git tag '{tag}' that assigns stage to version '{version}'",
    T.UNASSIGNMENT: "Created git tag '{tag}' that unassigns stage from version '{version}'",
    T.DEPRECATION: "Created git tag '{tag}' that deprecates artifact",
}


class LostRace(Exception):
    pass


def describe(action, dry_run=False):
    if action.delete:
        text = f"Deleted git tag '{action.tag}'"
    else:
        text = CREATED[action.kind].format(tag=action.tag, version=action.version)
    return ("Would have " + text[0].lower() + text[1:]) if dry_run else text


def execute(ws, artifact, make_plan, dry_run=False, push=False, remote="origin", signing=None, ident=None,
            facts=None):
    """make_plan(registry, records) -> [Action]; re-run after a lost race.
    signing: `sign`, `local_user`, `policy_ref`: how to sign, and the
    policy every new tag is checked against before anything is created.
    ident: (name, email) of the tagger (the API's author=), default git's.
    facts: [(key, value)] every new tag carries as trailers (facts.py)."""
    sign, key = (signing.sign, signing.local_user) if signing is not None else (None, None)
    governance = _governance(ws, signing)
    if push and not ws.remote_url and remote.startswith("-"):
        raise GTOError(f"Invalid remote '{remote}': a remote name or URL must not start with '-'")
    done = []
    if push or ws.remote_url:
        # Each tag is pushed right after it is made (reference §8.1, §5.8).
        def after(action):  # (a URL repository's registrations came from that remote)
            along = [] if ws.remote_url else _registration_of(registry, action, done)
            push_actions(ws, [action], ws.remote_url or remote, along)
    elif not dry_run:
        remotes = ws.repo.remotes()

        def after(action):  # no hint without the remote (a fresh or bare repository): `git push` could not work
            if remote in remotes():
                output.push_hint(action.tag, delete=action.delete, remote=remote)
    else:
        def after(action):
            pass
    for attempt in range(ATTEMPTS):
        registry = ws.registry(artifact, fields="state")  # plans need no messages
        actions = make_plan(registry, ws.records)
        if facts:
            _add_facts(actions, facts)
        if attempt == 0 and registry.artifact(artifact) is None and any(not a.delete for a in actions):
            ws.warn_if_near_miss(artifact)
        verdicts = governance.check_actions(registry, ws.records, actions, sign, key) if governance else []
        deletion_verdict = _check_deletions(governance, actions, push or bool(ws.remote_url))
        if dry_run:
            for action in actions:
                _report(action, dry_run=True)
            for result in verdicts:
                output.echo(f"The policy allows {result.line()}")
            if deletion_verdict:
                output.echo(deletion_verdict)
            return actions
        art = registry.artifact(artifact)
        latest = max((e.timestamp for e in art.events), default=None) if art else None
        try:
            _act(ws.repo, actions, done, after, latest, sign, key, ident)
            break
        except LostRace:
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    else:
        raise GTOError("Other writers kept changing this artifact's tags; nothing more was done. Try again.")
    return done


def _add_facts(actions, facts):
    """Facts go in every tag the write creates, as trailers of its message
    (signed with it when the tag is signed)."""
    from .facts import with_trailers

    for action in actions:
        if not action.delete:
            action.message = with_trailers(action.message, facts)


def _governance(ws, signing):
    """The repository's policy, or None when there is none to check."""
    from .governance import open_policy

    ref = getattr(signing, "policy_ref", None)
    governance = open_policy(ws.repo, ref, ws.config)
    return governance if governance.policy is not None else None


def _registration_of(registry, action, done):
    """The registration tags a pushed stage event goes with: the remote must
    not get a stage pointing at a bare commit because the registration was
    only made here. (Pushing one the remote has already is a no-op.) A
    registration this write made was pushed just before."""
    if action.delete or action.kind not in (T.ASSIGNMENT, T.UNASSIGNMENT):
        return []
    art = registry.artifact(T.parse_tag(action.tag).artifact)
    version = art.named(action.version) if art is not None and action.version else None
    made = {a.tag for a in done}
    return [e.ref for e in version.registrations if e.ref not in made] if version is not None else []


def _check_deletions(governance, actions, push):
    """`immutable: true` refuses pushes that delete GTO tags: a deletion to be
    pushed is refused before anything is deleted here (else the local tags
    go and the server refuses). Returns the verdict line --dry-run prints."""
    deleted = [a.tag for a in actions if a.delete]
    if governance is None or not deleted:
        return None
    where = governance.policy.where
    if not governance.policy.immutable:
        return f"The policy ({where}) allows deleting {', '.join(deleted)}"
    if push:
        from .errors import PolicyViolation

        raise PolicyViolation(f"The policy ({where}) refuses deleting {', '.join(deleted)} in a push: "
                              f"'immutable: true' (GTO tags are never deleted or moved on the remote). "
                              f"Nothing was deleted")
    return (f"The policy ({where}) allows deleting {', '.join(deleted)} here, but 'immutable: true' "
            f"refuses pushing the deletion")


def _act(repo, actions, done, after, latest=None, sign=None, key=None, ident=None):
    """latest: the time of the artifact's latest event; every new tag is
    dated after it (and after the one made before it)."""
    deletions = [a for a in actions if a.delete]
    if deletions:
        from .errors import GitError

        try:
            repo.delete_tags([(a.tag, a.oid) for a in deletions])
        except GitError:
            raise LostRace()
        for action in deletions:
            done.append(action)
            _report(action)
            after(action)
    now = None
    for action in actions:
        if action.delete:
            continue
        if now is None:
            now = repo.committer_time()
        date = plan.tag_date(now, latest)
        if not repo.create_tag(action.tag, action.commit, action.message, date=date, sign=sign, key=key, ident=ident):
            raise LostRace()
        latest = date[0]
        _check_counter(repo, action)
        done.append(action)
        _report(action)
        after(action)


def _report(action, dry_run=False):
    output.echo(describe(action, dry_run))
    if action.warning:  # (the interoperability rule: what --force made gto 1.x unable to read)
        output.warn(action.warning)


def _check_counter(repo, action):
    """Two writers can take the same counter for different tags (`m#dev#5`,
    `m#prod#5`): git cannot see that conflict, so look once the tag exists.
    Whoever sees another tag with its counter takes its own back and plans
    again, so counters stay unique per artifact, as GTO's are."""
    tag = T.parse_tag(action.tag)
    if tag is None or tag.counter is None:
        return
    mine, clash = None, False
    for record in repo.read_tags(T.ref_patterns(tag.artifact), fields="state"):
        other = T.parse_tag(record.name)
        if record.name == action.tag:
            mine = record.oid
        elif other is not None and other.artifact == tag.artifact and other.counter == tag.counter:
            clash = True
    if clash and mine is not None:
        repo.delete_tags([(action.tag, mine)])
        raise LostRace()


def push_command(remote, actions, along=()):
    """The one `git push` that publishes these actions (after the tags
    `along`), as a user would type it: shell-quoted (`#` starts a comment,
    `!` a history expansion)."""
    from shlex import quote

    if all(a.delete for a in actions) and not along:
        return f"git push --delete {quote(remote)} " + " ".join(quote(a.tag) for a in actions)
    names = list(along) + [(":" if a.delete else "") + a.tag for a in actions]
    return f"git push {quote(remote)} " + " ".join(quote(n) for n in names)


def _undo_taken(ws, actions, remote, command, reason):
    """Another writer pushed the same tag names first: the remote holds their
    events, so taking ours back loses nothing and leaves no diverged tag.
    (Asks the remote which names are taken; does nothing unless all are.)"""
    from shlex import quote

    names = [a.tag for a in actions]
    mine = [(r.name, r.oid) for r in ws.repo.read_tags(["refs/tags/" + n for n in names], fields="state")]
    try:
        theirs = ws.repo.remote_tags(remote)
    except GTOError:
        return
    if len(mine) != len(names) or not all(name in theirs and theirs[name] != oid for name, oid in mine):
        return
    ws.repo.delete_tags(mine)
    fetch = f"git fetch {quote(remote)} " + " ".join(quote(f"refs/tags/{n}:refs/tags/{n}") for n in names)
    raise GTOError(f"The command `{command}` failed ({reason}): another writer pushed "
                   f"{', '.join(names)} first. The local tag was removed (nothing is lost: the remote keeps "
                   f"their event); fetch it and look again before retrying: {fetch}")


def push_actions(ws, actions, remote, along=()):
    """Push exactly these created and deleted tags, and the existing tags
    `along` (a stage event's registration), in one `git push`."""
    if not actions:
        return
    refspecs = ["refs/tags/" + name for name in along] + [(":" if a.delete else "") + "refs/tags/" + a.tag
                                                          for a in actions]
    command = push_command(remote, actions, along)
    output.echo(f"Running `{command}`")
    ok, reason = ws.repo.push(remote, refspecs)
    if not ok and "already exists" in reason and not any(a.delete for a in actions):
        _undo_taken(ws, actions, remote, command, reason)
    if not ok:
        local = "; ".join(("deleted locally: " if a.delete else "created locally: ") + a.tag for a in actions)
        raise GTOError(f"The command `{command}` failed ({reason}). Make sure your local "
                       f"repository is in sync with the remote. The tags stay as they are here ({local}).")
    for action in actions:
        if action.delete:
            output.echo(f"Successfully deleted git tag {action.tag} on remote.")
        else:
            output.echo(f"Successfully pushed git tag {action.tag} on remote.")
