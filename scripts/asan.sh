#!/usr/bin/env bash
# Builds Tessera with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-asan/ (its own folder: the normal build is untouched) and runs the
# tests under them. Any report fails the test that caused it: UBSan does
# not recover, ASan stops at the first error.
#
#   scripts/asan.sh              every target, every ctest test
#   scripts/asan.sh lsp          the targets and tests whose names match
#                                (ctest -R lsp: the LSP suite)
#
# Environment: TESSERA_ASAN_BUILD_DIR (default build-asan), JOBS (ninja and
# ctest parallelism, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${TESSERA_ASAN_BUILD_DIR:-build-asan}"
JOBS="${JOBS:-$(nproc)}"
FILTER="${1:-}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"

SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  # -O1 -g: readable stacks at a bearable speed; no -DNDEBUG, so the
  # assertions of LLVM's headers (SmallVector self-references...) check
  # Tessera's code too. The libFuzzer targets are left out (they are
  # sanitized builds of their own).
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -g" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g" \
    -DCMAKE_C_FLAGS="$SANITIZE" -DCMAKE_CXX_FLAGS="$SANITIZE" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DTESSERA_FUZZ_CLANGXX=OFF
fi

if [ -n "$FILTER" ]; then
  # The targets the matching tests run: for the LSP suite, the server and
  # its test driver (which build most of the compiler).
  case "$FILTER" in
    lsp*) TARGETS=(tessera-lsp tessera-lsp-tests) ;;
    *) TARGETS=() ;;
  esac
  ninja -C "$BUILD_DIR" -j "$JOBS" "${TARGETS[@]}"
else
  ninja -C "$BUILD_DIR" -j "$JOBS"
fi

# Leaks are reported at exit (LSan); symbolized stacks; UBSan with stacks.
# use_sigaltstack=0: LLVM's crash recovery (the server's compiles) installs
# its own alternate signal stacks on threads, and ASan's teardown of a
# thread then fails to unmap its own ("unable to unmap", a CHECK that kills
# the process). handle_segv=0: the crash tests crash on purpose and check
# what Tessera's own handler prints and writes (crash text, reproducer);
# ASan's SEGV handler would take its place. Memory errors are still ASan's.
# lld links out of process: the installed liblld/libLLVM are not
# instrumented, but the BumpPtrAllocator code they share with Tessera's
# (inline, from LLVM's headers) is, in the copy the linker keeps: that copy
# poisons slabs (LLVM_ADDRESS_SANITIZER_BUILD) the uninstrumented callers
# never unpoison, and ASan then reports a use-after-poison inside lld's
# allocator on every in-process link (a false report of the mix, not of
# Tessera's code).
export TESSERA_LLD_OUT_OF_PROCESS="${TESSERA_LLD_OUT_OF_PROCESS:-1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:use_sigaltstack=0:handle_segv=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp:print_suppressions=0}"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" ${FILTER:+-R "$FILTER"}
