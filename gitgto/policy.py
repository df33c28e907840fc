"""`.gto-policy`: who may record which event, in which order. Pure.

    signers: .gto-signers                # allowed signers (path in the same tree)
    groups: {ml: [alice@example.com], release: [bob@example.com]}
    register: {signed_by: [ml]}          # registrations and deregistrations
    deprecate: {signed_by: [release]}    # artifact deprecations
    stages:
      prod: {from: [staging], signed_by: [release], distinct: true}
    immutable: true                      # pushes may not delete or move GTO tags
    policy: {signed_by: [admins]}        # changes to this file and the signers file

`evaluate` takes the events of the registry as Subjects (in event order),
each with what git said about its signature, and returns one Result per
subject: ok or not, the signer, the rule that decided and why.

`from` and `distinct` look at what is in force for the version's COMMIT:
the registration in force there and the stage assignments made on it since,
each of which must itself have passed the policy. A version name alone
proves nothing (anyone can register the same name on another commit), and
an unsigned event has no principal, so it satisfies no `distinct`."""

from . import tags as T
from .errors import CannotCheck

POLICY_FILE = ".gto-policy"
DEFAULT_SIGNERS = ".gto-signers"
_KEYS = {"signers", "groups", "register", "deprecate", "stages", "immutable", "policy"}
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
                 stages=None, immutable=False, protect=None):
        self.where = where  # `HEAD:.gto-policy`: for messages
        self.signers = signers
        self.groups = groups or {}
        self.register = register
        self.deprecate = deprecate
        self.stages = stages or {}
        self.immutable = immutable
        self.protect = protect  # the `policy` rule: who may change this file and the signers file

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

    def in_groups(self, principal, groups):
        """Whether `principal` (ssh-keygen's `a,b` for a two-principal line) is in one of `groups`."""
        return bool(_principals(principal) & self.members(groups))


def parse(data, where, config=None):
    """A Policy from the loaded YAML `data` of the file `where`; anything
    malformed is a CannotCheck naming the file and the key. `config` (a
    config.Config): the stages `.gto` allows; a rule for any other stage
    is an error (`prd:` must not leave `prod` ungoverned)."""

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
        if not value and isinstance(value, dict) and name == "policy":
            raise bad("'policy' needs 'signed_by'")
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
        for stage in from_stages or ():
            _known_stage(stage, f"{name}.from", config, bad)
        if distinct and not (from_stages and signed_by):
            raise bad(f"'{name}.distinct' needs 'from' and 'signed_by'")
        return Rule(name, signed_by, from_stages, distinct)

    stages = data.get("stages") or {}
    if not isinstance(stages, dict):
        raise bad("'stages' must map stage names to rules")
    # A key written with no value reads as "no rule": say so instead.
    for key in ("register", "deprecate", "policy"):
        if key in data and data[key] is None:
            raise bad(f"'{key}' has no value: give it a rule or remove the key")
    for stage, value in stages.items():
        if value is None:
            raise bad(f"'stages.{stage}' has no value: give it a rule ({{signed_by: [...]}}) or remove it")
        _known_stage(str(stage), "stages", config, bad)
    immutable = data.get("immutable", False)
    if not isinstance(immutable, bool):
        raise bad("'immutable' must be true or false")
    protect = rule(data.get("policy"), "policy", False)
    if protect is not None and not protect.signed_by:
        raise bad("'policy' needs 'signed_by'")
    return Policy(where, signers, {k: list(v) for k, v in groups.items()},
                  rule(data.get("register"), "register", False), rule(data.get("deprecate"), "deprecate", False),
                  {str(s): rule(r, f"stages.{s}", True) for s, r in stages.items()}, immutable, protect)


