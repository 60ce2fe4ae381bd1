;; Executes `unreachable`, the instruction a Rust panic or C abort() ends in.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    unreachable))
