"""git gto describe NAME: an artifact's annotation as JSON."""

from .. import annotations as ann
from .. import cli, output, registry as reg, tags
from ..errors import GTOError

FIELDS = ("type", "path", "description", "custom")


def build_parser():
    p = cli.new_parser(
        "describe", "Display the annotation of an artifact (artifacts.yaml or dvc.yaml).",
        "Without --rev the work-tree artifacts.yaml is read (then dvc.yaml files at HEAD).\n"
        "An artifact without an annotation prints nothing.\n\n"
        "examples:\n  git gto describe churn\n  git gto describe churn#prod --path\n")
    p.add_argument("artifact", metavar="NAME", help="artifact name, or a shortcut (NAME@vX.Y.Z, NAME#STAGE, NAME@latest)")
    p.add_argument("--rev", metavar="REV", help="read the annotation committed at this revision")
    group = p.add_mutually_exclusive_group()
    for field in FIELDS:
        group.add_argument("--" + field, action="store_true", help=f"print the {field} only")
    return p


def run(args):
    from ..workspace import Workspace

    name, selector, stage = tags.parse_shortcut(args.artifact)
    tags.check_artifact(name)
    if (selector or stage) and args.rev:
        raise GTOError("Either specify revision or use naming shortcut.")
    ws = Workspace(args.repo)
    rev = args.rev
    if stage is not None and ws.config.stage_warning(stage):
        output.warn(ws.config.stage_warning(stage))
    if selector or stage:
        rev = _shortcut_commit(ws, name, selector, stage)
        if rev is None:
            return 0
    if rev is not None:
        commit = ws.repo.resolve_commit(rev)
        if commit is None:
            raise GTOError(f"Ref '{rev}' was not found in the repository history")
        annotation = ann.read_at(ws.repo, commit, ws.annotation_memo).get(name)
    else:
        annotation = _worktree_or_head(ws, name)
    if annotation is None:
        if not (selector or stage) and (args.rev is None or _worktree_or_head(ws, name) is None):
            ws.registry(name).get(name)  # an artifact nothing knows is an error, as in show (a typo)
        return 0
    field = next((f for f in FIELDS if getattr(args, f)), None)
    if field is not None:
        value = annotation.get(field)
        output.values([value if value != ann.DEFAULTS[field] else None])
    else:
        output.print_json(ann.visible(annotation))
    return 0


def _worktree_or_head(ws, name):
    if ws.repo.root is not None:
        found = ann.load_worktree(ws.repo.root, ws.annotation_memo).get(name)
        if found is not None:
            return found
    head = ws.head()
    return ann.read_at(ws.repo, head, ws.annotation_memo).get(name) if head else None


def _shortcut_commit(ws, name, selector, stage):
    registry = ws.registry(name)
    ws.warn_if_shadowed(registry)
    art = registry.get(name)
    versions = reg.listed_versions(art)
    if selector == "latest":
        versions = versions[:1]
    elif selector is not None:
        versions = [v for v in versions if v.name == selector]
    if stage is not None:
        holders = reg.stage_holders(art)
        versions = [v for v in versions if v in holders.get(stage, ())]
    if len(versions) > 1:
        raise GTOError("Ambiguous naming shortcut: multiple variants found.")
    return versions[0].commit if versions else None
