"""One exception hierarchy; the top-level wrapper maps it to exit codes.

The Python API (gitgto.api) raises the same exceptions the command line
prints: `str(exc)` is the CLI's message. Where gto 1.x has an exception
for the case, the class has gto's name (gto.exceptions), so code written
against gto's API catches the same names here."""


class GTOError(Exception):
    """A user-facing error: printed as one line on stderr, exit 1."""

    exit_code = 1

    @property
    def message(self):  # (gto's exceptions carry `.message`)
        return str(self)


GTOException = GTOError  # gto's name of the base class


class GitError(GTOError):
    """git itself failed in a way the user must see."""


class NoRepo(GTOError):
    """No git repository where one was named."""


NotARepository = NoRepo


class WrongArgs(GTOError):
    """Arguments (or options) that cannot go together, or that the
    registry's state does not allow without --force."""


class WrongConfig(GTOError):
    """A `.gto` (or GTO_* variable) that cannot be used."""


class ValidationError(GTOError):
    """A name (artifact, stage, type, label) the tag grammar refuses."""


class InvalidVersion(WrongArgs):
    """A version name that is not SemVer (gto raises WrongArgs here: a
    subclass, so both catch it)."""


class UnknownStage(GTOError):
    """A stage that `stages` in .gto does not allow."""


class UnknownType(GTOError):
    """A type that `types` in .gto does not allow."""


class RefNotFound(GTOError):
    """A git reference that names no commit here."""


class ArtifactNotFound(GTOError):
    """An artifact with no tags (or no annotation) here."""


class VersionRequired(GTOError):
    """The artifact has no such version."""


class VersionExistsForCommit(GTOError):
    """The commit already carries a registered version of the artifact."""


class VersionAlreadyRegistered(GTOError):
    """The version name is taken."""


class NoStageForVersion(WrongArgs):
    """The version is not in the stage (to unassign): gto says WrongArgs."""


class InvalidTagName(GTOError):
    """A name that is not a GTO tag (api.parse_tag)."""


class TagExists(GTOError):
    """The tag a write would create exists already."""


class PathIsUsed(GTOError):
    """An annotation path overlaps another artifact's."""


class NoFile(GTOError):
    """A path that must exist is not committed at HEAD."""


class NotImplementedInGTO(GTOError):
    """A case gto does not handle either (an ambiguous shortcut)."""


class CannotCheck(GTOError):
    """A check could not be made (a broken policy file, a missing signers
    file, a remote `status` cannot read): `verify` and `status` exit 3."""

    exit_code = 3


class PolicyViolation(GTOError):
    """An event the policy does not allow."""
