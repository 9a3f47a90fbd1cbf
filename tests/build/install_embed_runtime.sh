#!/usr/bin/env bash
# `cmake --install` of a build into an empty prefix, then
# examples/embed_runtime configured and built against that prefix alone
# (find_package(Tessera)). With the compiler installed, the example's module
# is compiled by the installed tessera (tessera_add_module) and run; without
# it (a runtime-only build), the program is built and run without a module.
#
#   install_embed_runtime.sh BUILD_DIR SOURCE_DIR WORK_DIR CMAKE_GENERATOR
set -euo pipefail
build="$1" source="$2" work="$3" generator="$4"

rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
echo "installed into $prefix:"
(cd "$prefix" && find . -maxdepth 4 -not -path './include/tessera/*' | sort)

for file in lib/cmake/Tessera/TesseraConfig.cmake \
            lib/cmake/Tessera/TesseraConfigVersion.cmake \
            lib/cmake/Tessera/TesseraTargets.cmake \
            lib/cmake/Tessera/TesseraModule.cmake \
            include/tessera/runtime/Session.h \
            include/tessera/schema/module_generated.h; do
  [ -f "$prefix/$file" ] || { echo "FAIL: $file was not installed" >&2; exit 1; }
done

# Every installed header compiles alone, from the prefix only (what it
# includes is installed too), without warnings under a strict embedder's
# flags.
cxx="${CXX:-c++}"
while IFS= read -r header; do
  printf '#include "%s"\n' "${header#"$prefix/include/"}" |
    "$cxx" -std=c++17 -fsyntax-only -Wall -Wextra -Wshadow -Wconversion \
      -Werror -I "$prefix/include" \
      -I "$prefix/include/tessera/tooling" -x c++ - ||
    { echo "FAIL: $header does not compile alone" >&2; exit 1; }
done < <(find "$prefix/include" -name '*.h' | sort)

# Nothing but the prefix: the build and source trees are not on any path.
cmake -S "$source/examples/embed_runtime" -B "$work/embed" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
cmake --build "$work/embed"

program="$work/embed/embed_runtime"
if [ -x "$prefix/bin/tessera" ]; then
  # The installed tools run from the prefix.
  "$prefix/bin/tessera" --version
  "$prefix/bin/tessera-opt" --version
  grep -rqF --include=build.ninja --include=build.make \
    "$prefix/bin/tessera compile" "$work/embed" ||
    { echo "FAIL: the example did not use the installed tessera" >&2; exit 1; }
  output="$("$program" "$work/embed/scale_add.tsm")"
  echo "$output"
  if [ "$output" != "scale_add: 12 24 36 48" ]; then
    echo "FAIL: expected 'scale_add: 12 24 36 48'" >&2
    exit 1
  fi
else
  # No compiler, no module: the program still links and runs.
  status=0
  "$program" > "$work/usage.txt" 2>&1 || status=$?
  cat "$work/usage.txt"
  if [ "$status" -ne 2 ] || ! grep -q '^usage: embed_runtime' "$work/usage.txt"; then
    echo "FAIL: expected the usage line and exit code 2" >&2
    exit 1
  fi
fi
echo "PASS"
