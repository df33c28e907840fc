"""Governance glue between git and the pure policy module: read `.gto-policy`
and its signers file from the committed tree of a ref (never the work tree,
never the tagged commit), verify the signatures a rule needs (one `git
verify-tag` per tag, good verdicts cached), turn the registry into policy
Subjects, and check the events a write is about to create."""

import hashlib
import os

from . import policy as P
from . import signatures as S
from . import tags as T
from .errors import CannotCheck, GTOError, PolicyViolation


class Governance:
    """The policy of one repository at `policy_ref` (None when there is no
    `.gto-policy` there). explicit: the user named the ref, so a ref that
    does not exist is an error rather than "no policy yet"."""

    def __init__(self, repo, policy_ref="HEAD", explicit=False, config=None):
        self.repo = repo
        self.policy_ref = policy_ref
        self.policy = None
        self.signers = {}
        self._signers_text = None
        self._signers_files = {}  # signers text -> temporary file
        self.policy_blob = None  # the policy file's object id (a key of the verdict cache)
        where = f"{policy_ref}:{P.POLICY_FILE}"
        if policy_ref == "HEAD" and repo.head is not None and repo.head_policy is None:
            return  # none at HEAD (the repository's first rev-parse looked): no cat-file
        try:
            commit, blob = repo.cat_objects([policy_ref + "^{commit}", where])
        except GTOError as exc:  # a ref git cannot parse
            raise CannotCheck(f"Cannot read the policy at '{policy_ref}': {exc}")
        if commit is None:
            if explicit:
                raise CannotCheck(f"Cannot read the policy: '{policy_ref}' is not a commit here")
            return
        if blob is None or blob[0] != "blob":
            return
        self.policy_blob = blob[2]
        from .config import load_yaml

        try:
            data = load_yaml(blob[1].decode("utf-8"), f"Wrong policy file '{where}'")
        except UnicodeDecodeError:
            raise CannotCheck(f"Wrong policy file '{where}': not UTF-8 text")
        except GTOError as exc:
            raise CannotCheck(str(exc))
        self.policy = P.parse(data, where, config)
        signers_where = f"{policy_ref}:{self.policy.signers}"
        found = repo.cat_objects([signers_where])[0]
        if found is not None and found[0] == "blob":
            self._signers_text = found[1].decode("utf-8", "replace")
            self.signers = S.parse_signers(self._signers_text)
        elif self.policy.needs_signatures:
            raise CannotCheck(f"The policy '{where}' names the signers file '{signers_where}', which does not exist")

    @property
    def has_signers_file(self):
        return self._signers_text is not None

    # -- signatures --------------------------------------------------------------

    def signers_file(self, text=None):
        """An allowed-signers text (default: the policy's) as a temporary
        file (git reads a path); None when the policy has no signers file."""
        text = self._signers_text if text is None else text
        if text is None:
            return None
        if text not in self._signers_files:
            import atexit
            import tempfile

            fd, path = tempfile.mkstemp(prefix="git-gto-signers-")
            with os.fdopen(fd, "w") as f:
                f.write(text)
            atexit.register(_remove, path)
            self._signers_files[text] = path
        return self._signers_files[text]

    def signers_now(self):
        """The signers file as of now (signatures.signers_as_of)."""
        import time

        return S.signers_as_of(self._signers_text, time.time()) if self._signers_text is not None else None

    def verify(self, records, push_time=False):
        """{tag name: signatures.Verdict} for the annotated `records`, one
        `git verify-tag` per tag that the verdict cache does not know.
        push_time: was the key allowed now (the hook's question about the tags
        being pushed), rather than at the tagger date the tag claims."""
        annotated = [r for r in records if r.annotated]
        if not annotated:
            return {}
        self.require_verifier()
        text = self.signers_now() if push_time else self._signers_text
        memo = None
        if text is not None:
            from .cache import VerdictMemo

            memo = VerdictMemo(self.repo, [hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest(),
                                           self.policy_blob])
        known = memo.get() if memo is not None else {}
        verdicts = {r.name: S.Verdict(S.GOOD, known[r.oid]) for r in annotated if r.oid in known}
        todo = [r for r in annotated if r.oid not in known]
        found = self.repo.verify_tags([r.oid for r in todo], self.signers_file(text))
        for r, v in zip(todo, found):
            if v.status == S.CANNOT:
                raise CannotCheck(f"Cannot check the signature of '{r.name}': {v.detail}")
            verdicts[r.name] = v
        if memo is not None:
            memo.put({r.oid: v.principal for r, v in zip(todo, found) if v.status == S.GOOD})
        return verdicts

    def needs_principal(self, name):
        """Whether a rule looks at who signed the tag `name`: its own rule
        has `signed_by`, or it assigns a stage that a `distinct` rule
        compares signers with. Only those tags are verified."""
        tag = T.parse_tag(name)
        policy = self.policy
        if tag is None or policy is None:
            return False
        rule = policy.rule_for(tag.kind, tag.stage)
        if rule is not None and rule.signed_by:
            return True
        return tag.kind in (T.ASSIGNMENT, T.UNASSIGNMENT) and any(
            r is not None and r.distinct and tag.stage in (r.from_stages or ()) for r in policy.stages.values())

    def require_verifier(self):
        """Without ssh-keygen, git reports every SSH signature as bad: that
        is "cannot check" (exit 3), never a verdict."""
        import shutil

        program = self.repo.config_value("gpg.ssh.program") or "ssh-keygen"
        if shutil.which(program) is None:
            raise CannotCheck(f"Cannot check signatures: '{program}' is not installed (not on PATH)")

    def verify_commit(self, commit):
        """The principal whose key signed `commit`, a commit being pushed
        (checked by `git verify-commit` against the policy's signers file as
        of now: a retired key stays retired on a backdated commit; git's exit
        status is the verdict), or None when git does not say it verified."""
        self.require_verifier()
        code, stderr = self.repo.verify_commit(commit, self.signers_file(self.signers_now()) or os.devnull)
        verdict = S.verdict_of(code, stderr)
        if verdict.status == S.CANNOT:
            raise CannotCheck(f"Cannot check the signature of commit {commit[:12]}: {verdict.detail}")
        return verdict.principal if verdict.status == S.GOOD else None

    # -- the registry as subjects --------------------------------------------------

    def subjects(self, registry, records, verdicts):
        """Every event of `registry` (oldest first), then its GTO-looking
        lightweight tags, as policy Subjects."""
        from . import registry as reg

        by_name = {r.name: r for r in records}
        result = []
        for e in reg.history(registry, ascending=True):
            record = by_name.get(e.ref)
            result.append(P.Subject(e.ref, e.kind, e.artifact, e.version, e.stage, True,
                                    record.signed_name if record is not None else None, verdicts.get(e.ref),
                                    e.commit))
        for name in registry.ignored_lightweight:
            tag = T.parse_tag(name)
            result.append(P.Subject(name, tag.kind, tag.artifact, tag.version, tag.stage, annotated=False))
        return result

    def evaluate(self, registry, records, verdicts=None, pushed=()):
        """Results for every event of `registry`. Signatures are verified
        only where a rule looks at the signer (ssh-keygen per signature is
        the cost); the tags named in `pushed` as of now, the others at their
        tagger date."""
        if verdicts is None:
            verdicts = self.principals(records, pushed)
        subjects, refused = self.policy_view(registry, records, verdicts)
        results = {r.tag: r for r in P.evaluate(self.policy, subjects)}
        results.update(refused)
        return [results[s.tag] for s in self.subjects(registry, records, verdicts)]

    def policy_view(self, registry, records, verdicts):
        """(subjects, {tag: Result}): the registry's events as the policy
        sees them, and the registrations and deregistrations it refuses.
        A refused one steers nothing: an unsigned registration of another
        version on a promoted commit must not take over its stages, so the
        events are read again without them."""
        subjects = self.subjects(registry, records, verdicts)
        if self.policy is None or self.policy.register is None:
            return subjects, {}
        refused = {r.tag: r for r in P.evaluate(self.policy, subjects)
                   if not r.ok and r.subject.kind in (T.REGISTRATION, T.DEREGISTRATION)}
        if not refused:
            return subjects, {}
        import copy

        from . import registry as reg

        kept = []
        for record in records:
            if record.name not in refused:
                record = copy.copy(record)
                record.parsed = None  # build() sets each event's version: never share them
                kept.append(record)
        return self.subjects(reg.build(kept), kept, verdicts), refused

    def principals(self, records, pushed=()):
        """The verdicts of the `records` whose signer a rule needs."""
        needed = [r for r in records if self.needs_principal(r.name)]
        verdicts = self.verify([r for r in needed if r.name not in pushed])
        verdicts.update(self.verify([r for r in needed if r.name in pushed], push_time=True))
        return verdicts

    # -- writes ----------------------------------------------------------------------

    def check_actions(self, registry, records, actions, sign=None, key=None):
        """Refuse (PolicyViolation) when an event about to be created breaks
        the policy; returns the Results of the new events. `records` may be
        the state fields only: the artifact's tags are re-read in full only
        when a rule looks at earlier events."""
        created = [a for a in actions if not a.delete]
        if self.policy is None or not created:
            return []
        rules = [self.policy.rule_for(a.kind, _stage_of(a)) for a in created]
        earlier = []
        if any(r is not None and r.from_stages for r in rules):
            artifact = T.parse_tag(created[0].tag).artifact
            full = self.repo.read_tags(T.ref_patterns(artifact), fields="full")
            earlier, _ = self.policy_view(registry, full, self.principals(full))
        signature = self.signing_verdict(sign, key) if any(r is not None and r.signed_by for r in rules) else None
        new = []
        for action in created:
            tag = T.parse_tag(action.tag)
            new.append(P.Subject(action.tag, tag.kind, tag.artifact, action.version, tag.stage, signature=signature,
                                 commit=action.commit))
        results = P.evaluate(self.policy, earlier + new)[len(earlier):]
        for result in results:
            if not result.ok:
                raise PolicyViolation(f"The policy ({self.policy.where}) refuses {result.line()}")
        return results

    def signing_verdict(self, sign=None, key=None):
        """Who a tag written now would be signed by: the principals the
        signers file lists for the signing key (SSH keys; an OpenPGP or X.509
        signer is known only once git has signed)."""
        repo = self.repo
        will_sign = sign if sign is not None else (True if key else repo.config_value("tag.gpgSign", as_bool=True))
        if not will_sign:
            return S.Verdict(S.UNSIGNED, detail="no signature")
        if (repo.config_value("gpg.format") or "openpgp") != "ssh":
            return S.Verdict(S.UNKNOWN_KEY, detail="only SSH signers are known before signing")
        spec = key or repo.config_value("user.signingkey")
        public = _ssh_public_key(spec, repo.path) if spec else None
        if public is None:
            return S.Verdict(S.UNKNOWN_KEY, detail=f"cannot read the public key of '{spec}'")
        principals = S.principals_of(S.parse_signers(self.signers_now() or ""), public)  # retired keys do not count
        if not principals:
            return S.Verdict(S.UNKNOWN_KEY, detail="the key is not in the signers file")
        return S.Verdict(S.GOOD, ",".join(principals))


