#!/usr/bin/env python3
"""Time git-gto commands on generated registries and check them against targets.

Each command is a whole process, timed from spawn to exit; its peak memory is
the ru_maxrss that os.wait4 reports for it (the largest of the process and the
children it waited for, e.g. git). Floors measured in the same run put the
numbers in context: `python -c pass` with git-gto's interpreter, and the one
`git for-each-ref` that reads every tag with the fields git-gto needs.
"""

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from gitgto.records import MESSAGE_FIELD, TAG_FIELDS  # noqa: E402  (the fields git-gto reads)

GENERATOR = os.path.join(HERE, "generate.py")
KEY_FILES = (GENERATOR, os.path.join(ROOT, "gitgto", "tags.py"))  # what the repos depend on
COMMON = dict(stages="4", unassign=0.05, deregister=0.05, deprecate=0.02, dirnames=0.1, simple=0.05, seed=0)
SIZES = {  # ~tags: tiny 40, small 5k, large 43k, xl 1.07M (opt-in: make bench XL=1)
    "tiny": dict(COMMON, artifacts=3, versions=3, assignments=2, unrelated=4, near_miss=4, lightweight=2, commits=10),
    "small": dict(COMMON, artifacts=100, versions=10, assignments=3, unrelated=500, near_miss=100, lightweight=50,
                  commits=200),
    "large": dict(COMMON, artifacts=500, versions=20, assignments=3, unrelated=1000, near_miss=200, lightweight=100,
                  commits=1000),
    # A large organisation's monorepo: 5,000 artifacts x 50 versions, 20k other tags,
    # 2,800 artifacts annotated in HEAD's artifacts.yaml.
    "xl": dict(COMMON, artifacts=5000, versions=50, assignments=3, unrelated=15000, near_miss=4000,
               lightweight=1000, commits=2000, annotated=0.56),
}
FOR_EACH_REF = "%00".join(TAG_FIELDS + (MESSAGE_FIELD,)) + "%00"
MIB = 1024  # ru_maxrss is in KiB on Linux
IDENTITY = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
            "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


class Command:
    """A benchmarked command. `args(t)` builds its arguments from the repo's
    targets; `targets`: {size: [check]} (sizes not listed use "large"'s), a
    check being ("refs", ratio) to the refs-only floor, ("floor", ratio) to the
    full for-each-ref, ("abs", seconds), ("mib", peak MiB) or ("git-mib",
    ratio) to for-each-ref's own peak; `env`: extra environment; `before(repo,
    i)` runs before each run (untimed); `cleanup` are the ref patterns of the
    tags a run creates."""

    def __init__(self, key, args, targets=None, env=None, before=None, cleanup=lambda t: (), skip=()):
        self.key, self.args, self.targets, self.env = key, args, targets or {}, env or {}
        self.before, self.cleanup, self.skip = before, cleanup, skip

    def checks(self, size):
        return self.targets.get(size, [])  # the targets are for 43k and ~1M tags only


def one_more_tag(repo, i):
    """A new tag before each run, so that each finds the cache one tag behind."""
    subprocess.run(["git", "tag", "-a", "-m", "one more", f"{ONE_MORE}@v0.0.{i}", "HEAD"], cwd=repo, check=True,
                   env=dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, **IDENTITY))


ONE_MORE = "bench-one-more"
PAGE_DIR = os.path.join(".git", "gto-bench-page")  # (commands run in the registry)


def new_page_dir(repo):
    shutil.rmtree(os.path.join(repo, PAGE_DIR), ignore_errors=True)