def _known_stage(stage, key, config, bad):
    problem = config.stage_warning(stage) if config is not None else None
    if problem is not None:
        raise bad(f"'{key}': stage '{stage}': {problem}")


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
    unnamed one); `commit`: the commit the event is on (None when unknown);
    `annotated`/`signed_name` as git stores the tag."""

    __slots__ = ("tag", "kind", "artifact", "version", "stage", "annotated", "signed_name", "signature", "commit")

    def __init__(self, tag, kind, artifact, version=None, stage=None, annotated=True, signed_name=None,
                 signature=None, commit=None):
        self.tag = tag
        self.kind = kind
        self.artifact = artifact
        self.version = version
        self.stage = stage
        self.annotated = annotated
        self.signed_name = tag if signed_name is None else signed_name
        self.signature = signature
        self.commit = commit

    @property
    def principal(self):
        return self.signature.principal if self.signature is not None else None

    @property
    def key(self):
        """What `from` is keyed by: the version on its commit, never its name alone."""
        return self.artifact, self.commit, self.version


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


class _InForce:
    """What the events checked so far leave in force, counting only those
    that passed: per (artifact, commit, version), whether its registration
    in force is valid, and its stage assignments not unassigned since."""

    def __init__(self, policy):
        self.needs_registration = policy is not None and policy.register is not None
        self.registered = {}  # key -> (valid?, tag) of the registration in force
        self.assigned = {}  # key -> [(stage, principal, tag)]
        self.left = {}  # key -> {stage: the unassignment that ended it}

    def registration_ok(self, key):
        """A version needs a valid registration in force when the policy has
        a `register` rule; without one, an unregistered version will do."""
        found = self.registered.get(key)
        return found[0] if found is not None else not self.needs_registration

    def add(self, s, ok):
        key = s.key
        if s.kind == T.REGISTRATION:
            self.registered[key] = (ok, s.tag)
        elif not ok:
            return  # an invalid event changes nothing the policy counts on
        elif s.kind == T.DEREGISTRATION:
            self.registered.pop(key, None)
            self.assigned.pop(key, None)
        elif s.kind == T.ASSIGNMENT:
            self.assigned.setdefault(key, []).append((s.stage, s.principal, s.tag))
            self.left.get(key, {}).pop(s.stage, None)
        elif s.kind == T.UNASSIGNMENT:
            held = self.assigned.get(key, [])
            self.assigned[key] = [e for e in held if e[0] != s.stage]
            if len(held) != len(self.assigned[key]):
                self.left.setdefault(key, {})[s.stage] = s.tag


def evaluate(policy, subjects):
    """One Result per subject. `subjects` are in event order: `from` and
    `distinct` look at the earlier subjects that passed."""
    state = _InForce(policy)
    results = []
    for s in subjects:
        result = _check(policy, s, state)
        results.append(result)
        state.add(s, result.ok)
    return results


def _check(policy, s, state):
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
            return Result(s, False, rule.name, f"{detail}; needs a signature of {either(rule.signed_by)}")
        allowed = policy.members(rule.signed_by)
        if not _principals(s.principal) & allowed:
            return Result(s, False, rule.name, f"signed by {s.principal}, who is not in {either(rule.signed_by)}")
        why.append(f"signed by {s.principal} ({either(rule.signed_by)})")
    if rule.from_stages and s.kind == T.ASSIGNMENT:
        failed, said = _from(rule, s, state)
        if failed:
            return Result(s, False, rule.name, said)
        why.append(said)
    return Result(s, True, rule.name, ", ".join(why) or "allowed")


def _from(rule, s, state):
    """(failed, why) of a `from` rule (and its `distinct`) for assignment `s`."""
    key = s.key
    if s.commit and s.version == s.commit:
        name = f"commit {s.commit[:7]}"  # an unnamed version
    else:
        name = f"version {s.version}" + (f" on commit {s.commit[:7]}" if s.commit else "")
    if not state.registration_ok(key):
        found = state.registered.get(key)
        if found is not None:
            return True, f"the registration of {name} ({found[1]}) is not valid, so it satisfies nothing"
        return True, f"{name} has no valid registration in force"
    before = [e for e in state.assigned.get(key, []) if e[0] in rule.from_stages]
    if not before:
        left = [(stage, tag) for stage, tag in state.left.get(key, {}).items() if stage in rule.from_stages]
        if left:
            return True, f"{name} left {left[-1][0]} ({left[-1][1]}) and is not in {either(rule.from_stages)} now"
        return True, f"{name.split(' on commit')[0]} was never assigned {either(rule.from_stages)} by a valid event"
    if rule.distinct:
        # Both events must name a known person: an unsigned assignment has no principal.
        signed = [e for e in before if e[1]]
        others = [e for e in signed if not _principals(e[1]) & _principals(s.principal)]
        if not others:
            stage, _, tag = before[-1]
            if not signed:
                return True, f"the {stage} assignment ({tag}) is unsigned, so it names no second person; " \
                             f"needs a second person"
            stage, _, tag = signed[-1]
            return True, f"signed by {s.principal}, who also assigned {stage} ({tag}); needs a second person"
        before = others
    stage, signer, tag = before[-1]
    return False, f"from {stage} ({tag}" + (f" by {signer})" if rule.distinct else ")")


def either(names):
    return " or ".join(names)
