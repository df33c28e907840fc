# fish completion for git-gto and `git gto`
#
# Install as git-gto.fish in fish's vendor_completions.d
# ($(pkg-config --variable=completionsdir fish), usually
# /usr/share/fish/vendor_completions.d). fish loads it for `git-gto`; fish's own git
# completion hands `git gto ...` over to it (fish >= 3.7, which looks for git-*
# commands in $PATH), and the `complete -c git` lines below serve once it is loaded.
#
# Candidates come from the repository with one git call per list, parsed with awk:
# a registry can hold tens of thousands of tags.

# Parse the words before the cursor into globals: the command (alias resolved),
# -r/--repo, the positional arguments, and the option still waiting for its value.
# Fails when the line is neither `git-gto ...` nor `git ... gto ...`.
function __git_gto_parse
    set -g __git_gto_cmd
    set -g __git_gto_repo
    set -g __git_gto_args
    set -g __git_gto_expect
    set -l tokens (commandline -opc)
    if string match -q -- '*git-gto' $tokens[1]
        set -e tokens[1]
    else if set -l i (contains -i -- gto $tokens)
        set -e tokens[1..$i]
    else
        return 1
    end
    set -l dashdash
    for w in $tokens
        if test -n "$__git_gto_expect"
            contains -- $__git_gto_expect -r --repo; and set __git_gto_repo $w
            set __git_gto_expect
            continue
        end
        if test -z "$dashdash"
            switch $w
                case --
                    set dashdash 1
                    continue
                case '--repo=*'
                    set __git_gto_repo (string replace -- --repo= '' $w)
                    continue
                case '-r?*'
                    set __git_gto_repo (string sub -s 3 -- $w)
                    continue
                case '-*'
                    contains -- $w (__git_gto_valopts $__git_gto_cmd); and set __git_gto_expect $w
                    continue
            end
        end
        if test -z "$__git_gto_cmd"
            set __git_gto_cmd (string replace -r '^promote$' assign -- $w)
        else
            set -a __git_gto_args $w
        end
    end
    # The token is as typed: expand a leading ~ as the shell will.
    set __git_gto_repo (string replace -r '^~(?=/|$)' $HOME -- $__git_gto_repo)
    return 0
end

function __git_gto_needs_command
    __git_gto_parse; and test -z "$__git_gto_cmd"
end

function __git_gto_using
    __git_gto_parse; and contains -- "$__git_gto_cmd" $argv
end

# True when the word at the cursor is positional argument $argv[1] (from 0) of one
# of the commands $argv[2..].
function __git_gto_arg -a n
    __git_gto_using $argv[2..]
    and test -z "$__git_gto_expect"
    and test (count $__git_gto_args) -eq $n
end

# Flags (options without a value) of command $argv[1].
function __git_gto_flags -a cmd
    set -l write --force --push --dry-run -s --sign --no-sign
    switch $cmd
        case show
            string split ' ' -- '--json --plain --name --version --stage --ref --ro --registered-only -d --deprecated -a --all-branches -A --all-commits'
        case which latest
            string split ' ' -- '--version --ref --commit'
        case history
            string split ' ' -- '--json --plain --ascending --asc -a --all-branches -A --all-commits'
        case check-ref
            string split ' ' -- '--json --name --version --stage --event --fetch --verify'
        case describe
            string split ' ' -- '--type --path --description --custom'
        case stages
            string split ' ' -- '--allowed --used --json'
        case doctor
            string split ' ' -- '-A --all-commits'
        case status
            echo --json
        case verify
            string split ' ' -- '--all --stdin --json'
        case register
            string split ' ' -- "--bump-major --bump-minor --bump-patch $write"
        case assign
            string split ' ' -- "--sr --skip-registration $write"
        case deprecate unassign deregister
            string split ' ' -- "-d --delete $write"
        case annotate
            string split ' ' -- '-e --must-exist --allow-same-path --dry-run'
        case remove
            echo --dry-run
        case get
            string split ' ' -- '--force --print --verify'
    end
    string split ' ' -- '-h --help --traceback'
