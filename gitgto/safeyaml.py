"""The one YAML loader (`.gto`, `artifacts.yaml`, `dvc.yaml`): safe tags only,
libyaml's parser when PyYAML has it, duplicate keys refused, nesting bounded.

Why not `yaml.safe_load`: it keeps the last of two equal keys without a word
(and `annotate` would then rewrite the file without the other entry), and
its recursive composer dies of "maximum recursion depth" (or, in C, of a
stack overflow) on a few kilobytes of `[[[[…`. Here the composer is PyYAML's
Python one, fed by libyaml's events and cut off at MAX_DEPTH before Python's
recursion limit is in sight; construction is SafeConstructor's (iterative)."""

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

MAX_DEPTH = 64
# A file without aliases has fewer values than characters; aliases may
# multiply them up to this much (or the file's length, if larger).
MIN_NODES = 100_000


class YAMLFileError(Exception):
    """A file that is not acceptable YAML; the message says why and where."""


class _Bounded(Composer, SafeConstructor, Resolver):
    """Composer with a depth limit + SafeConstructor refusing duplicate keys.

    Aliases count too: `b: [*a]` is as deep as `a` plus one, and expands to
    as many values as `a` has (the "billion laughs"), so every node's height
    and expanded size are kept, and an alias to a node still being composed
    (a recursive structure: JSON cannot print it) is refused."""

    def __init__(self, max_nodes):
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0
        self.max_nodes = max_nodes
        self.shape = {}  # id(node) -> (height, expanded size)

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise YAMLFileError(f"nested deeper than {MAX_DEPTH} levels{_where(self.peek_event().start_mark)}")
            alias = self.check_event(yaml.AliasEvent)
            mark = self.peek_event().start_mark
            node = Composer.compose_node(self, parent, index)
            if alias and id(node) not in self.shape and not isinstance(node, yaml.ScalarNode):
                raise YAMLFileError(f"recursive alias{_where(mark)}")
            height, size = self._shape(node)
            if self.depth - 1 + height > MAX_DEPTH:
                raise YAMLFileError(f"nested deeper than {MAX_DEPTH} levels through aliases{_where(mark)}")
            if size > self.max_nodes:
                raise YAMLFileError(f"aliases expand to more than {self.max_nodes} values{_where(mark)}")
            return node
        finally:
            self.depth -= 1

    def _shape(self, node):
        if isinstance(node, yaml.ScalarNode):
            return 1, 1
        known = self.shape.get(id(node))
        if known is None:
            children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
            shapes = [self._shape(c) for c in children]
            known = self.shape[id(node)] = (1 + max((h for h, _ in shapes), default=0),
                                            1 + sum(n for _, n in shapes))
        return known

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<: *base` is meant to be overridden
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: SafeConstructor says so
                    continue
                if duplicate:
                    raise YAMLFileError(f"duplicate key '{key}'{_where(key_node.start_mark)}")
        return SafeConstructor.construct_mapping(self, node, deep=deep)


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _Loader(_Bounded, CParser):
        def __init__(self, stream):
            CParser.__init__(self, stream)
            _Bounded.__init__(self, max(len(stream), MIN_NODES))

        # CParser's own (C, unbounded) composer must not be used.
        get_node = Composer.get_node
        check_node = Composer.check_node
        get_single_node = Composer.get_single_node
else:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(_Bounded, Reader, Scanner, Parser):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            _Bounded.__init__(self, max(len(stream), MIN_NODES))


def _where(mark):
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""


def _describe(exc):
    """PyYAML's error without its `in "<unicode string>"` lines."""
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [p for p in (exc.context, exc.problem) if p]
        return "; ".join(parts) + _where(exc.problem_mark or exc.context_mark)
    return " ".join(str(exc).split())


def load(text):
    """Parse YAML text (str). Raises YAMLFileError with a one-line reason."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except YAMLFileError:
        raise
    except (yaml.YAMLError, ConstructorError) as exc:
        if "maximum nesting depth" in str(exc):  # libyaml's own limit (1000) met before ours
            raise YAMLFileError(f"nested deeper than {MAX_DEPTH} levels{_where(exc.problem_mark)}") from None
        raise YAMLFileError(_describe(exc)) from None
    except RecursionError:  # cannot happen below MAX_DEPTH; never a crash anyway
        raise YAMLFileError(f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
