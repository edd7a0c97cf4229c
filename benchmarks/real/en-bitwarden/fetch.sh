#!/bin/sh
# Re-create articles/ from a local git directory of https://github.com/bitwarden/help
# (the Bitwarden help center, a Jekyll site) at the pinned commit.
# Usage: ./fetch.sh /path/to/bitwarden-help/.git   (a bare clone works too)
# The repository carries no licence, so the articles are not kept in git (see SOURCE.md and
# .gitignore): run this script before evaluating the set.
set -eu
COMMIT=18aa730c0156f7e25da39ad81bf13809b13471c6
SRC=${1:?usage: fetch.sh /path/to/bitwarden-help.git}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/articles"
LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT

# Every article under _articles/<category>/, less the release-notes page
# (getting-started/releasenotes.md). Paths lose the _articles/ prefix; front matter is kept.
git --git-dir="$SRC" ls-tree -r --name-only "$COMMIT" _articles |
    grep -E '\.md$' |
    grep -v -x '_articles/getting-started/releasenotes.md' > "$LIST"

rm -rf "$OUT"
while IFS= read -r f; do
    rel=${f#_articles/}
    mkdir -p "$OUT/$(dirname "$rel")"
    git --git-dir="$SRC" show "$COMMIT:$f" > "$OUT/$rel"
done < "$LIST"
echo "articles: $(find "$OUT" -type f | wc -l) files from $COMMIT"
