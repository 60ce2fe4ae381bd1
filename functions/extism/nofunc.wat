;; Exports nothing a step can call: its only function takes a parameter.
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (memory (export "memory") 1)
  (func (export "run") (param i32) (result i32)
    (drop (call $input_length))
    (local.get 0)))
