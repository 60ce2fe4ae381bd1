#!/usr/bin/env bash
# Rebuilds Taproot's Extism plug-ins. The Java build never runs this: commit the
# .wasm files after a rebuild.
#   validate_order.ts (AssemblyScript, @extism/as-pdk)
#       -> src/main/resources/functions/validate-order-v2.extism.wasm (the example pipeline)
#   kit.c (C against the kernel imports alone)  -> src/test/resources/wasm/extism-kit.wasm
#   wasi_plugin.c (C with wasi-libc, a reactor)  -> src/test/resources/wasm/extism-wasi.wasm
#   passthrough.c (a wasi command, echo's twin)  -> src/test/resources/wasm/passthrough.wasm
#   *.wat (modules registration must refuse)     -> src/test/resources/wasm/extism-<name>.wasm
# Needs clang 14 with the wasm32-wasi sysroot (apt: clang lld wasi-libc
# libclang-rt-14-dev-wasm32), wat2wasm (apt: wabt) and npm (the pinned
# assemblyscript and @extism/as-pdk come from package-lock.json).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
main_out="$root/src/main/resources/functions"
test_out="$root/src/test/resources/wasm"

show() { printf '%-60s %7d bytes\n' "${1#"$root"/}" "$(wc -c <"$1")"; }

# AssemblyScript: --runtime stub is a bump allocator without a collector, enough
# for one short execution in a fresh instance, and the smallest and fastest
# build; abort goes to the plug-in's error (see abortPlugin).
(cd "$here" && npm ci --no-audit --no-fund --silent)
(cd "$here" && npx asc validate_order.ts --outFile "$main_out/validate-order-v2.extism.wasm" \
  --optimize --runtime stub --use abort=validate_order/abortPlugin --noColors)
show "$main_out/validate-order-v2.extism.wasm"

# Kernel imports only: no libc, no WASI, no entry point.
clang --target=wasm32 -nostdlib -O2 -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--strip-all -Wl,--stack-first -Wl,-z,stack-size=65536 \
  -o "$test_out/extism-kit.wasm" "$here/kit.c"
show "$test_out/extism-kit.wasm"

builtins="$(clang --target=wasm32-wasi -print-libgcc-file-name)"
clang --target=wasm32-wasi -mexec-model=reactor -isystem /usr/include/wasm32-wasi \
  -L/usr/lib/wasm32-wasi -nodefaultlibs -O2 -Wall -Wextra -Werror -Wl,--strip-all \
  -o "$test_out/extism-wasi.wasm" "$here/wasi_plugin.c" -lc "$builtins"
show "$test_out/extism-wasi.wasm"

# The wasi twin of extism-kit's echo, for bench/extism.sh.
clang --target=wasm32-wasi -isystem /usr/include/wasm32-wasi -L/usr/lib/wasm32-wasi \
  -nodefaultlibs -O2 -Wall -Wextra -Werror -Wl,--strip-all \
  -o "$test_out/passthrough.wasm" "$here/passthrough.c" -lc "$builtins"
show "$test_out/passthrough.wasm"

for wat in "$here"/*.wat; do
  out="$test_out/extism-$(basename "$wat" .wat).wasm"
  wat2wasm -o "$out" "$wat"
  show "$out"
done

# The service registers what this index lists at start-up (a jar cannot be listed).
(cd "$main_out" && ls -1 *.wasm) > "$main_out/index.txt"
