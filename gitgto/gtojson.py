"""GTO 1.x's JSON shapes of events and versions (DECISIONS §5): the same keys,
in the same order and with the same meanings, so that `jq` filters written for
GTO keep working; git-gto's own keys come after them and never reuse a
GTO key for something else. Pure: registry objects in, dicts out."""

from . import registry as reg
from . import tags as T
from .output import iso_time

# GTO's event classes and their `priority` (gto.base).
PRIORITY = {T.COMMIT: 0, T.CREATION: 1, T.DEPRECATION: 2, T.REGISTRATION: 3,
            T.DEREGISTRATION: 4, T.ASSIGNMENT: 5, T.UNASSIGNMENT: 6}


def _time(event):
    return iso_time(event.timestamp, event.tz)


def event_object(e, with_kind=False):
    """An event as GTO's `model_dump()` (the objects inside a version), plus
    `event` where GTO's `dict_state()` adds it (stage events)."""
    data = {"priority": PRIORITY[e.kind], "addition": e.addition, "artifact": e.artifact,
            "created_at": _time(e), "author": e.author, "author_email": e.email, "message": e.message,
            "commit_hexsha": e.commit, "tag": e.ref}
    if e.version is not None:
        data["version"] = e.version
    if e.stage is not None:
        data["stage"] = e.stage
    if with_kind:
        data["event"] = e.kind
    return data


def check_ref_object(e):
    """`check-ref --json`: GTO's flat event (without priority and addition),
    then git-gto's `commit` (the same sha, its name before 1.x keys)."""
    data = event_object(e, with_kind=True)
    del data["priority"], data["addition"]
    data["commit"] = e.commit
    return data


def history_entry(e):
    """One `history --json` entry, GTO's keys in GTO's order, then git-gto's
    `meta` ({key: value}, {} when none) and `description` (str or None): the
    facts of this event's own tag."""
    from .facts import parse

    meta, description = parse(e.message)
    return {"timestamp": _time(e), "artifact": e.artifact, "event": e.kind, "priority": PRIORITY[e.kind],
            "version": e.version, "stage": e.stage, "commit": e.commit, "author": e.author,
            "author_email": e.email, "message": e.message, "ref": e.ref,
            "meta": meta, "description": description}


def _authored(obj, event):
    """BaseObject.dict_state()'s keys from the object's authoring event."""
    return {"created_at": _time(event) if event else None, "author": event.author if event else None,
            "author_email": event.email if event else None, "message": event.message if event else None,
            "ref": event.ref if event else obj.commit}


def vstage_object(vs):
    """One held stage of a version (GTO's VStage.dict_state())."""
    commit = vs.version.commit
    data = {"artifact": vs.version.artifact.name, "commit_hexsha": commit, "version": vs.version.name,
            "stage": vs.stage,
            "assignments": [event_object(e, with_kind=True) for e in vs.assignments],
            "unassignments": [event_object(e, with_kind=True) for e in vs.unassignments],
            "is_active": vs.is_active,
            "activated_at": _time(vs.last_event) if vs.is_active else None}
    authoring = vs.authoring_event
    data.update(_authored(vs.version, authoring))
    return data


def version_object(art, version, holders):
    """One entry of `show NAME --json`: GTO's Version.dict_state() with the
    stages the version holds after --vs/--av (GTO leaves out `enrichments`,
    the commit events, here too), then git-gto's `commit`, `registered`,
    `active`, `meta` and `description` (the version's facts, facts.of_version)."""
    from .facts import of_version

    stages = [version.stages[s] for s in reg.version_stages(version, holders)]
    events = version.events
    if version.registrations:
        first = version.registrations[0]
    else:
        first = min(events, key=lambda e: e.key) if events else None
    data = {"artifact": art.name, "commit_hexsha": version.commit, "version": version.name,
            "registrations": [event_object(e) for e in version.registrations],
            "deregistrations": [event_object(e) for e in version.deregistrations],
            "stages": [vstage_object(vs) for vs in stages],
            "is_active": version.is_active,
            "activated_at": _time(first) if first else None}
    data.update(_authored(version, version.authoring_event))
    data["discovered"] = version.discovered
    data.update({"commit": version.commit, "registered": version.is_registered, "active": version.is_active})
    data["meta"], data["description"] = of_version(version)
    return data
