"""`.gto-policy`: who may record which event, in which order. Pure.

    signers: .gto-signers                # allowed signers (path in the same tree)
    groups: {ml: [alice@example.com], release: [bob@example.com]}
    register: {signed_by: [ml]}          # registrations and deregistrations
    deprecate: {signed_by: [release]}    # artifact deprecations
    stages:
      prod: {from: [staging], signed_by: [release], distinct: true}
    immutable: true                      # pushes may not delete or move GTO tags

`evaluate` takes the events of the registry as Subjects (in event order),
each with what git said about its signature, and returns one Result per
subject: ok or not, the signer, the rule that decided and why."""

from . import tags as T
from .errors import CannotCheck

POLICY_FILE = ".gto-policy"
DEFAULT_SIGNERS = ".gto-signers"
_KEYS = {"signers", "groups", "register", "deprecate", "stages", "immutable"}
_RULE_KEYS = {"signed_by", "from", "distinct"}


class Rule:
    __slots__ = ("name", "signed_by", "from_stages", "distinct")

    def __init__(self, name, signed_by=None, from_stages=None, distinct=False):
        self.name = name  # how messages name it: `register`, `stages.prod`
        self.signed_by = signed_by  # group names, or None (no signature needed)
        self.from_stages = from_stages  # stage names, or None
        self.distinct = distinct


class Policy:
    def __init__(self, where, signers=DEFAULT_SIGNERS, groups=None, register=None, deprecate=None,
                 stages=None, immutable=False):
        self.where = where  # `HEAD:.gto-policy`: for messages
        self.signers = signers
        self.groups = groups or {}
        self.register = register
        self.deprecate = deprecate
        self.stages = stages or {}
        self.immutable = immutable

    @property
    def needs_signatures(self):
        rules = [self.register, self.deprecate] + list(self.stages.values())
        return any(r is not None and r.signed_by for r in rules)

    def rule_for(self, kind, stage=None):
        if kind in (T.REGISTRATION, T.DEREGISTRATION):
            return self.register
        if kind == T.DEPRECATION:
            return self.deprecate
        if kind in (T.ASSIGNMENT, T.UNASSIGNMENT):
            return self.stages.get(stage)
        return None

    def members(self, groups):
        return {p for g in groups for p in self.groups.get(g, ())}


def parse(data, where):
    """A Policy from the loaded YAML `data` of the file `where`; anything
    malformed is a CannotCheck naming the file and the key."""

    def bad(what):
        return CannotCheck(f"Wrong policy file '{where}': {what}")

    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise bad("expected a mapping of settings")
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise bad(f"unknown key '{unknown[0]}'")
    signers = data.get("signers", DEFAULT_SIGNERS)
    if not isinstance(signers, str) or not signers.strip() or signers.startswith("/"):
        raise bad("'signers' must be a path inside the repository")
    groups = data.get("groups") or {}
    if not isinstance(groups, dict):
        raise bad("'groups' must map group names to lists of principals")
    for name, members in groups.items():
        if not isinstance(name, str) or not _strings(members):
            raise bad(f"group '{name}' must be a list of principals")

    def rule(value, name, stage_rule):
        if value is None:
            return None
        if not isinstance(value, dict):
            raise bad(f"'{name}' must be a mapping (signed_by, from, distinct)")
        keys = _RULE_KEYS if stage_rule else {"signed_by"}
        extra = sorted(str(k) for k in value if k not in keys)
        if extra:
            raise bad(f"'{name}': unknown key '{extra[0]}'")
        signed_by = _names(value.get("signed_by"), f"{name}.signed_by", bad)
        for group in signed_by or ():
            if group not in groups:
                raise bad(f"'{name}.signed_by': no group '{group}'")
        distinct = value.get("distinct", False)
        if not isinstance(distinct, bool):
            raise bad(f"'{name}.distinct' must be true or false")
        from_stages = _names(value.get("from"), f"{name}.from", bad)
        if distinct and not (from_stages and signed_by):
            raise bad(f"'{name}.distinct' needs 'from' and 'signed_by'")
        return Rule(name, signed_by, from_stages, distinct)

    stages = data.get("stages") or {}
    if not isinstance(stages, dict):
        raise bad("'stages' must map stage names to rules")
    immutable = data.get("immutable", False)
    if not isinstance(immutable, bool):
        raise bad("'immutable' must be true or false")
    return Policy(where, signers, {k: list(v) for k, v in groups.items()},
                  rule(data.get("register"), "register", False), rule(data.get("deprecate"), "deprecate", False),
                  {str(s): rule(r, f"stages.{s}", True) for s, r in stages.items() if r is not None}, immutable)


