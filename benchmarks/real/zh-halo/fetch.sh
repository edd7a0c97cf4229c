#!/bin/sh
# Re-create articles/ from a local git directory of https://github.com/halo-dev/docs
# (the Halo documentation, a Docusaurus site) at the pinned commit.
# Usage: ./fetch.sh /path/to/halo-docs/.git   (a bare clone works too)
# The repository carries no licence, so the articles are not kept in git (see SOURCE.md and
# .gitignore): run this script before evaluating the set.
set -eu
COMMIT=d12aec56824680cc81e9129e26f6ce3f3604cd93
VERSION=2.26   # docusaurus.config.js: lastVersion "2.26", the version the site shows by default
SRC=${1:?usage: fetch.sh /path/to/halo-docs.git}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/articles"
BASE="versioned_docs/version-$VERSION"
LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT

# The user-facing pages of the default version: intro.md, about.md, getting-started/ (with the two
# partials under getting-started/install/slots/ that the install pages import) and user-guide/
# (the shop pages included). Left out: developer-guide/ (theme, plugin and core development, REST API,
# app-store publishing) and contribution/. Paths are kept relative to the version folder; files are
# copied byte for byte, front matter included.
git --git-dir="$SRC" ls-tree -r --name-only "$COMMIT" "$BASE" |
    grep -E '\.mdx?$' |
    grep -v -E "^$BASE/(developer-guide|contribution)/" > "$LIST"

rm -rf "$OUT"
while IFS= read -r f; do
    rel=${f#"$BASE"/}
    mkdir -p "$OUT/$(dirname "$rel")"
    git --git-dir="$SRC" show "$COMMIT:$f" > "$OUT/$rel"
done < "$LIST"
echo "articles: $(find "$OUT" -type f | wc -l) files from $COMMIT ($BASE)"