end

# Options of command $argv[1] that take the next word as their value.
function __git_gto_valopts -a cmd
    set -l write -m --message -F --file --simple --remote -u --local-user --policy-ref --meta --description
    set -l filters --where --type --label
    switch $cmd
        case show
            string split ' ' -- "--av --assignments-per-version --vs --versions-per-stage --sort $filters --in-stage --meta"
        case history
            string split ' ' -- "$filters --stage"
        case get
            string split ' ' -- '-o --output --policy-ref'
        case describe
            echo --rev
        case status doctor
            echo --remote
        case check-ref
            string split ' ' -- '--remote --policy-ref'
        case verify
            echo --policy-ref
        case page
            string split ' ' -- '-o --output --pages --title --policy-ref'
        case register
            string split ' ' -- "--version --ver $write"
        case assign
            string split ' ' -- "--stage --version $write"
        case deprecate
            string split ' ' -- "--ref $write"
        case unassign deregister
            string split ' ' -- "$write"
        case annotate
            string split ' ' -- '--type --path --label -d --description -c --custom'
    end
    string split ' ' -- '-r --repo'
end

# git, in the repository named by -r/--repo (if any).
function __git_gto_git
    if test -n "$__git_gto_repo"
        git -C $__git_gto_repo $argv 2>/dev/null
    else
        git $argv 2>/dev/null
    end
end

