"""`git gto verify --stdin`: a server's pre-receive hook.

git gives the hook one line per updated ref, `OLD NEW REF`, before any ref
moves; the pushed objects are readable (git's quarantine environment is
inherited). The registry the pushed tags are checked against is the one
before the push plus the other incoming tags; the policy is read from the
server's own policy ref as it was before the push (a push cannot bring its
own rules, not even a push to the policy branch).

The policy ref is `--policy-ref`, else `git config gto.policyRef`, else the
branch HEAD names; `.gto` (which says the stages a policy may name) is read
from the same tree. Configured and unreadable (missing, no .gto-policy,
broken): GTO tags are refused as "cannot check" (exit 3) and everything
else goes through, so that the push that repairs the policy can land; the
repair is still held to the last policy of that branch that did read (a
broken policy must not open the door it guarded). Not configured and no
policy at HEAD: a warning, once per push."""

from . import policy as P
from . import registry as reg
from . import tags as T
from .errors import CannotCheck
from .records import parse_tag_object

PROTECT_RULE = "policy"
# How far back along the policy branch a broken policy's last readable one is looked for.
GUARD_DEPTH = 100


class Verdict:
    """What the hook says of one push: `results` (policy Results), `where`
    (the policy file read, or None), `cannot` (why GTO tags cannot be
    checked: exit 3), `warnings` (stderr lines)."""

    def __init__(self, results=(), where=None, cannot=None, warnings=()):
        self.results = list(results)
        self.where = where
        self.cannot = cannot
        self.warnings = list(warnings)


def check(repo, policy_ref, text):
    """The hook's Verdict for pre-receive input `text`: the policy's, and
    refs/replace/* refused with or without a policy."""
    lines = parse_lines(text)
    verdict = _check_policy(repo, policy_ref, lines)
    verdict.results[:0] = replace_refs(repo, lines)
    return verdict


ALLOW_REPLACE = "gto.allowReplaceRefs"


def replace_refs(repo, lines):
    """Results refusing every created, moved or deleted `refs/replace/*`,
    unless the server sets gto.allowReplaceRefs=true. git-gto itself never
    follows replace refs, but other readers of the repository do (GTO, forges,
    clones): one could make a commit, the policy or a tag read as another."""
    updates = [u for u in lines if u.ref.startswith("refs/replace/")]
    if not updates or repo.config_value(ALLOW_REPLACE, as_bool=True):
        return []
    results = []
    for u in updates:
        verb = "creates" if u.old is None else "deletes" if u.new is None else "moves"
        results.append(P.Result(P.Subject(u.ref, "replace", None), False, "replace refs",
                                f"the push {verb} a replace ref (a server allows them with "
                                f"`git config {ALLOW_REPLACE} true`)"))
    return results


def _check_policy(repo, policy_ref, lines):
    tags = gto_tag_updates(lines)
    configured, origin = policy_ref, "--policy-ref"
    if not configured:
        configured, origin = repo.config_value("gto.policyRef"), "gto.policyRef"
    if configured and not configured.startswith("refs/"):
        raise CannotCheck(f"{origin} must be a full ref name such as refs/heads/main, not '{configured}'")
    ref = configured or "HEAD"
    try:
        gov = open_at(repo, ref, explicit=bool(configured))
        if gov.policy is None and configured:
            raise CannotCheck(f"Cannot read the policy: '{configured}' has no {P.POLICY_FILE}")
    except CannotCheck as exc:
        problem = f"{exc} ({origin})" if configured else str(exc)
        guard = last_readable(repo, ref)
        guarded = []
        if guard is not None and guard.policy.protect is not None:
            branch = configured or repo.head_branch()
            guarded = [r for u in lines if u.ref == branch for r in check_policy_update(repo, guard, u)]
        return _unreadable(tags, problem, guarded, guard.policy.where if guard is not None else None)
    if gov.policy is None:
        return Verdict(warnings=[
            f"no policy: gto.policyRef is not set and HEAD has no {P.POLICY_FILE}, so GTO tags are not checked "
            f"(git config gto.policyRef refs/heads/main, then commit {P.POLICY_FILE} there)"])
    results = []
    if gov.policy.protect is not None:
        branch = configured or repo.head_branch()
        for update in lines:
            if update.ref == branch:
                results += check_policy_update(repo, gov, update)
    results += check_tags(repo, gov, tags)
    return Verdict(results, gov.policy.where)


def open_at(repo, ref, explicit=True):
    """The Governance of `ref`'s tree, with the stages its own `.gto` allows."""
    from . import config as C
    from .errors import GTOError
    from .governance import Governance

    found = repo.cat_objects([f"{ref}:{C.CONFIG_FILE}"])[0]
    text = found[1].decode("utf-8", "replace") if found is not None and found[0] == "blob" else None
    try:
        config = C.load(None, text=text)
    except GTOError as exc:
        raise CannotCheck(str(exc))
    return Governance(repo, ref, explicit=explicit, config=config)


def last_readable(repo, ref):
    """The Governance of the newest earlier commit of `ref` (first parents)
    whose policy reads, or None (none within GUARD_DEPTH, or one without a
    policy first: nothing was protected then)."""
    for commit in repo.first_parents(ref, GUARD_DEPTH)[1:]:
        try:
            gov = open_at(repo, commit)
        except CannotCheck:
            continue
        return gov if gov.policy is not None else None
    return None