NO_CACHE = {"GTO_NO_CACHE": "1"}
QUICK = {size: [("abs", 0.15)] for size in SIZES}  # per-artifact commands, at every size
COMMANDS = (
    Command("show", lambda t: ["show"]),  # the table: no target of its own (the targets are show --json's)
    Command("show --json (cold: GTO_NO_CACHE=1)", lambda t: ["show", "--json"],
            {"large": [("floor", 2.0)], "xl": [("floor", 2.0), ("git-mib", 1.2)]}, env=NO_CACHE),
    Command("show --json (warm)", lambda t: ["show", "--json"],
            {"large": [("refs", 3.5)], "xl": [("refs", 1.5), ("mib", 400)]}),
    Command("show --json (warm after one new tag)", lambda t: ["show", "--json"],
            {"large": [("refs", 4.5)], "xl": [("refs", 2.0)]}, before=one_more_tag,
            cleanup=lambda t: [f"refs/tags/{ONE_MORE}@*"]),
    # The page, re-rendered into the same directory (unchanged files are not
    # rewritten), into a new one, and without the registry cache (minutes on xl).
    Command("page (warm)", lambda t: ["page", "-o", PAGE_DIR], {"large": [("show-warm", 3.0)]}),
    Command("page (warm, new DIR)", lambda t: ["page", "-o", PAGE_DIR], before=lambda repo, i: new_page_dir(repo)),
    Command("page (cold: GTO_NO_CACHE=1)", lambda t: ["page", "-o", PAGE_DIR], env=NO_CACHE, skip=("xl",)),
    Command("show ART", lambda t: ["show", t["artifact"]], QUICK),
    Command("history ART", lambda t: ["history", t["artifact"]], QUICK),
    Command("history (warm)", lambda t: ["history"], skip=("xl",)),  # a million-row table: minutes
    Command("check-ref TAG", lambda t: ["check-ref", t["tag"]], QUICK),
    Command("describe ART", lambda t: ["describe", t["artifact"]], QUICK),
    Command("register NEW", lambda t: ["register", t["new_artifact"]], QUICK,
            cleanup=lambda t: [f"refs/tags/{t['new_artifact']}@*"]),
    Command("assign ART --version V --stage S",
            lambda t: ["assign", t["artifact"], "--version", t["version"], "--stage", t["stage"]], QUICK,
            cleanup=lambda t: [f"refs/tags/{t['artifact']}#{t['stage']}*"]),
)


# -- registries ----------------------------------------------------------------


def generator_args(params):
    args = []
    for name, value in params.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    return args


def cache_key(params):
    h = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
    for path in KEY_FILES:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:12]


