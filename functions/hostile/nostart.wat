;; A reactor-style module: it exports a function but no `_start`.
(module
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    i32.const 0))
