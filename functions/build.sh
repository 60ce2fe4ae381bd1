#!/usr/bin/env bash
# Rebuilds every Taproot guest function from source (clang 14, wasm32-wasi).
#   pipeline modules -> src/main/resources/functions/<name>-v<version>.wasm
#   testing modules  -> src/test/resources/wasm/<name>.wasm
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

CC="${CC:-clang}"
SYSROOT_INCLUDE=/usr/include/wasm32-wasi
SYSROOT_LIB=/usr/lib/wasm32-wasi
BUILTINS="$("$CC" --target=wasm32-wasi --rtlib=compiler-rt -print-libgcc-file-name)"
[[ -f "$BUILTINS" ]] || { echo "compiler-rt builtins not found: $BUILTINS" >&2; exit 1; }

CFLAGS=(
  --target=wasm32-wasi -isystem "$SYSROOT_INCLUDE"
  -std=c11 -O2 -Wall -Wextra -Werror
  -I "$here/lib"
)
# --stack-first puts the stack below the data, so an overflow traps instead of
# silently overwriting globals; 256 KiB is ample for the parser's depth limit.
LDFLAGS=(
  -L"$SYSROOT_LIB" -nodefaultlibs
  -Wl,--strip-all -Wl,--stack-first -Wl,-z,stack-size=65536
)
LIBS=(-lc "$BUILTINS")

build() { # <source> <output>
  local src="$1" out="$2"
  mkdir -p "$(dirname "$out")"
  "$CC" "${CFLAGS[@]}" "${LDFLAGS[@]}" "$src" "$here/lib/json.c" "${LIBS[@]}" -o "$out.tmp"
  mv "$out.tmp" "$out"
  printf '%-50s %7d bytes\n' "$out" "$(wc -c <"$out")"
}

main_out=src/main/resources/functions
test_out=src/test/resources/wasm

build "$here/pipeline/parse_order_v1.c" "$main_out/parse-order-v1.wasm"
build "$here/pipeline/parse_order_v2.c" "$main_out/parse-order-v2.wasm"
build "$here/pipeline/enrich_order.c"   "$main_out/enrich-order-v1.wasm"
build "$here/pipeline/validate_order.c" "$main_out/validate-order-v1.wasm"
build "$here/pipeline/sum_totals.c"     "$main_out/sum-totals-v1.wasm"

build "$here/testing/echo.c"    "$test_out/echo.wasm"
build "$here/testing/inc.c"     "$test_out/inc.wasm"
build "$here/testing/add.c"     "$test_out/add.wasm"
build "$here/testing/flaky.c"   "$test_out/flaky.wasm"
build "$here/testing/spin.c"    "$test_out/spin.wasm"
build "$here/testing/fail_if.c" "$test_out/fail-if.wasm"

# The service registers what this index lists at start-up (a jar cannot be listed).
(cd "$main_out" && ls -1 *.wasm) > "$main_out/index.txt"

# The hostile modules the runtime tests use have their own script.
if [ -x "$here/hostile/build.sh" ]; then "$here/hostile/build.sh"; fi