def registry(cache, size):
    """The repo for `size`, generated on first use (into a temp dir, renamed
    when complete, so an interrupted build never poisons the cache)."""
    params = SIZES[size]
    path = os.path.join(cache, f"{size}-{cache_key(params)}")
    if not os.path.isdir(path):
        os.makedirs(cache, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{size}-", dir=cache)
        try:
            subprocess.run([sys.executable, GENERATOR, os.path.join(tmp, "repo"), *generator_args(params)], check=True)
            os.rename(os.path.join(tmp, "repo"), path)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        for stale in os.listdir(cache):  # older builds of this size: other parameters or generator
            if stale.startswith(f"{size}-") and stale != os.path.basename(path):
                shutil.rmtree(os.path.join(cache, stale), ignore_errors=True)
    with open(os.path.join(path, ".git", "gto-bench.json")) as f:
        return path, json.load(f)


# -- running and measuring -----------------------------------------------------


def child_env(git_gto):
    """The dispatcher's bin/ first, then this interpreter's (as in an activated
    venv); git config from neither the system nor the user; a fixed identity."""
    path = os.pathsep.join([os.path.dirname(os.path.abspath(git_gto)), os.path.dirname(sys.executable),
                            os.environ.get("PATH", "")])
    return dict(os.environ, PATH=path, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, **IDENTITY)


# A lean launcher does the spawn and the wait4: ru_maxrss counts the pages a
# child had before its exec, so spawning from this (bigger) process would put a
# floor of its own RSS under every number. Timing starts at the spawn, so the
# launcher's own start-up is not counted.
LAUNCHER = """
import os, sys, time
err = os.open(sys.argv[1], os.O_WRONLY | os.O_TRUNC)
actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
           (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, err, 2)]
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_once(argv, cwd, env):
    """(seconds, peak KiB, exit code, stderr) of one whole process."""
    with tempfile.NamedTemporaryFile() as err:
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, err.name, *argv]
        res = subprocess.run(launcher, cwd=cwd, env=env, capture_output=True, text=True)
        if res.returncode != 0:  # the spawn itself failed, e.g. no such file
            raise OSError(res.stderr.strip().splitlines()[-1])
        seconds, peak, code = res.stdout.split()
        err.seek(0)
        return float(seconds), int(peak), int(code), err.read().decode("utf-8", "replace")


def delete_tags(repo, patterns):
    """Undo a write command, so every repetition measures the same thing."""
    if not patterns:
        return
    out = subprocess.run(["git", "for-each-ref", "--format=delete %(refname)", *patterns], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    if out:
        subprocess.run(["git", "update-ref", "--stdin"], cwd=repo, input=out, text=True, check=True)


class Result:
    def __init__(self, label, times=(), peaks=(), error=None):
        self.label, self.error = label, error
        self.median = statistics.median(times) if times else None
        self.peak_mib = max(peaks) / MIB if peaks else None


def measure(label, argv, repo, env, repeat, cleanup=(), before=None):
    """A warm-up run (checks the exit code, warms the page cache and the
    registry cache), then `repeat` timed runs."""
    times, peaks = [], []
    for i in range(repeat + 1):
        if before is None:
            delete_tags(repo, cleanup)
        else:
            before(repo, i)
        try:
            seconds, peak, code, err = run_once(argv, repo, env)
        except OSError as exc:
            return Result(label, error=str(exc))
        if code != 0:
            last = err.strip().splitlines()[-1:]
            return Result(label, error=f"exit {code}" + (f": {last[0][:80]}" if last else ""))
        if i:
            times.append(seconds)
            peaks.append(peak)
    delete_tags(repo, cleanup)
    return Result(label, times, peaks)


# -- verdicts and the table ----------------------------------------------------


CHECK_TEXT = {"refs": "≤ {:g}× refs-only", "floor": "≤ {:g}× for-each-ref", "abs": "≤ {:g} s",
              "mib": "≤ {:g} MiB", "git-mib": "peak ≤ {:g}× git's", "show-warm": "≤ {:g}× warm show --json"}
SHOW_WARM = "show --json (warm)"  # the row "show-warm" targets compare with


def ratios(res, floors):
    """(× refs-only floor, × for-each-ref floor) of a result."""
    def ratio(floor):
        return res.median / floor.median if res.median and floor.median else None
    return ratio(floors["refs-only"]), ratio(floors["for-each-ref"])


def verdict(checks, res, floors, done=None):
    """(target text, PASS/FAIL/'') for a git-gto row (done: the results of
    the rows before it, by command key)."""
    if res.error or not checks:
        return "", ""
    refs, full = ratios(res, floors)
    git_peak = floors["for-each-ref"].peak_mib
    show = (done or {}).get(SHOW_WARM)
    value = {"refs": refs, "floor": full, "abs": res.median, "mib": res.peak_mib,
             "git-mib": res.peak_mib / git_peak if git_peak else None,
             "show-warm": res.median / show.median if show is not None and show.median else None}
    ok = all(value[kind] is not None and value[kind] <= limit for kind, limit in checks)
    return ", ".join(CHECK_TEXT[kind].format(limit) for kind, limit in checks), "PASS" if ok else "FAIL"


HEADER = "| command | median s | × refs-only | × for-each-ref | peak MiB | target | result |"


def row(label, res, floors=None, target="", result=""):
    if res.error:
        return f"| {label} | — | — | — | — | {target} | {res.error.replace('|', '/')} |"
    texts = [f"{r:.2f}×" if r is not None else "" for r in (ratios(res, floors) if floors else (None, None))]
    return f"| {label} | {res.median:.3f} | {texts[0]} | {texts[1]} | {res.peak_mib:.1f} | {target} | {result} |"


def bench_size(size, opts, env):
    repo, manifest = registry(opts.cache, size)
    targets = manifest["targets"]
    n = manifest["counts"]["total"]
    print(f"\n### {size}: {n:,} tags, {manifest['parameters']['commits']} commits ({repo})\n")
    print(HEADER)
    print("|---|---:|---:|---:|---:|---|---|")
    floors = {
        "spawn `true`": measure("true", ["true"], repo, env, opts.repeat),  # the launcher's own RSS floor
        "python -c pass": measure("python -c pass", [opts.python, "-c", "pass"], repo, env, opts.repeat),
        "refs-only": measure("refs-only", ["git", "for-each-ref", "--format=%(refname) %(objectname)",
                                           "refs/tags", "refs/replace"], repo, env, opts.repeat),
        "for-each-ref": measure("for-each-ref", ["git", "for-each-ref", "--format=" + FOR_EACH_REF, "refs/tags"],
                                repo, env, opts.repeat),
    }
    for label, res in floors.items():
        print(row(f"floor: {label}", res, floors if label in ("refs-only", "for-each-ref") else None), flush=True)
    done = {}
    for cmd in selected(opts.only):
        if size in cmd.skip:
            continue
        res = done[cmd.key] = measure(cmd.key, [opts.git_gto, *cmd.args(targets)], repo, dict(env, **cmd.env),
                                      opts.repeat, cmd.cleanup(targets), cmd.before)
        delete_tags(repo, cmd.cleanup(targets))
        target, result = verdict(cmd.checks(size), res, floors, done)
        print(row(f"git gto {cmd.key}", res, floors, target, result), flush=True)
        if opts.gto and not (size in ("large", "xl") and opts.skip_gto_large):
            ref = measure(cmd.key, [opts.gto, *cmd.args(targets)], repo, env, opts.repeat, cmd.cleanup(targets))
            print(row(f"gto {cmd.key} (original)", ref, floors), flush=True)
    if not opts.only or API_ROW in opts.only.split(","):
        api_row(repo, env, opts, floors, done.get(WARM_SHOW))


API_ROW = "api"  # `--only api`
WARM_SHOW = "show --json (warm)"
API_SHOW = "import gitgto.api; gitgto.api.show('.')"


def api_row(repo, env, opts, floors, warm):
    """The Python API in one process: `import gitgto.api` and one show() (the
    data of `show --json`), whole process like the rows above; its target is
    the CLI's warm `show --json` of the same run (issue 18)."""
    res = measure(API_ROW, [opts.python, "-c", API_SHOW], repo, dict(env, PYTHONPATH=ROOT), opts.repeat)
    target, result = "", ""
    if warm is not None and warm.median and res.median:
        target = f"≤ git gto {WARM_SHOW} ({warm.median:.3f} s)"
        result = "PASS" if res.median <= warm.median * 1.05 else "FAIL"  # (5%: this VM's run-to-run noise)
    print(row(f"python: {API_SHOW}", res, floors, target, result), flush=True)


def selected(only):
    """Commands named by --only: exact keys, or every command whose first word
    is the name given (`history` is exact; `describe` means `describe ART`)."""
    if not only:
        return COMMANDS
    chosen = []
    names = [k.strip() for k in only.split(",") if k.strip() != API_ROW]
    if not names:
        return []
    for name in names:
        exact = [c for c in COMMANDS if c.key == name]
        chosen += exact or [c for c in COMMANDS if c.key.split()[0] == name]
    if not chosen:
        sys.exit(f"run.py: --only {only!r} matches none of: {', '.join(c.key for c in COMMANDS)}")
    if any(kind == "show-warm" for c in chosen for checks in c.targets.values() for kind, _ in checks):
        chosen += [c for c in COMMANDS if c.key == SHOW_WARM]  # what those targets compare with
    return [c for c in COMMANDS if c in chosen]


# -- the machine ---------------------------------------------------------------


def interpreter(git_gto, env):
    """The Python that runs git-gto: its shebang, resolved on the children's PATH."""
    try:
        with open(git_gto, "rb") as f:
            line = f.readline().decode().strip()
    except OSError:
        return sys.executable
    words = line[2:].split() if line.startswith("#!") else []
    if words and os.path.basename(words[0]) == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
        found = shutil.which(words[0], path=env["PATH"]) if words else None
        return found or sys.executable
    return words[0] if words and "python" in os.path.basename(words[0]) else sys.executable


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def output(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "not found"


def print_machine(opts):
    py = output([opts.python, "-c", "import sys; print(sys.version.split()[0])"])
    print(f"Machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
          f"Python {py} ({opts.python}); {output(['git', 'version'])}.")
    shown = os.path.relpath(opts.git_gto, ROOT) if opts.git_gto.startswith(ROOT + os.sep) else opts.git_gto
    print(f"Commands run as `{shown} <cmd>` directly, not `git gto <cmd>`, to leave out "
          "git's own start-up; cwd is the registry. Median of "
          f"{opts.repeat} runs after one warm-up; peak = max RSS of the process and its children "
          "(never below the launcher's own, see `spawn true`).")
    print(f"Original gto: {opts.gto or 'not found on PATH (rows skipped)'}"
          + (" (skipped on large)" if opts.gto and opts.skip_gto_large else ""))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="small,large", help=f"comma-separated, of: {', '.join(SIZES)} "
                   "(xl: about a million tags, generated once in a few minutes)")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--only", help="comma-separated commands (e.g. 'show,check-ref TAG'; 'api': the Python API row)")
    p.add_argument("--gto", help="the original gto executable (default: `gto` on PATH)")
    p.add_argument("--skip-gto-large", action="store_true", help="do not time the original gto on large (minutes)")
    p.add_argument("--git-gto", default=os.path.join(ROOT, "bin", "git-gto"), help="the git-gto dispatcher")
    p.add_argument("--cache", default=os.path.join(HERE, "cache"), help="where generated registries are kept")
    opts = p.parse_args(argv)
    opts.sizes = [s for s in opts.sizes.split(",") if s]
    unknown = [s for s in opts.sizes if s not in SIZES]
    if unknown or opts.repeat < 1:
        p.error(f"unknown size {unknown}" if unknown else "--repeat must be >= 1")
    opts.git_gto = os.path.abspath(opts.git_gto)
    opts.gto = opts.gto or shutil.which("gto")
    return opts


def main(argv=None):
    opts = parse_args(argv)
    env = child_env(opts.git_gto)
    opts.python = interpreter(opts.git_gto, env)
    print_machine(opts)
    if not os.access(opts.git_gto, os.X_OK):
        print(f"\n{opts.git_gto} is missing or not executable: git-gto rows will show the error.")
    for size in opts.sizes:
        bench_size(size, opts, env)


if __name__ == "__main__":
    main()
