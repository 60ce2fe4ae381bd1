;; Declares 32 MiB of initial memory: above a 16 MiB limit before any code runs.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 512)
  (data (i32.const 0) "\10\00\00\00\03\00\00\00")
  (data (i32.const 16) "{}\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
