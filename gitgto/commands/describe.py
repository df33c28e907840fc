"""git gto describe NAME: an artifact's annotation as JSON."""

from .. import annotations as ann
from .. import cli, output

FIELDS = ("type", "path", "description", "custom")


def build_parser():
    p = cli.new_parser(
        "describe", "Display the annotation of an artifact (artifacts.yaml or dvc.yaml).",
        "Without --rev the work-tree artifacts.yaml is read (then dvc.yaml files at HEAD).\n"
        "An artifact without an annotation prints nothing.\n\n"
        "With a version (NAME@vX.Y.Z, NAME#STAGE, NAME@latest), the JSON also carries the\n"
        "version's facts (the --meta and --description of register/assign): `version`, `meta`\n"
        "and `version_description` (`description` stays the annotation's).\n\n"
        "examples:\n  git gto describe churn\n  git gto describe churn#prod --path\n"
        "  git gto describe churn@v1.2.0\n")
    p.add_argument("artifact", metavar="NAME", help="artifact name, or a shortcut (NAME@vX.Y.Z, NAME#STAGE, NAME@latest)")
    p.add_argument("--rev", metavar="REV", help="read the annotation committed at this revision")
    group = p.add_mutually_exclusive_group()
    for field in FIELDS:
        group.add_argument("--" + field, action="store_true", help=f"print the {field} only")
    return p


def run(args):
    from .. import api

    annotation, version = api._annotation(args.repo, args.artifact, args.rev, strict=True)
    field = next((f for f in FIELDS if getattr(args, f)), None)
    facts = _facts(version) if field is None else None
    if annotation is None and not facts:
        return 0
    if field is not None:
        value = annotation.get(field)
        output.values([value if value != ann.DEFAULTS[field] else None])
    else:
        output.print_json({**(ann.visible(annotation) if annotation is not None else {}), **(facts or {})})
    return 0


def _facts(version):
    """The facts of the version a shortcut named, as describe's extra keys
    (None when it has none)."""
    from ..facts import of_version

    if version is None:
        return None
    meta, description = of_version(version)
    if not meta and description is None:
        return None
    return {"version": version.name, "meta": meta, "version_description": description}
