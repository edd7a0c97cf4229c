#!/bin/sh
# Re-creates articles/ from a local git directory of laurent22/joplin at the pinned commit.
# Usage: sh fetch.sh /path/to/joplin/.git   (a bare repository works too)
set -eu
GIT_DIR_ARG=${1:?usage: fetch.sh /path/to/joplin-git-dir}
COMMIT=db966f919ea51f5f32fa454a10c7a64957a4e9de
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/articles"
rm -rf "$OUT"
mkdir -p "$OUT"
git --git-dir="$GIT_DIR_ARG" ls-tree -r --name-only "$COMMIT" -- readme |
  grep -E '\.md$' |
  grep -v -E '^readme/(dev|api|news|_i18n)/' |
  grep -v -E '^readme/about/(changelog/|stats\.md$)' |
  grep -v -E '^readme/(licenses|cla)\.md$' |
  while IFS= read -r path; do
    rel=${path#readme/}
    mkdir -p "$OUT/$(dirname "$rel")"
    git --git-dir="$GIT_DIR_ARG" show "$COMMIT:$path" > "$OUT/$rel"
  done
git --git-dir="$GIT_DIR_ARG" show "$COMMIT:LICENSE" > "$HERE/LICENSE"
# The repository's LICENSE names AGPL-3.0-or-later; the full licence text is the copy the
# project keeps in packages/tools/licenses/licenseText/agplv3.ts (the text between the backticks).
git --git-dir="$GIT_DIR_ARG" show "$COMMIT:packages/tools/licenses/licenseText/agplv3.ts" |
  sed -n '/^const agplv3 = `$/,/^`;$/p' | sed '1d;$d' > "$HERE/AGPL-3.0.txt"
echo "$(find "$OUT" -type f | wc -l) files written to $OUT"
