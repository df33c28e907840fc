"""git gto deregister NAME VERSION: `deprecate NAME VERSION`."""

from . import deprecate


def build_parser():
    return deprecate.build_parser("deregister", "Deregister a version (same as "
                                  "`git gto deprecate NAME VERSION`).", ("version",))


run = deprecate.run
