"""Configuration: `.gto` (YAML) at the work-tree root, overridden by `GTO_*`
environment variables. YAML is imported only when a `.gto` exists."""

import json
import os

from . import tags
from .errors import GTOError, UnknownStage, UnknownType, WrongConfig

CONFIG_FILE = ".gto"
_BOOLS = {"true": True, "1": True, "yes": True, "on": True,
          "false": False, "0": False, "no": False, "off": False}
# Keys GTO accepts in .gto; the ones git-gto does not use are accepted and ignored.
KNOWN_KEYS = {"types", "stages", "emojis", "log_level", "debug", "index",
              "config_file_name", "enrichments", "autoload_enrichments"}


class Config:
    def __init__(self, types=None, stages=None, emojis=True, log_level="INFO", source=None, origins=None,
                 warnings=()):
        self.types = types  # None = anything valid
        self.stages = stages
        self.emojis = emojis
        self.log_level = log_level
        self.source = source  # the file read, relative to the repository root: None, `.gto` or `HEAD:.gto`
        self.origins = origins or {}  # key -> where its value came from: `.gto`, `GTO_STAGES`, ...
        self.warnings = list(warnings)  # what the reader forgave (a stage listed twice), for stderr

    def check_stage(self, stage):
        tags.check_name(stage)
        if self.stages is not None and stage not in self.stages:
            raise UnknownStage(self._not_allowed("stages", stage))
        return stage

    def check_type(self, type_):
        tags.check_name(type_)
        if self.types is not None and type_ not in self.types:
            raise UnknownType(self._not_allowed("types", type_))
        return type_

    def stage_warning(self, stage):
        """For queries, which answer nothing rather than fail: the warning a
        stage that is not allowed deserves (a typo must not be silent)."""
        if self.stages is None or stage in self.stages:
            return None
        return self._not_allowed("stages", stage)

    def _not_allowed(self, key, value):
        """GTO's "Allowed stages are: …", readable, with where the list came from."""
        allowed = getattr(self, key)
        origin = self.origins.get(key, CONFIG_FILE)
        if not allowed:
            return f"Allowed {key} are: none ({origin} sets '{key}' to an empty list), so '{value}' is not allowed"
        close = _close_match(value, allowed)
        hint = f"; did you mean '{close}'?" if close else ""
        return f"Allowed {key} are: {', '.join(allowed)} (from {origin}); '{value}' is not one of them{hint}"


def _close_match(value, choices):
    """A typo (`prdo`) or a longer or shorter form (`production`, `pro`) of one choice."""
    from difflib import get_close_matches

    found = get_close_matches(value, choices, n=1, cutoff=0.6)
    if found:
        return found[0]
    return next((c for c in choices if value.startswith(c) or c.startswith(value)), None)


def one_edit_apart(a, b):
    """Two different names one typo apart: a letter added, dropped, changed,
    or two neighbours swapped (`chrun`/`churn`)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                   and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i in range(len(short)) if short[i] != long_[i]), len(short))
    return short[i:] == long_[i + 1:]


def emojis_from_env(environ=os.environ):
    value = environ.get("GTO_EMOJIS")
    return True if value is None else _BOOLS.get(value.strip().lower(), True)


def load(root, environ=os.environ, text=None):
    """Read `<root>/.gto` (root None: a bare repository, no file; or the
    file's committed `text`, for remote repositories) and the environment.
    Errors name the file (or variable) and the key."""
    values, source = {}, None
    path = os.path.join(root, CONFIG_FILE) if root else None
    if text is not None:
        path = source = "HEAD:" + CONFIG_FILE
        values = _parse(text, path)
    elif path and os.path.lexists(path):  # a directory or a dangling link is an error, not "no file"
        source = CONFIG_FILE
        values = _read_file(path)
    where = {key: f"config file '{path}'" for key in values}
    origins = {key: source for key in values}
    for key in ("types", "stages", "emojis", "log_level"):
        env_name = "GTO_" + key.upper()
        if env_name in environ:
            values[key] = _from_env(env_name, key, environ[env_name])
            where[key] = f"environment variable {env_name}"
            origins[key] = env_name
    warnings = []
    return Config(
        types=_names(values.get("types"), "types", where, warnings),
        stages=_names(values.get("stages"), "stages", where, warnings),
        emojis=_bool(values.get("emojis", True), "emojis", where),
        log_level=str(values.get("log_level", "INFO")),
        source=source,
        origins=origins,
        warnings=warnings,
    )


MAX_BYTES = 1024 * 1024


def _read_file(path):
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise WrongConfig(f"Wrong config file '{path}': larger than 1 MiB")
        return _parse(data.decode("utf-8"), path)
    except OSError as exc:
        raise WrongConfig(f"Wrong config file '{path}': {exc.strerror or _one_line(exc)}")
    except UnicodeDecodeError as exc:
        raise WrongConfig(f"Wrong config file '{path}': not UTF-8 text ({_one_line(exc)})")


def load_yaml(text, what):
    """Every YAML file goes through here (safeyaml: safe tags, no duplicate
    keys, bounded nesting); a broken file is a GTOError that starts with
    `what`. (PyYAML is imported only here, when a file exists.)"""
    from .safeyaml import YAMLFileError, load

    try:
        return load(text)
    except YAMLFileError as exc:
        raise WrongConfig(f"{what}: {exc}")


def _parse(text, path):
    data = load_yaml(text, f"Wrong config file '{path}'")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise WrongConfig(f"Wrong config file '{path}': expected a mapping of settings")
    values = {}
    for key, value in data.items():
        lower = str(key).lower()
        if lower not in KNOWN_KEYS:
            raise WrongConfig(f"Wrong config file '{path}': unknown key '{key}'")
        values[lower] = value
    return values


def _from_env(env_name, key, raw):
    if key in ("types", "stages"):
        try:
            return json.loads(raw)
        except ValueError:
            raise WrongConfig(f"Wrong environment variable {env_name}: expected a JSON list, "
                              f"e.g. '[\"dev\", \"prod\"]'")
    return raw


def _names(value, key, where, warnings):
    """A list of names; one listed twice is used once, with a warning (GTO
    accepts it too, and a table cannot have the same column twice)."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WrongConfig(f"Wrong {where[key]}: '{key}' must be a list of names")
    for v in value:
        try:
            tags.check_name(v)
        except GTOError as exc:
            raise WrongConfig(f"Wrong {where[key]}: '{key}': {exc}")
    unique = list(dict.fromkeys(value))
    for v in unique:
        if value.count(v) > 1:
            warnings.append(f"{where[key]} lists '{v}' in '{key}' {value.count(v)} times; using it once")
    return unique


def _bool(value, key, where):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLS:
        return _BOOLS[value.strip().lower()]
    accepted = ", ".join(_BOOLS)
    raise WrongConfig(f"Wrong {where[key]}: '{key}' must be true or false, not '{value}' "
                   f"(accepted, in any case: {accepted})")


def _one_line(exc):
    return " ".join(str(exc).split())
