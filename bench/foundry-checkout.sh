#!/usr/bin/env bash
# Lays out a Foundry project untouched from a bare mirror, with every git
# submodule at the commit the project pins, recursively.
#
#   bench/foundry-checkout.sh MIRRORS OWNER/NAME COMMIT DEST
#
# MIRRORS holds bare repositories as OWNER+NAME/repo (the search tool's
# fetch lays them out so). A submodule whose repository or pinned commit is
# missing is named on stderr, and the script exits 3 after laying out the
# rest.
set -euo pipefail

mirrors=$1
repo=$2
commit=$3
dest=$4
missing=0

lay_out() {
    local repo=$1 commit=$2 dest=$3
    # GitHub names are case-insensitive; .gitmodules and mirrors differ.
    local git_dir
    git_dir=$(find "$mirrors" -maxdepth 1 -iname "${repo/\//+}" -print -quit)/repo
    if [[ ! -d $git_dir ]]; then
        echo "missing: repository $repo (for $dest)" >&2
        missing=1
        return
    fi
    if ! git --git-dir="$git_dir" cat-file -e "$commit^{commit}" 2>/dev/null; then
        echo "missing: $repo at $commit (for $dest)" >&2
        missing=1
        return
    fi
    mkdir -p "$dest"
    git --git-dir="$git_dir" archive "$commit" | tar -x -C "$dest"
    local modules
    modules=$(git --git-dir="$git_dir" show "$commit:.gitmodules" 2>/dev/null || true)
    [[ -z $modules ]] && return
    # Each gitlink in the tree, with the URL .gitmodules gives its path.
    while read -r _ kind sub path; do
        [[ $kind == commit ]] || continue
        local url
        url=$(git config -f <(printf '%s\n' "$modules") --get-regexp '^submodule\..*\.path$' |
            awk -v p="$path" '$2 == p { sub(/\.path$/, ".url", $1); print $1 }' |
            xargs -r -I{} git config -f <(printf '%s\n' "$modules") --get {})
        local name
        name=$(sed -E 's#^.*github\.com[:/]##; s#\.git$##' <<<"$url")
        lay_out "$name" "$sub" "$dest/$path"
    done < <(git --git-dir="$git_dir" ls-tree -r "$commit")
}

lay_out "$repo" "$commit" "$dest"
exit $((missing * 3))
