"""The built-in commands: name -> (one-line summary, help section).

Each command lives in ``gitgto/commands/<name with _>.py`` and defines
``build_parser()`` and ``run(args) -> int``.
"""

COMMANDS = {
    # Read the registry
    "show": ("Show the registry state, highest version, or what's assigned in stage", "read"),
    "which": ("Print the version in a stage (show NAME#STAGE, without the #)", "read"),
    "latest": ("Print the greatest version of an artifact (show NAME@latest)", "read"),
    "history": ("Show a journal of registry operations", "read"),
    "check-ref": ("Find out the artifact version registered/assigned with ref", "read"),
    "describe": ("Display the annotation of an artifact", "read"),
    "stages": ("Print the list of stages used in the registry", "read"),
    "doctor": ("Display git-gto version and check the registry for problems", "read"),
    "status": ("Compare local GTO tags with a remote's", "read"),
    "get": ("Write an artifact's files as they are at a version's commit", "read"),
    "page": ("Write the registry as a static web page (self-contained HTML)", "read"),
    # Modify artifacts
    "register": ("Create an artifact version to signify an important iteration", "write"),
    "assign": ("Assign a stage to a specific artifact version", "write"),
    "deprecate": ("Deprecate an artifact, deregister a version, or unassign a stage", "write"),
    "unassign": ("Unassign a stage from a version (same as deprecate NAME VERSION STAGE)", "write"),
    "deregister": ("Deregister a version (same as deprecate NAME VERSION)", "write"),
    # Governance
    "verify": ("Check registry events against the signed-tag policy (.gto-policy)", "govern"),
    # Manage annotations
    "annotate": ("Update an artifact's annotation in artifacts.yaml", "annotate"),
    "remove": ("Remove an artifact's annotation from artifacts.yaml", "annotate"),
}

ALIASES = {"promote": "assign"}

SECTIONS = {
    "read": "Read the registry",
    "write": "Modify artifacts",
    "govern": "Governance",
    "annotate": "Manage artifact annotations",
}


def module_name(command):
    return "gitgto.commands." + command.replace("-", "_")
