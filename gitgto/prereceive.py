"""`git gto verify --stdin`: a server's pre-receive hook.

git gives the hook one line per updated ref, `OLD NEW REF`, before any ref
moves; the pushed objects are readable (git's quarantine environment is
inherited). The registry the pushed tags are checked against is the one
before the push plus the other incoming tags; the policy is read from the
server's own ref (a push cannot bring its own rules)."""

from . import policy as P
from . import registry as reg
from . import tags as T
from .records import parse_tag_object


class Update:
    __slots__ = ("old", "new", "ref", "name")

    def __init__(self, old, new, ref):
        self.old = None if set(old) == {"0"} else old
        self.new = None if set(new) == {"0"} else new
        self.ref = ref
        self.name = ref[len("refs/tags/"):]


def parse_updates(text):
    """The GTO tag updates of pre-receive input; every other ref is let through."""
    updates = []
    for line in text.splitlines():
        parts = line.split(" ", 2)
        if len(parts) != 3 or not parts[2].startswith("refs/tags/"):
            continue
        update = Update(*parts)
        if T.parse_tag(update.name) is not None:
            updates.append(update)
    return updates


def check_push(repo, gov, text):
    """Results for the pushed GTO tags (deletions and moves included)."""
    updates = parse_updates(text)
    if gov.policy is None or not updates:
        return []
    results = []
    incoming = []
    for u in updates:
        tag = T.parse_tag(u.name)
        subject = P.Subject(u.name, tag.kind, tag.artifact, tag.version, tag.stage)
        if u.new is None or u.old is not None:
            verb = "deletes" if u.new is None else "moves"
            if gov.policy.immutable:
                results.append(P.Result(subject, False, "immutable", f"the push {verb} a GTO tag"))
                continue
            if u.new is None:
                results.append(P.Result(subject, True, "-", "deleted (the policy is not immutable)"))
                continue
        incoming.append(u)
    if not incoming:
        return results
    artifacts = sorted({T.parse_tag(u.name).artifact for u in incoming})
    patterns = [p for a in artifacts for p in T.ref_patterns(a)]
    changed = {u.name for u in updates}
    records = [r for r in repo.read_tags(patterns, "full") if r.name not in changed]
    objects = repo.cat_objects([u.new for u in incoming])
    for u, obj in zip(incoming, objects):
        kind, data = (obj[0], obj[1]) if obj is not None else ("missing", b"")
        records.append(parse_tag_object(u.name, u.new, kind, data))
    registry = reg.build(records)
    checked = {r.tag: r for r in gov.evaluate(registry, records)}
    for u in incoming:
        result = checked.get(u.name)
        if result is None:  # a GTO name on something that is no event (a tag of a tree)
            tag = T.parse_tag(u.name)
            subject = P.Subject(u.name, tag.kind, tag.artifact, tag.version, tag.stage)
            result = P.Result(subject, False, "event", "the tag does not point at a commit")
        results.append(result)
    return results
