"""The filters of every listing (`show`, `show NAME`, `history`). Pure: one
function, select(), over registry state.

* `--where KEY=VALUE`, `KEY!=VALUE`, `KEY~GLOB` (repeatable, all must hold):
  a version's facts (facts.of_version; `description` is a key too). `!=`
  also holds when the version has no such fact; `~` is a shell glob
  (`*`, `?`, `[…]`), case-sensitive like `=`.
* `--stage STAGE` (`show`: `--in-stage`, since `show --stage` is GTO's "print
  stages only"): versions that hold STAGE now.
* `--type TYPE`, `--label LABEL` (repeatable, all must be there): the
  artifact's annotation (artifacts.yaml / dvc.yaml at HEAD).

Artifact criteria pick artifacts; version criteria pick versions, and an
artifact is listed when one of its versions is picked."""

from fnmatch import fnmatchcase

from .facts import FactError, check_key, of_version

OPERATORS = ("!=", "=", "~")  # `!=` first: `a!=b` also contains `=`


class Filter:
    def __init__(self, where=(), type=None, labels=(), stage=None):
        self.where = list(where or ())  # [(key, operator, value)]
        self.type = type
        self.labels = list(labels or ())
        self.stage = stage

    @property
    def active(self):
        return bool(self.where or self.type or self.labels or self.stage)

    @property
    def on_versions(self):
        return bool(self.where or self.stage)

    @property
    def on_artifacts(self):
        return bool(self.type or self.labels)


def from_args(args):
    """The Filter of a command's parsed options (cli.filter_options)."""
    return Filter(getattr(args, "where", None), getattr(args, "type", None), getattr(args, "label", None),
                  getattr(args, "filter_stage", None))


def parse_where(text):
    """`KEY=VALUE`, `KEY!=VALUE`, `KEY~GLOB` -> (key in lower case, operator, value)."""
    found = None
    for op in OPERATORS:
        at = text.find(op)
        if at > 0 and (found is None or at < found[0]):
            found = (at, op)
    if found is None:
        raise FactError(f"Invalid --where '{text}': expected KEY=VALUE, KEY!=VALUE or KEY~GLOB")
    at, op = found
    return check_key(text[:at], "--where"), op, text[at + len(op):]


def facts_match(meta, description, where):
    """Every (key, operator, value) of `where` holds for these facts."""
    for key, op, value in where:
        have = description if key == "description" else meta.get(key)
        if op == "=":
            ok = have == value
        elif op == "!=":
            ok = have != value
        else:
            ok = have is not None and fnmatchcase(have, value)
        if not ok:
            return False
    return True


def artifact_matches(art, flt):
    annotation = art.annotation or {}
    if flt.type and annotation.get("type") != flt.type:
        return False
    labels = annotation.get("labels") or ()
    return all(label in labels for label in flt.labels)


def version_matches(version, flt):
    if flt.stage and not (version.is_active and any(vs.stage == flt.stage for vs in version.active_vstages())):
        return False
    if flt.where:
        meta, description = of_version(version)
        return facts_match(meta, description, flt.where)
    return True


def select(registry, flt, active_only=True):
    """{artifact name: set of the picked versions, or None (every version:
    no version criteria)} of the artifacts the filter keeps. active_only:
    inactive versions are never picked (they do not make an artifact show)."""
    chosen = {}
    for name, art in registry.artifacts.items():
        if flt.on_artifacts and not artifact_matches(art, flt):
            continue
        if not flt.on_versions:
            chosen[name] = None
            continue
        picked = {v for v in art.versions if (v.is_active or not active_only) and version_matches(v, flt)}
        if picked:
            chosen[name] = picked
    return chosen


def events(journal, chosen):
    """The history events of the artifacts and versions `select` picked (an
    event without a version, a deprecation, only when no version criteria)."""
    kept = []
    for e in journal:
        if e.artifact not in chosen:
            continue
        picked = chosen[e.artifact]
        if picked is None or any(v.name == e.version for v in picked):
            kept.append(e)
    return kept
