;; A plug-in that imports a kernel function Extism does not define: refused at
;; registration, naming it.
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "teleport" (func $teleport (param i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (drop (call $teleport (call $input_length)))
    (i32.const 0)))