def cannot_check(function, args):
    """function(args), with every error but a verdict turned into
    CannotCheck (exit 3): git failing, a missing program, a bug (whose
    traceback --traceback still shows)."""
    try:
        return function(args)
    except (CannotCheck, PolicyViolation):
        raise
    except GTOError as exc:
        raise CannotCheck(str(exc))
    except Exception as exc:  # noqa: BLE001 - "could not look" is never a pass nor a violation
        if getattr(args, "traceback", False):
            raise
        raise CannotCheck(f"Unexpected error: {type(exc).__name__}: {exc}")


def open_policy(repo, policy_ref=None, config=None):
    """The Governance of a write: a policy it cannot read refuses the write
    with an ordinary error (exit 1). `verify`, `check-ref --verify` and the
    hook exit 3 instead (they give verdicts that scripts act on)."""
    try:
        return Governance(repo, policy_ref or "HEAD", explicit=policy_ref is not None, config=config)
    except CannotCheck as exc:
        raise GTOError(str(exc))


def _stage_of(action):
    return T.parse_tag(action.tag).stage


def _ssh_public_key(spec, cwd):
    """(keytype, base64) of an SSH signing key given as git takes it: a
    literal `key::…`/`ssh-… AAAA…`, a public key file, or a private key file
    (its `.pub` beside it, else `ssh-keygen -y`)."""
    literal = S.public_key_of(spec)
    if literal is not None:
        return literal
    path = os.path.join(cwd, os.path.expanduser(spec))
    for candidate in (path, path + ".pub"):
        try:
            with open(candidate, encoding="utf-8", errors="replace") as f:
                found = S.public_key_of(f.read(4096))
        except OSError:
            continue
        if found is not None:
            return found
    import subprocess

    try:
        out = subprocess.run(["ssh-keygen", "-y", "-f", path], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return S.public_key_of(out.stdout) if out.returncode == 0 else None


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass
