#!/usr/bin/env bash
# scripts/check-format.sh fails on a misformatted file and passes once it is
# formatted, in a scratch git repository with the project's .clang-format.
#
#   check_format_test.sh SOURCE_DIR WORK_DIR
set -euo pipefail
source="$1" work="$2"

rm -rf "$work"
mkdir -p "$work/repo/scripts"
cp "$source/scripts/check-format.sh" "$work/repo/scripts/"
cp "$source/.clang-format" "$work/repo/"
cd "$work/repo"
git init -q .
printf 'int  main( ) {return 0;}\n' > bad.cpp
git add .

if scripts/check-format.sh > "$work/bad.txt" 2>&1; then
  echo "FAIL: a misformatted file passed the check" >&2
  exit 1
fi
grep -q 'bad.cpp' "$work/bad.txt" ||
  { echo "FAIL: the misformatted file is not named" >&2; cat "$work/bad.txt"; exit 1; }

scripts/check-format.sh --fix > /dev/null 2>&1 || true
scripts/check-format.sh
echo "PASS"
