"""git gto describe NAME: an artifact's annotation as JSON."""

from .. import annotations as ann
from .. import cli, output

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
    from .. import api

    annotation = api._annotation(args.repo, args.artifact, args.rev)
    if annotation is None:
        return 0
    field = next((f for f in FIELDS if getattr(args, f)), None)
    if field is not None:
        value = annotation.get(field)
        output.values([value if value != ann.DEFAULTS[field] else None])
    else:
        output.print_json(ann.visible(annotation))
    return 0

