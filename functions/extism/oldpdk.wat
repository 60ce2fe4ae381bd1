;; A plug-in built with a pre-1.0 PDK: the kernel functions come from module
;; "env" with an extism_ prefix. Refused with a hint to rebuild.
(module
  (import "env" "extism_input_length" (func $input_length (result i64)))
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (drop (call $input_length))
    (i32.const 0)))
