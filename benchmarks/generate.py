#!/usr/bin/env python3
"""Generate a GTO registry repository for benchmarks, deterministically.

Same parameters (seed included) => byte-identical commits and tags. The tags are
what git-gto itself writes (reference §2.2, §2.6, §2.8): annotated tags on
commits, increasing tagger dates, default messages + one trailing newline.

Everything goes through ONE `git fast-import` stream, because one `git tag` per
tag would take minutes for a 40k-tag registry. Refs are then packed, as after a
clone.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from gitgto.tags import (  # noqa: E402  (path set up just above)
    ASSIGNMENT,
    DEPRECATION,
    DEREGISTRATION,
    REGISTRATION,
    UNASSIGNMENT,
    check_artifact,
    format_tag,
    parse_tag,
)

KINDS = (REGISTRATION, DEREGISTRATION, ASSIGNMENT, UNASSIGNMENT, DEPRECATION)

# Default messages of reference §2.8; `git tag -a -m` stores them with one "\n".
MESSAGES = {
    REGISTRATION: "Registering artifact {name} version {version}",
    DEREGISTRATION: "Deregistering artifact {name} version {version}",
    ASSIGNMENT: "Assigning stage {stage} to artifact {name} version {version}",
    UNASSIGNMENT: "Unassigning stage '{stage}' to artifact '{name}' version '{version}'",
    DEPRECATION: "Deprecating artifact '{name}'",
}

STAGE_POOL = ("dev", "staging", "prod", "qa", "canary", "shadow", "archive", "Prod_EU")
NAME_STEMS = ("model", "rf", "nn", "churn", "seg/model", "DVCLive/Model", "text_cls")
IDENTITIES = (  # (name, email, tz): varied time zones exercise the display code
    ("GTO Bench", "bench@example.com", "+0000"),
    ("Ada Lovelace", "ada@example.com", "+0100"),
    ("Grace Hopper", "grace@example.com", "-0500"),
)
COMMITTER = IDENTITIES[0]
EPOCH = 1_700_000_000  # first commit; every later date is derived from it
COMMIT_STEP = 600  # seconds between commits
# Look almost like GTO tags but must not parse (reference §2.1's negative list).
NEAR_MISS = (
    "{a}@{n}.0.0", "{a}@V{n}.0.0", "{a}#prod#-{n}", "{a}@v{n}", "{a}@v0{n}.0.0",
    "{a}#prod@v{n}.0.0", "{a}@v{n}.0.0#prod", "{a}-prod-v{n}", "{a}#prod#{n}-2",
)
UNRELATED = ("release-{n}", "v{n}.2.3", "build/{n}", "nightly-{n}")
BENCH_STAGE = "bench"  # never generated: `assign` benchmarks can always use it
MANIFEST = "gto-bench.json"  # written inside .git: not part of the registry


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("repo", help="path of the repository to create (must not exist, unless --force)")
    p.add_argument("--artifacts", type=int, default=10)
    p.add_argument("--versions", type=int, default=5, help="versions per artifact")
    p.add_argument("--stages", default="3", help="a count, or comma-separated stage names")
    p.add_argument("--assignments", type=float, default=2, help="assignments per version (mean; at most one per stage)")
    p.add_argument("--unassign", type=float, default=0.1, help="fraction of assignments later unassigned")
    p.add_argument("--deregister", type=float, default=0.05, help="fraction of versions deregistered")
    p.add_argument("--deprecate", type=float, default=0.02, help="fraction of artifacts deprecated")
    p.add_argument("--dirnames", type=float, default=0.1, help="fraction of `dir:name` artifacts")
    p.add_argument("--simple", type=float, default=0.05, help="fraction of simple-form assignment tags")
    p.add_argument("--annotated", type=float, default=0.1, help="fraction of artifacts in HEAD's artifacts.yaml")
    p.add_argument("--unrelated", type=int, default=0, help="non-GTO tags (release-1, v1.2.3, ...)")
    p.add_argument("--near-miss", type=int, default=0, help="tags that almost parse as GTO tags")
    p.add_argument("--lightweight", type=int, default=0, help="lightweight GTO-looking tags")
    p.add_argument("--commits", type=int, default=50, help="commits on main (raised to --versions)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--force", action="store_true", help="replace REPO if it exists")
    args = p.parse_args(argv)
    for frac in ("unassign", "deregister", "deprecate", "dirnames", "simple", "annotated"):
        if not 0 <= getattr(args, frac) <= 1:
            p.error(f"--{frac.replace('_', '-')} must be between 0 and 1")
    args.stages = stage_names(args.stages)
    args.commits = max(args.commits, args.versions, 1)
    return args


def stage_names(spec):
    if not spec.isdigit():
        return [s for s in spec.split(",") if s]
    n = int(spec)
    return list(STAGE_POOL[:n]) + [f"stage{i}" for i in range(len(STAGE_POOL), n)]


# -- the plan: pure, all randomness comes from one seeded Random -------------------


class Event:
    __slots__ = ("artifact", "kind", "version", "stage", "commit", "tag", "time", "who")

    def __init__(self, artifact, kind, commit, version=None, stage=None):
        self.artifact, self.kind, self.commit = artifact, kind, commit
        self.version, self.stage = version, stage
        self.tag = self.time = self.who = None

    def message(self):
        return MESSAGES[self.kind].format(name=self.artifact, version=self.version, stage=self.stage) + "\n"


def artifact_names(rng, args):
    names = []
    for i in range(args.artifacts):
        name = f"{NAME_STEMS[i % len(NAME_STEMS)]}-{i}"
        if rng.random() < args.dirnames:
            name = f"models/team{i % 7}:{name}"
        names.append(check_artifact(name))
    return names


def version_names(rng, count):
    """Increasing SemVer names; now and then an `-rc.1` just before its release."""
    major, minor, patch, names = 0, 0, 0, []
    while len(names) < count:
        r = rng.random()  # 5% major, 25% minor, 70% patch bumps
        if r < 0.05:
            major, minor, patch = major + 1, 0, 0
        elif r < 0.3:
            minor, patch = minor + 1, 0
        else:
            patch += 1
        if rng.random() < 0.05 and len(names) + 2 <= count:
            names.append(f"v{major}.{minor}.{patch}-rc.1")
        names.append(f"v{major}.{minor}.{patch}")
    return names


def assignment_count(rng, mean, stages):
    whole = int(mean)
    return min(whole + (rng.random() < mean - whole), len(stages))


def artifact_events(rng, args, artifact):
    """One artifact's events in their own order: per version, registration,
    assignments, unassignments, maybe deregistration; maybe deprecation last."""
    commits = sorted(rng.sample(range(args.commits), args.versions))  # one commit per version
    events = []
    for version, commit in zip(version_names(rng, args.versions), commits):
        events.append(Event(artifact, REGISTRATION, commit, version))
        stages = rng.sample(args.stages, assignment_count(rng, args.assignments, args.stages))
        events += [Event(artifact, ASSIGNMENT, commit, version, s) for s in stages]
        events += [Event(artifact, UNASSIGNMENT, commit, version, s) for s in stages if rng.random() < args.unassign]
        if rng.random() < args.deregister:
            events.append(Event(artifact, DEREGISTRATION, commit, version))
    if events and rng.random() < args.deprecate:
        events.append(Event(artifact, DEPRECATION, events[-1].commit))  # GTO: commit of the latest event
    return events


def interleave(rng, per_artifact):
    """A random merge that keeps each artifact's own order."""
    slots = [i for i, events in enumerate(per_artifact) for _ in events]
    rng.shuffle(slots)
    cursors = [iter(events) for events in per_artifact]
    return [next(cursors[i]) for i in slots]