# Read tag names (one a line) and print, once each, one part of those that are GTO
# tags: $argv[1] = artifact (as `dir:name`), stage, version or tag (the whole name).
# The grammar is gitgto/tags.py's TAG_RE, minus `@created` (never written, ignored).
# Keep the awk program the same as in the bash completion.
function __git_gto_parse_tags -a what
    LC_ALL=C awk -v what="$what" '
	BEGIN {
		name = "[a-zA-Z0-9]([a-zA-Z0-9/_-]*[a-zA-Z0-9])?"
		num = "(0|[1-9][0-9]*)"
		pre = "(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
		semver = num "\\\\." num "\\\\." num "(-" pre "(\\\\." pre ")*)?(\\\\+[0-9a-zA-Z-]+(\\\\.[0-9a-zA-Z-]+)*)?"
		tag = "^([a-zA-Z0-9._/-]+=)?" name "(#" name "!?|@v" semver "!?|@deprecated)(#[0-9]+)?$"
	}
	$0 ~ tag {
		# Neither "@" nor "#" can occur in an artifact name: the first one ends it.
		i = match($0, /[@#]/)
		rest = substr($0, i + 1)
		sub(/[!#].*/, "", rest)  # the stage or version, without "!" and "#N"
		if (what == "tag") out = $0
		else if (what == "artifact") { out = substr($0, 1, i - 1); sub(/=/, ":", out) }
		else if (what == "stage") out = substr($0, i, 1) == "#" ? rest : ""
		else if (what == "version") out = rest ~ /^v/ ? rest : ""
		if (out != "" && !seen[out]++) print out
	}'
end

# Tag names: all of them, or only those of artifact $argv[2] (`refs/tags/NAME@*`,
# `NAME#*`, which git can look up without reading every tag).
function __git_gto_tag_names -a what artifact
    set -l patterns refs/tags
    if test -n "$artifact"
        set -l a (string replace -a : = -- $artifact)
        set patterns "refs/tags/$a@*" "refs/tags/$a#*"
    end
    __git_gto_git for-each-ref --format='%(refname:strip=2)' $patterns | __git_gto_parse_tags $what
end

function __git_gto_toplevel_file -a file
    set -l top (__git_gto_git rev-parse --show-toplevel); or return
    test -f "$top/$file"; and cat "$top/$file"
end

# Artifacts: from the tags, and the top-level keys of artifacts.yaml (annotations).
function __git_gto_artifacts
    __git_gto_parse
    begin
        __git_gto_tag_names artifact
        __git_gto_toplevel_file artifacts.yaml | sed -nE "s/^[\"']?([A-Za-z0-9][^[:space:]\"']*)[\"']?:([[:space:]].*)?\$/\\1/p"
    end | awk '!seen[$0]++'
end

# Stages: the allowed ones (GTO_STAGES, which overrides .gto as in git-gto, or
# `stages:` in .gto, flow or block style), then the ones used in tags.
function __git_gto_stages
    __git_gto_parse
    begin
        if set -q GTO_STAGES
            printf 'stages: %s\n' "$GTO_STAGES"
        else
            __git_gto_toplevel_file .gto
        end | awk '
		/^[^ \t#-]/ { block = 0 }  # another top-level key ends a block list
		tolower($0) ~ /^stages[ \t]*:/ {
			v = $0; sub(/^[^:]*:/, "", v); sub(/#.*/, "", v)
			gsub(/[][ \t"\047]/, "", v)
			if (v == "") block = 1
			else { n = split(v, s, ","); for (i = 1; i <= n; i++) if (s[i] != "") print s[i] }
			next
		}
		block && /^[ \t]*- / {
			v = $0; sub(/^[ \t]*- /, "", v); sub(/#.*/, "", v)
			gsub(/[ \t"\047]/, "", v)
			if (v != "") print v
		}'
        __git_gto_tag_names stage
    end | awk '!seen[$0]++'
end

# Versions of the artifact on the line (all versions when there is none yet).
function __git_gto_versions
    __git_gto_parse
    __git_gto_tag_names version "$__git_gto_args[1]"
end

function __git_gto_tags
    __git_gto_parse
    __git_gto_tag_names tag
end

function __git_gto_refs
    __git_gto_parse
    echo HEAD
    __git_gto_git for-each-ref --format='%(refname:short)' refs/heads refs/tags refs/remotes
end

# Fact keys (--meta, --where) from the registry: the trailer keys of every tag,
# in lower case, each followed by $suffix (`=`, or nothing).
function __git_gto_fact_keys -a suffix
    __git_gto_parse
    __git_gto_git for-each-ref --format='%(trailers:only,unfold)' refs/tags | LC_ALL=C awk -v suffix="$suffix" -F': ' '
		/^[A-Za-z][A-Za-z0-9-]*: / { k = tolower($1); if (!seen[k]++ && (suffix == "" || k != "description")) print k suffix }'
end

# Arguments for `complete` that describe the value of option $argv[1] (of command $argv[2]).
function __git_gto_value_args -a opt cmd
    switch $opt
        case --meta
            if test "$cmd" = show
                printf '%s\n' -x -a '(__git_gto_fact_keys)'
            else
                printf '%s\n' -x -a '(__git_gto_fact_keys =)'
            end
        case --where
            printf '%s\n' -x -a '(__git_gto_fact_keys =)'
        case --in-stage
            printf '%s\n' -x -a '(__git_gto_stages)'
        case -r --repo -o --output
            printf '%s\n' -x -a '(__fish_complete_directories (commandline -ct))'
        case --stage
            printf '%s\n' -x -a '(__git_gto_stages)'
        case --version --ver
            printf '%s\n' -x -a '(__git_gto_versions)'
        case --sort
            printf '%s\n' -x -a 'timestamp semver'
        case --simple
            printf '%s\n' -x -a 'auto true false'
        case --pages
            printf '%s\n' -x -a 'auto one per-artifact'
        case --remote
            printf '%s\n' -x -a '(__git_gto_parse; __git_gto_git remote)'
        case --rev --ref --policy-ref
            printf '%s\n' -x -a '(__git_gto_refs)'
        case '*'
            # Free text (messages, numbers, paths): files are fine.
            printf '%s\n' -r -F
    end
end

# `--name` -> `-l name`, `-d` -> `-s d`.
function __git_gto_optspec -a opt
    switch $opt
        case '--*'
            printf '%s\n' -l (string sub -s 3 -- $opt)
        case '*'
            printf '%s\n' -s (string sub -s 2 -- $opt)
    end
end

# `complete` for both `git-gto ...` and `git ... gto ...`, under condition $argv[1].
function __git_gto_complete -a cond
    complete -c git-gto -n $cond $argv[2..]
    complete -c git -n "__fish_seen_subcommand_from gto; and $cond" $argv[2..]
end

complete -c git-gto -f

__git_gto_complete __git_gto_needs_command -f -a show -d "Show the registry state, highest version, or what's assigned in stage"
__git_gto_complete __git_gto_needs_command -f -a which -d 'Print the version in a stage (show NAME#STAGE, without the #)'
__git_gto_complete __git_gto_needs_command -f -a latest -d 'Print the greatest version of an artifact (show NAME@latest)'
__git_gto_complete __git_gto_needs_command -f -a history -d 'Show a journal of registry operations'
__git_gto_complete __git_gto_needs_command -f -a check-ref -d 'Find out the artifact version registered/assigned with ref'
__git_gto_complete __git_gto_needs_command -f -a describe -d "Display the annotation of an artifact"
__git_gto_complete __git_gto_needs_command -f -a stages -d 'Print the list of stages used in the registry'
__git_gto_complete __git_gto_needs_command -f -a doctor -d 'Display git-gto version and check the registry for problems'
__git_gto_complete __git_gto_needs_command -f -a status -d "Compare local GTO tags with a remote's"
__git_gto_complete __git_gto_needs_command -f -a get -d "Write an artifact's files as they are at a version's commit"
__git_gto_complete __git_gto_needs_command -f -a page -d 'Write the registry as a static web page (self-contained HTML)'
__git_gto_complete __git_gto_needs_command -f -a verify -d 'Check registry events against the signed-tag policy (.gto-policy)'
__git_gto_complete __git_gto_needs_command -f -a register -d 'Create an artifact version to signify an important iteration'
__git_gto_complete __git_gto_needs_command -f -a assign -d 'Assign a stage to a specific artifact version'
__git_gto_complete __git_gto_needs_command -f -a promote -d 'Same as assign'
__git_gto_complete __git_gto_needs_command -f -a deprecate -d 'Deprecate an artifact, deregister a version, or unassign a stage'
__git_gto_complete __git_gto_needs_command -f -a unassign -d 'Unassign a stage from a version'
__git_gto_complete __git_gto_needs_command -f -a deregister -d 'Deregister a version'
__git_gto_complete __git_gto_needs_command -f -a annotate -d "Update an artifact's annotation in artifacts.yaml"
__git_gto_complete __git_gto_needs_command -f -a remove -d "Remove an artifact's annotation from artifacts.yaml"
__git_gto_complete __git_gto_needs_command -s h -l help
__git_gto_complete __git_gto_needs_command -l version

for cmd in show which latest history check-ref describe stages doctor status get page verify register assign deprecate unassign deregister annotate remove
    for opt in (__git_gto_flags $cmd)
        __git_gto_complete "__git_gto_using $cmd" (__git_gto_optspec $opt)
    end
    for opt in (__git_gto_valopts $cmd)
        __git_gto_complete "__git_gto_using $cmd" (__git_gto_optspec $opt) (__git_gto_value_args $opt $cmd)
    end
end

__git_gto_complete '__git_gto_arg 0 show which latest history describe get register assign deprecate unassign deregister annotate remove' -f -a '(__git_gto_artifacts)'
__git_gto_complete '__git_gto_arg 1 register assign' -f -a '(__git_gto_refs)'
__git_gto_complete '__git_gto_arg 1 deprecate unassign deregister' -f -a '(__git_gto_versions)'
__git_gto_complete '__git_gto_arg 2 deprecate unassign' -f -a '(__git_gto_stages)'
__git_gto_complete '__git_gto_arg 1 which' -f -a '(__git_gto_stages)'
__git_gto_complete '__git_gto_arg 0 check-ref' -f -a '(__git_gto_tags)'
__git_gto_complete '__git_gto_using verify; and test -z "$__git_gto_expect"' -f -a '(__git_gto_tags)'
