"""git gto unassign NAME VERSION STAGE: `deprecate NAME VERSION STAGE`."""

from . import deprecate


def build_parser():
    return deprecate.build_parser("unassign", "Unassign a stage from a version (same as "
                                  "`git gto deprecate NAME VERSION STAGE`).", ("version", "stage"))


run = deprecate.run