def name_tags(rng, args, timeline):
    """Tag names in time order: counters are 1 + the artifact's max so far (§2.6);
    a simple assignment only where that name is still free."""
    counters, used = {}, set()
    for ev in timeline:
        counter = None
        if ev.kind == UNASSIGNMENT or (ev.kind == ASSIGNMENT and rng.random() >= args.simple):
            counter = counters.get(ev.artifact, 0) + 1
        tag = format_tag(ev.artifact, ev.kind, ev.version, ev.stage)
        if ev.kind == ASSIGNMENT and counter is None and tag in used:
            counter = counters.get(ev.artifact, 0) + 1
        if counter is not None:
            counters[ev.artifact] = counter
            tag = format_tag(ev.artifact, ev.kind, ev.version, ev.stage, counter)
        assert tag not in used, tag
        used.add(tag)
        ev.tag = tag


def stamp(rng, events, start):
    """One event every 1-5 seconds, by one of a few taggers."""
    t = start
    for ev in events:
        t += rng.randint(1, 5)
        ev.time, ev.who = t, rng.choice(IDENTITIES)
    return t


def extra_tags(rng, args, names, used):
    """(group, name, commit, message or None for lightweight) of the tags that
    must not count: non-GTO ones and lightweight GTO-looking ones."""
    extras = []
    for n in range(args.unrelated):
        name = UNRELATED[n % len(UNRELATED)].format(n=n)
        extras.append(("unrelated", name, rng.randrange(args.commits), f"Release {n}\n"))
    for n in range(args.near_miss):
        a = names[n % len(names)].replace(":", "=") if names else "model"
        name = NEAR_MISS[n % len(NEAR_MISS)].format(a=a, n=n + 1)
        extras.append(("near-miss", name, rng.randrange(args.commits), "Almost\n"))
    for n in range(args.lightweight):
        a = names[n % len(names)] if names else "model"
        # No counter, or counter 0: lightweight tags count for §2.6, these never change N.
        if n % 2:
            name = format_tag(a, REGISTRATION, f"v999.{n}.0")
        else:
            name = format_tag(a, ASSIGNMENT, stage=f"lw{n}", counter=0)
        extras.append(("lightweight", name, rng.randrange(args.commits), None))
    for _, name, _, message in extras:
        gto = parse_tag(name) is not None
        assert gto == (message is None), f"{name!r}: {'parses' if gto else 'does not parse'} as a GTO tag"
        assert name not in used, name
        used.add(name)
    return extras


