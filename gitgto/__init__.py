"""git-gto: Git Tag Ops as native git plugins."""

__version__ = "1.0.0"
