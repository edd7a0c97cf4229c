#!/bin/sh
# Re-create articles/ and LICENSE from a local git directory of
# https://github.com/jellyfin/jellyfin.org at the pinned commit.
# Usage: ./fetch.sh /path/to/jellyfin.org/.git   (a bare clone works too)
set -eu
COMMIT=04dc6a60fd7045474ac40b1cac962947a4a9b4a9
SRC=${1:?usage: fetch.sh /path/to/jellyfin.org.git}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/articles"
LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT

git --git-dir="$SRC" show "$COMMIT:LICENSE" > "$HERE/LICENSE"

# The user guide under docs/general/: installation, post-install set-up, server administration,
# clients, FAQ. Left out: contributing/, community-standards/, style-guides/ and testing/ (for
# contributors), the sidebar files (_category_.yml) and images. Paths lose the docs/general/ prefix.
git --git-dir="$SRC" ls-tree -r --name-only "$COMMIT" docs/general |
    grep -E '\.mdx?$' |
    grep -v -E '^docs/general/(contributing|community-standards|style-guides|testing)/' > "$LIST"

rm -rf "$OUT"
while IFS= read -r f; do
    rel=${f#docs/general/}
    mkdir -p "$OUT/$(dirname "$rel")"
    git --git-dir="$SRC" show "$COMMIT:$f" > "$OUT/$rel"
done < "$LIST"
echo "articles: $(find "$OUT" -type f | wc -l) files from $COMMIT"