def plan(args):
    rng = random.Random(args.seed)
    names = artifact_names(rng, args)
    timeline = interleave(rng, [artifact_events(rng, args, a) for a in names])
    name_tags(rng, args, timeline)
    end = stamp(rng, timeline, EPOCH + args.commits * COMMIT_STEP)
    extras = extra_tags(rng, args, names, {ev.tag for ev in timeline})
    annotated = {a for a in names if ":" not in a and rng.random() < args.annotated}
    targets = bench_targets(names, timeline)
    if targets:
        annotated.add(targets["artifact"])  # so that `describe ART` has something to print
    return timeline, extras, end, sorted(annotated), targets


def bench_targets(names, timeline):
    """What run.py times on: the busiest artifact that is not deprecated and
    not a `dir:name`, its greatest active version, its latest assignment tag."""
    tags_of, deprecated, deregistered = {}, set(), set()
    for ev in timeline:
        tags_of.setdefault(ev.artifact, []).append(ev)
        if ev.kind == DEPRECATION:
            deprecated.add(ev.artifact)
        elif ev.kind == DEREGISTRATION:
            deregistered.add((ev.artifact, ev.version))
    candidates = [a for a in names if a in tags_of and a not in deprecated and ":" not in a]
    if not candidates:
        return None
    art = max(candidates, key=lambda a: len(tags_of[a]))
    events = tags_of[art]
    versions = [ev.version for ev in events if ev.kind == REGISTRATION and (art, ev.version) not in deregistered]
    assigns = [ev.tag for ev in events if ev.kind == ASSIGNMENT]
    return {
        "artifact": art,
        "version": versions[-1] if versions else None,
        "stage": BENCH_STAGE,
        "tag": assigns[-1] if assigns else events[-1].tag,
        "new_artifact": "bench-new-model",
    }


# -- the fast-import stream ------------------------------------------------------


