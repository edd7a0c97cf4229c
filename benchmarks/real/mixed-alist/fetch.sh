#!/bin/sh
# Re-create docs/ from a local git directory of https://github.com/alist-org/docs
# (the AList v3 documentation, a VuePress 2 site) at the pinned commit.
# Usage: ./fetch.sh /path/to/alist-docs/.git   (a bare clone works too)
# The repository has no LICENSE file; package.json declares "license": "AGPL-3.0" (see LICENSE
# and SOURCE.md in this folder).
set -eu
COMMIT=869f024b21ab40bd95ba1a6349d10bbc1fe8ab59
SRC=${1:?usage: fetch.sh /path/to/alist-docs.git}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/docs"
LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT

# Every Markdown page under docs/, English at the top and the Chinese translation under zh/,
# less the theme folder (docs/.vuepress: components, styles, config) and the two changelog
# pages (guide/changelog.md, zh/guide/changelog.md: a Vue component that loads the release
# notes, no text of their own). Paths keep their place relative to docs/; front matter is kept.
git --git-dir="$SRC" ls-tree -r --name-only "$COMMIT" docs |
    grep -E '\.md$' |
    grep -v '^docs/\.vuepress/' |
    grep -v -x -e 'docs/guide/changelog.md' -e 'docs/zh/guide/changelog.md' > "$LIST"

rm -rf "$OUT"
while IFS= read -r f; do
    rel=${f#docs/}
    mkdir -p "$OUT/$(dirname "$rel")"
    git --git-dir="$SRC" show "$COMMIT:$f" > "$OUT/$rel"
done < "$LIST"
echo "docs: $(find "$OUT" -type f -name '*.md' | wc -l) files from $COMMIT"