def _unreadable(tags, problem, guarded=(), where=None):
    """Fail closed for GTO tags only: branches (the fix included) go through,
    the policy branch under the `guarded` verdicts of its last readable policy."""
    if not tags:
        return Verdict(guarded, where, warnings=[f"{problem}: GTO tags are refused until it is fixed; "
                                                 f"this push has none"])
    results = list(guarded)
    for u in tags:
        tag = T.parse_tag(u.name)
        subject = P.Subject(u.name, tag.kind, tag.artifact, tag.version, tag.stage)
        results.append(P.Result(subject, False, "policy", "cannot check: the policy is unreadable"))
    return Verdict(results, where, cannot=f"{problem}: GTO tags are refused until it is fixed (branches go through)")


class Update:
    __slots__ = ("old", "new", "ref", "name")

    def __init__(self, old, new, ref):
        self.old = None if set(old) == {"0"} else old
        self.new = None if set(new) == {"0"} else new
        self.ref = ref
        self.name = ref[len("refs/tags/"):]


def parse_lines(text):
    """Every ref update of pre-receive input."""
    updates = []
    for line in text.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3:
            updates.append(Update(*parts))
    return updates


def gto_tag_updates(updates):
    return [u for u in updates if u.ref.startswith("refs/tags/") and T.parse_tag(u.name) is not None]


def parse_updates(text):
    """The GTO tag updates of pre-receive input; every other ref is let through."""
    return gto_tag_updates(parse_lines(text))


# -- the policy branch protects itself ---------------------------------------------------


def protected_paths(repo, gov, update):
    """.gto-policy and the signers file the current policy names, and the
    one the pushed policy would name (a push must not move the signers to
    an unprotected file)."""
    paths = [P.POLICY_FILE, gov.policy.signers]
    if update.new is not None:
        found = repo.cat_objects([f"{update.new}:{P.POLICY_FILE}"])[0]
        if found is not None and found[0] == "blob":
            try:
                from .config import load_yaml

                data = load_yaml(found[1].decode("utf-8"), "")
                signers = data.get("signers") if isinstance(data, dict) else None
                if isinstance(signers, str) and signers.strip() and "\n" not in signers:
                    paths.append(signers)
            except Exception:  # noqa: BLE001 - a broken pushed policy names nothing more
                pass
    return list(dict.fromkeys(paths))


def touching(commits, blobs, paths):
    """The commits of `commits` ([(commit, [parents])]) whose file at one
    of `paths` differs from that of one of its parents (a root commit: that
    has the file). blobs[(commit, path)]: the blob id or None. Pure."""
    found = []
    for commit, parents in commits:
        for path in paths:
            mine = blobs.get((commit, path))
            if (not parents and mine is not None) or any(blobs.get((p, path)) != mine for p in parents):
                found.append((commit, path))
                break
    return found


def check_policy_update(repo, gov, update):
    """Results for a push to the policy branch under a `policy: {signed_by}`
    rule: each new commit that changes .gto-policy or the signers file must
    be signed by that group (`git verify-commit` against the signers file
    before the push); no deletion; no rewind that changes those files."""
    rule = gov.policy.protect
    subject = P.Subject(update.ref, PROTECT_RULE, None)
    who = P.either(rule.signed_by)
    if update.new is None:
        return [P.Result(subject, False, PROTECT_RULE, f"the push deletes the policy branch; {who} must sign changes")]
    paths = protected_paths(repo, gov, update)
    commits = repo.commits_between(update.old, update.new)
    if update.old is not None:
        ends = repo.cat_objects([f"{c}:{p}" for c in (update.old, update.new) for p in paths])
        ids = [e[2] if e is not None else None for e in ends]
        if ids[: len(paths)] != ids[len(paths):] and not repo.is_ancestor(update.old, update.new):
            return [P.Result(subject, False, PROTECT_RULE,
                             f"a push that is not a fast-forward changes {' or '.join(paths)}: "
                             f"push a new commit signed by {who} instead")]
    everyone = list(dict.fromkeys([c for c, _ in commits] + [p for _, ps in commits for p in ps]))
    found = repo.cat_objects([f"{c}:{p}" for c in everyone for p in paths]) if everyone else []
    blobs = {}
    for i, entry in enumerate(found):
        blobs[(everyone[i // len(paths)], paths[i % len(paths)])] = entry[2] if entry is not None else None
    results = []
    for commit, path in touching(commits, blobs, paths):
        from .signatures import Verdict

        principal = gov.verify_commit(commit)
        changed = f"commit {commit[:12]} changes {path}"
        signed = Verdict("good", principal) if principal else None
        one = P.Subject(update.ref, PROTECT_RULE, None, signature=signed)
        if principal is None:
            results.append(P.Result(one, False, PROTECT_RULE,
                                    f"{changed}: not signed by a key of the signers file; needs a signature of {who}"))
        elif not gov.policy.in_groups(principal, rule.signed_by):
            results.append(P.Result(one, False, PROTECT_RULE, f"{changed}: signed by {principal}, who is not in {who}"))
        else:
            results.append(P.Result(one, True, PROTECT_RULE, f"{changed}: signed by {principal} ({who})"))
    return results


def check_tags(repo, gov, updates):
    """Results for the pushed GTO tags (deletions and moves included)."""
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