def data(payload):
    raw = payload.encode("utf-8")
    return b"data %d\n%s\n" % (len(raw), raw)


def ident(who, when):
    name, email, tz = who
    return f"{name} <{email}> {when} {tz}"


def artifacts_yaml(annotated):
    """Sorted, block style, defaults left out: as GTO writes it (§7.1)."""
    lines = [f"{a}:\n  path: models/{a}.pkl\n  type: model\n" for a in annotated]
    return "".join(lines) or "{}\n"


def commit_commands(args, annotated):
    out = []
    for i in range(args.commits):
        when = EPOCH + i * COMMIT_STEP
        out.append(b"commit refs/heads/main\nmark :%d\n" % (i + 1))
        out.append(f"author {ident(COMMITTER, when)}\ncommitter {ident(COMMITTER, when)}\n".encode())
        out.append(data(f"Commit {i}\n"))
        if i:
            out.append(b"from :%d\n" % i)
        out.append(b"M 644 inline README\n" + data(f"state {i}\n"))
        if i == args.commits - 1:  # annotations live in HEAD only
            out.append(b"M 644 inline artifacts.yaml\n" + data(artifacts_yaml(annotated)))
    return out


def tag_command(name, commit, who, when, message):
    head = f"tag {name}\nfrom :{commit + 1}\ntagger {ident(who, when)}\n".encode()
    return head + data(message)


def tag_commands(rng, timeline, extras, end):
    out = [tag_command(ev.tag, ev.commit, ev.who, ev.time, ev.message()) for ev in timeline]
    t = end
    for _, name, commit, message in extras:
        if message is None:  # lightweight: a bare ref
            out.append(f"reset refs/tags/{name}\nfrom :{commit + 1}\n\n".encode())
            continue
        t += rng.randint(1, 5)
        out.append(tag_command(name, commit, rng.choice(IDENTITIES), t, message))
    return out


# -- the repository -------------------------------------------------------------


def git_env():
    """Neither the user's nor the system's git config may change the result."""
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        env.pop(var, None)
    return env


def git(repo, *args, stdin=None):
    subprocess.run(["git", "-C", repo, *args], input=stdin, check=True, env=git_env(),
                   stdout=subprocess.DEVNULL)


def build(repo, stream):
    git(".", "init", "-q", "-b", "main", repo)
    git(repo, "fast-import", "--quiet", "--done", stdin=stream)
    git(repo, "pack-refs", "--all", "--prune")  # as after a clone
    git(repo, "read-tree", "-u", "--reset", "HEAD")  # a checked-out work tree, like a user's


def write_manifest(repo, args, counts, targets):
    manifest = {"parameters": {k: v for k, v in vars(args).items() if k not in ("repo", "force")},
                "counts": counts, "targets": targets}
    with open(os.path.join(repo, ".git", MANIFEST), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


def count(timeline, extras):
    counts = {k: 0 for k in KINDS + ("unrelated", "near-miss", "lightweight")}
    for kind in [ev.kind for ev in timeline] + [group for group, _, _, _ in extras]:
        counts[kind] += 1
    counts["total"] = len(timeline) + len(extras)
    return counts


def generate(args):
    start = time.perf_counter()
    if os.path.exists(args.repo):
        if not args.force:
            sys.exit(f"generate.py: {args.repo} exists (use --force to replace it)")
        shutil.rmtree(args.repo)
    timeline, extras, end, annotated, targets = plan(args)
    rng = random.Random(args.seed + 1)  # separate stream: extras' dates only
    stream = b"".join(commit_commands(args, annotated) + tag_commands(rng, timeline, extras, end)) + b"done\n"
    build(args.repo, stream)
    counts = count(timeline, extras)
    write_manifest(args.repo, args, counts, targets)
    return counts, time.perf_counter() - start


def main(argv=None):
    args = parse_args(argv)
    counts, seconds = generate(args)
    kinds = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "total")
    print(f"{args.repo}: {counts['total']} tags ({kinds}), {args.commits} commits in {seconds:.2f} s")


if __name__ == "__main__":
    main()
