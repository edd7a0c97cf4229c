#!/bin/sh
# Re-create docs/ (with mkdocs.yml and LICENSE) from a local git directory of
# https://github.com/1Panel-dev/docs at the pinned commit.
# Usage: ./fetch.sh /path/to/docs/.git   (a bare clone works too)
set -eu
COMMIT=9de0ab95e1ea091ee9d2272327b975dd6761e525
SRC=${1:?usage: fetch.sh /path/to/1Panel-dev-docs.git}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/docs"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

git --git-dir="$SRC" archive --format=tar "$COMMIT" docs | tar -x -C "$TMP"
git --git-dir="$SRC" show "$COMMIT:LICENSE" > "$HERE/LICENSE"
git --git-dir="$SRC" show "$COMMIT:mkdocs.yml" > "$HERE/mkdocs.yml"

rm -rf "$OUT"
cd "$TMP/docs"
# User-facing Markdown only: the changelog and the developer pages are left out.
find . -type f -name '*.md' ! -path './changelog.md' ! -path './dev_manual/*' | sort |
while IFS= read -r f; do
    mkdir -p "$OUT/$(dirname "$f")"
    cp "$f" "$OUT/$f"
done
echo "docs: $(find "$OUT" -type f -name '*.md' | wc -l) files from $COMMIT"
