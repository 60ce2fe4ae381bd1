;; Asks for 128 MiB more memory, copes with the refusal and still succeeds:
;; a refused memory.grow alone is not a failure.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\0e\00\00\00")
  (data (i32.const 16) "{\"grew\":true}\n")
  (data (i32.const 32) "\30\00\00\00\0f\00\00\00")
  (data (i32.const 48) "{\"grew\":false}\n")
  (func (export "_start")
    (if (i32.eq (memory.grow (i32.const 2048)) (i32.const -1))
      (then (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 8))))
      (else (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))))