def _strings(value):
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _names(value, key, bad):
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not _strings(value) or not value:
        raise bad(f"'{key}' must be a list of names")
    return value


# -- checking events ------------------------------------------------------------------


class Subject:
    """One event (or one GTO-looking tag) to check. `signature`: a
    signatures.Verdict; `version`: the version's name (its commit for an
    unnamed one); `annotated`/`signed_name` as git stores the tag."""

    __slots__ = ("tag", "kind", "artifact", "version", "stage", "annotated", "signed_name", "signature")

    def __init__(self, tag, kind, artifact, version=None, stage=None, annotated=True, signed_name=None,
                 signature=None):
        self.tag = tag
        self.kind = kind
        self.artifact = artifact
        self.version = version
        self.stage = stage
        self.annotated = annotated
        self.signed_name = tag if signed_name is None else signed_name
        self.signature = signature

    @property
    def principal(self):
        return self.signature.principal if self.signature is not None else None


class Result:
    __slots__ = ("subject", "ok", "rule", "why")

    def __init__(self, subject, ok, rule, why):
        self.subject = subject
        self.ok = ok
        self.rule = rule
        self.why = why

    @property
    def tag(self):
        return self.subject.tag

    @property
    def signer(self):
        return self.subject.principal

    def line(self):
        """`FAIL churn#prod#3: stages.prod: signed by bob@example.com, who also assigned staging`"""
        return f"{self.tag}: {self.rule}: {self.why}"

    def __repr__(self):
        return f"Result({self.tag!r}, {self.ok}, {self.rule!r}, {self.why!r})"


def _principals(principal):
    # ssh-keygen may report `a,b` for a line that lists two principals
    return set(principal.split(",")) if principal else set()


def evaluate(policy, subjects):
    """One Result per subject. `subjects` are in event order: `from` and
    `distinct` look at the earlier subjects that passed."""
    assigned = {}  # (artifact, version) -> [(stage, principal, tag)] of valid assignments
    results = []
    for s in subjects:
        result = _check(policy, s, assigned.get((s.artifact, s.version), []))
        results.append(result)
        if result.ok and s.kind == T.ASSIGNMENT:
            assigned.setdefault((s.artifact, s.version), []).append((s.stage, s.principal, s.tag))
    return results


def _check(policy, s, earlier):
    if not s.annotated:
        return Result(s, False, "annotated", "a lightweight tag: no tagger, no signature, no event")
    if s.signed_name != s.tag:
        return Result(s, False, "tag name", f"the tag object is named '{s.signed_name}' (replayed under another name)")
    rule = policy.rule_for(s.kind, s.stage) if policy is not None else None
    if rule is None:
        return Result(s, True, "-", "no rule" + (f" (signed by {s.principal})" if s.principal else ""))
    why = []
    if rule.signed_by:
        sig = s.signature
        if sig is None or sig.principal is None:
            detail = "unsigned" if sig is None or sig.status == "unsigned" else \
                "signed by a key that is not in the signers file" if sig.status == "unknown key" else \
                f"bad signature ({sig.detail})" if sig.detail else "bad signature"
            return Result(s, False, rule.name, f"{detail}; needs a signature of {_either(rule.signed_by)}")
        allowed = policy.members(rule.signed_by)
        if not _principals(s.principal) & allowed:
            return Result(s, False, rule.name, f"signed by {s.principal}, who is not in {_either(rule.signed_by)}")
        why.append(f"signed by {s.principal} ({_either(rule.signed_by)})")
    if rule.from_stages and s.kind == T.ASSIGNMENT:
        before = [e for e in earlier if e[0] in rule.from_stages]
        if not before:
            return Result(s, False, rule.name, f"version {s.version} was never assigned {_either(rule.from_stages)} "
                                               f"by a valid event")
        if rule.distinct:
            others = [e for e in before if not _principals(e[1]) & _principals(s.principal)]
            if not others:
                stage, _, tag = before[-1]
                return Result(s, False, rule.name, f"signed by {s.principal}, who also assigned {stage} ({tag}); "
                                                   f"needs a second person")
            before = others
        stage, signer, tag = before[-1]
        why.append(f"from {stage} ({tag}" + (f" by {signer})" if rule.distinct else ")"))
    return Result(s, True, rule.name, ", ".join(why) or "allowed")


def _either(names):
    return " or ".join(names)
