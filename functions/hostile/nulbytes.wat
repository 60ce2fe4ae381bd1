;; Writes bytes PostgreSQL's text type refuses (NUL) and a control character to stderr, then exits
;; with code 1, as a C program printing a binary buffer does.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: {buf = 16, len = 14}
  (data (i32.const 0) "\10\00\00\00\0e\00\00\00")
  (data (i32.const 16) "bad\00byte\01end\00\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 1))))
