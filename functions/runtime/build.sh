#!/usr/bin/env bash
# Rebuilds the runtime's own test and benchmark modules into src/test/resources/wasm/:
#   fresh.wasm          the freshness probe (WAT)
#   pages-{2,18,256}    one small wasi-libc program with 2, 18 and 256 pages of initial memory;
#                       18 is what a toolchain defaulting to a 1 MiB stack (Rust, newer wasi-sdk)
#                       gives a small program: 16 pages of stack, then data and heap
# Needs wat2wasm (wabt) and clang with the wasm32-wasi sysroot (Debian: clang-14, lld-14,
# wasi-libc, libclang-rt-14-dev-wasm32).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../src/test/resources/wasm"
mkdir -p "$out"
CC="${CC:-$(command -v clang || command -v clang-14)}"
builtins="$("$CC" --target=wasm32-wasi -print-libgcc-file-name)"

wat2wasm -o "$out/fresh.wasm" "$here/fresh.wat"

page=65536
pages() { # <initial pages> <stack bytes>
  "$CC" --target=wasm32-wasi -isystem /usr/include/wasm32-wasi -L/usr/lib/wasm32-wasi \
    -nodefaultlibs -O2 -Wl,--strip-all -Wl,--stack-first -Wl,-z,stack-size="$2" \
    -Wl,--initial-memory=$(($1 * page)) -o "$out/pages-$1.wasm" "$here/pages.c" -lc "$builtins"
}
pages 2 $page
pages 18 $((16 * page))
pages 256 $page

ls -l "$out"/fresh.wasm "$out"/pages-*.wasm
