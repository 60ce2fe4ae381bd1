;; Writes 4 KiB blocks to stdout forever; only the output limit stops it.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: {buf = 1024, len = 4096}; the block itself is 4096 bytes of zeros -> fill with 'x'
  (data (i32.const 0) "\00\04\00\00\00\10\00\00")
  (func (export "_start")
    (memory.fill (i32.const 1024) (i32.const 120) (i32.const 4096))
    (loop $forever
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br $forever))))
