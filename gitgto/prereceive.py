"""`git gto verify --stdin`: a server's pre-receive hook.

git gives the hook one line per updated ref, `OLD NEW REF`, before any ref
moves; the pushed objects are readable (git's quarantine environment is
inherited). The registry the pushed tags are checked against is the one
before the push plus the other incoming tags; the policy is read from the
server's own ref (a push cannot bring its own rules)."""

from . import policy as P
from . import registry as reg
from . import tags as T
from .git import TagRecord, parse_raw_date


class Update:
    __slots__ = ("old", "new", "ref", "name")

    def __init__(self, old, new, ref):
        self.old = None if set(old) == {"0"} else old
        self.new = None if set(new) == {"0"} else new
        self.ref = ref
        self.name = ref[len("refs/tags/"):]


def parse_updates(text, prefix="refs/tags/"):
    """The GTO tag updates of pre-receive input (with another `prefix`, every
    update under it); every other ref is let through."""
    updates = []
    for line in text.splitlines():
        parts = line.split(" ", 2)
        if len(parts) != 3 or not parts[2].startswith(prefix):
            continue
        update = Update(*parts)
        if prefix != "refs/tags/" or T.parse_tag(update.name) is not None:
            updates.append(update)
    return updates


ALLOW_REPLACE = "gto.allowReplaceRefs"


def replace_refs(repo, text):
    """Results refusing every created, moved or deleted `refs/replace/*`,
    unless the server sets gto.allowReplaceRefs=true. git-gto itself never
    follows replace refs, but other readers of the repository do (GTO, forges,
    clones): one could make a commit, the policy or a tag read as another."""
    updates = parse_updates(text, "refs/replace/")
    if not updates or repo.config_value(ALLOW_REPLACE, as_bool=True):
        return []
    results = []
    for u in updates:
        verb = "creates" if u.old is None else "deletes" if u.new is None else "moves"
        results.append(P.Result(P.Subject(u.ref, "replace", None), False, "replace refs",
                                f"the push {verb} a replace ref (a server allows them with "
                                f"`git config {ALLOW_REPLACE} true`)"))
    return results


def parse_tag_object(name, oid, kind, data):
    """A TagRecord from a raw object (what for-each-ref would say of the
    ref `name` pointing at it)."""
    if kind != "tag":
        return TagRecord(name, False, oid, oid if kind == "commit" else None)
    text = data.decode("utf-8", "surrogateescape")
    head, _, body = text.partition("\n\n")
    fields = {}
    for line in head.split("\n"):
        key, _, value = line.partition(" ")
        fields.setdefault(key, value)
    tagger = fields.get("tagger", "")
    who, _, when = tagger.rpartition(">")
    author, _, email = who.partition(" <")
    ts, tz = parse_raw_date(when)
    from .signatures import strip_signature

    commit = fields.get("object") if fields.get("type") == "commit" else None
    return TagRecord(name, True, oid, commit, author, email, ts, tz, strip_signature(body).strip(),
                     signed_name=fields.get("tag", ""))


def check_push(repo, gov, text):
    """Results for the pushed GTO tags (deletions and moves included) and
    replace refs."""
    results = replace_refs(repo, text)
    updates = parse_updates(text)
    if gov.policy is None or not updates:
        return results
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
    # the pushed tags: was the key allowed at push time (not at the date they claim)
    checked = {r.tag: r for r in gov.evaluate(registry, records, pushed={u.name for u in incoming})}
    for u in incoming:
        result = checked.get(u.name)
        if result is None:  # a GTO name on something that is no event (a tag of a tree)
            tag = T.parse_tag(u.name)
            subject = P.Subject(u.name, tag.kind, tag.artifact, tag.version, tag.stage)
            result = P.Result(subject, False, "event", "the tag does not point at a commit")
        results.append(result)
    return results
