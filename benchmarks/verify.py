#!/usr/bin/env python3
"""Time `git gto verify --all` on a registry of SSH-signed tags.

Builds (once, cached under benchmarks/cache/) a repository with a policy,
its signers file and N signed GTO tags of one artifact (registrations and
promotions by two signers), then times, as whole processes:

* `git gto verify --all` without the verdict cache (one `git verify-tag` per
  tag, one per CPU at a time), and a second time (every verdict cached),
* the floor: one `git verify-tag` of every tag (what git and ssh-keygen cost),
* the naive way, one `git verify-tag` process per tag, one at a time,
* a push of one signed tag through a pre-receive hook running
  `git gto verify --stdin`: to the artifact with the N tags (whose history
  the hook checks, verdicts cached), and to a new artifact.

ssh-keygen is needed (the keys are made here, offline).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
POLICY = """\
signers: .gto-signers
groups:
  ml: [alice@example.com, bob@example.com]
  release: [bob@example.com]
register: {signed_by: [ml]}
stages:
  staging: {signed_by: [ml]}
  prod: {from: [staging], signed_by: [release], distinct: true}
"""


def hermetic_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GTO_"))}
    env.update({"HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.path.join(home, ".gitconfig"),
                "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
                "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com", "TZ": "UTC",
                "PATH": os.pathsep.join([os.path.join(ROOT, "bin"), os.path.dirname(sys.executable),
                                         os.environ.get("PATH", "")])})
    return env


def git(repo, env, *args, stdin=None, when=None):
    e = dict(env)
    if when is not None:
        e["GIT_COMMITTER_DATE"] = e["GIT_AUTHOR_DATE"] = f"@{when} +0000"
    subprocess.run(["git", *args], cwd=repo, env=e, input=stdin, check=True, capture_output=True)


def build(repo, tags, env):
    """A registry of `tags` signed tags of one artifact: per version (each
    on its own commit), a registration by alice, staging by alice, prod by
    bob (so every rule is evaluated)."""
    keys = os.path.join(os.path.dirname(repo), "keys")
    os.makedirs(keys)
    signers = ""
    for person in ("alice", "bob"):
        key = os.path.join(keys, person)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", person, "-f", key], check=True)
        keytype, blob = open(key + ".pub").read().split()[:2]
        signers += f"{person}@example.com {keytype} {blob}\n"
    os.makedirs(repo)
    git(repo, env, "init", "-q", "-b", "main")
    git(repo, env, "config", "gpg.format", "ssh")
    with open(os.path.join(repo, ".gto-policy"), "w") as f:
        f.write(POLICY)
    with open(os.path.join(repo, ".gto-signers"), "w") as f:
        f.write(signers)
    git(repo, env, "add", "-A")
    when = 1_700_000_000
    git(repo, env, "commit", "-q", "-m", "policy", when=when)
    counter, made = 0, 0
    while made < tags:
        version = made // 3
        artifact, patch = "model", version
        when += 1  # each version on a commit of its own, as in a real history
        git(repo, env, "commit", "-q", "--allow-empty", "-m", f"v0.0.{patch}", when=when)
        events = [(f"{artifact}@v0.0.{patch}", "alice"), (f"{artifact}#staging#{counter + 1}", "alice"),
                  (f"{artifact}#prod#{counter + 2}", "bob")]
        counter += 2
        for name, person in events[: tags - made]:
            when += 1
            git(repo, env, "tag", "-u", os.path.join(keys, person), "-F", "-", name, "HEAD",
                stdin=f"{name}\n".encode(), when=when)
            made += 1


def measure(argv, cwd, env, repeat, ok=(0,)):
    times = []
    for i in range(repeat + 1):
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True)
        elapsed = time.perf_counter() - start
        if proc.returncode not in ok:
            raise SystemExit(f"{argv[:3]} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
        if i:  # the first run warms the caches
            times.append(elapsed)
    return statistics.median(times)


def pushes(repo, env, repeat, count):
    """A one-tag push through the hook: to the artifact with `count` tags
    and to a new artifact, each push a new tag (a pushed tag's verdict is
    cached: pushing one tag again would measure less work)."""
    keys = os.path.join(os.path.dirname(repo), "keys")
    work = tempfile.mkdtemp(prefix="git-gto-bench-push-")
    server, client = os.path.join(work, "server.git"), os.path.join(work, "client")
    git(work, env, "clone", "-q", "--bare", "--no-local", repo, server)
    git(work, env, "clone", "-q", "--no-local", server, client)
    git(client, env, "config", "gpg.format", "ssh")
    hook = os.path.join(server, "hooks", "pre-receive")
    with open(hook, "w") as f:
        f.write("#!/bin/sh\nexec git gto verify --stdin\n")
    os.chmod(hook, 0o755)
    when = int(time.time())
    cases = ((f"push of one signed tag to the artifact with {count:,} signed tags", "model#staging#{}".format),
             ("push of one signed tag to a new artifact", "fresh{}@v0.0.1".format))
    for label, name in cases:
        made = []
        for i in range(repeat + 1):
            when += 1
            tag = name(100_000 + i)
            git(client, env, "tag", "-u", os.path.join(keys, "alice"), "-F", "-", tag, "HEAD",
                stdin=f"{tag}\n".encode(), when=when)
            made.append(tag)
        times = []
        for i, tag in enumerate(made):
            start = time.perf_counter()
            proc = subprocess.run(["git", "push", "-q", "origin", "refs/tags/" + tag], cwd=client, env=env,
                                  capture_output=True)
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                raise SystemExit(f"push of {tag} failed: {proc.stderr.decode()[-500:]}")
            if i:  # the first push warms the caches (the history's verdicts, the first time)
                times.append(elapsed)
        print(f"| {label} | {statistics.median(times):.3f} | |", flush=True)
    shutil.rmtree(work, ignore_errors=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tags", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cache", default=os.path.join(HERE, "cache"))
    p.add_argument("--no-naive", action="store_true", help="skip the one-process-per-tag comparison")
    opts = p.parse_args(argv)
    if shutil.which("ssh-keygen") is None:
        print("verify benchmark skipped: ssh-keygen is not installed")
        return
    home = tempfile.mkdtemp(prefix="git-gto-bench-home-")
    env = hermetic_env(home)
    base = os.path.join(opts.cache, f"signed-one-artifact-v2-{opts.tags}")
    repo = os.path.join(base, "repo")
    if not os.path.isdir(repo):
        shutil.rmtree(base, ignore_errors=True)
        print(f"building {opts.tags} signed tags in {repo} ...", flush=True)
        build(repo, opts.tags, env)
    names = subprocess.run(["git", "tag", "-l"], cwd=repo, env=env, capture_output=True,
                           text=True).stdout.split()
    signers = os.path.join(repo, ".gto-signers")
    floor = ["git", "-c", "gpg.ssh.allowedSignersFile=" + signers, "verify-tag", *names]
    print(f"\n### verify: {len(names):,} SSH-signed tags ({repo})\n")
    print("| command | median s | per tag ms |")
    print("|---|---:|---:|")
    gto = [os.path.join(ROOT, "bin", "git-gto"), "verify", "--all"]
    rows = [("git gto verify --all (no verdict cache)", gto, dict(env, GTO_NO_CACHE="1")),
            ("git gto verify --all, a second time (verdicts cached)", gto, env),
            ("floor: one `git verify-tag` of every tag", floor, env)]
    for label, args, e in rows:
        t = measure(args, repo, e, opts.repeat)
        print(f"| {label} | {t:.3f} | {1000 * t / len(names):.2f} |", flush=True)
    pushes(repo, env, opts.repeat, len(names))
    if not opts.no_naive:
        sample = names[:100]
        start = time.perf_counter()
        for name in sample:
            subprocess.run(floor[:4] + [name], cwd=repo, env=env, capture_output=True, check=True)
        per_tag = (time.perf_counter() - start) / len(sample)
        print(f"| naive: one `git verify-tag` per tag (100 timed, scaled) | {per_tag * len(names):.3f} | "
              f"{1000 * per_tag:.2f} |")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
