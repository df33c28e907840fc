"""One exception hierarchy; the top-level wrapper maps it to exit codes."""


class GTOError(Exception):
    """A user-facing error: printed as one line on stderr, exit 1."""

    exit_code = 1


class GitError(GTOError):
    """git itself failed in a way the user must see."""


class NotARepository(GTOError):
    pass


class CannotCheck(GTOError):
    """A check could not be made (a broken policy file, a missing signers
    file, a remote `status` cannot read): `verify` and `status` exit 3."""

    exit_code = 3


class PolicyViolation(GTOError):
    """An event the policy does not allow."""
