;; Succeeds with bytes no text column takes as they are: stderr holds invalid UTF-8 (a lone 0xFF,
;; a cut 0xC3, an overlong 0xC0 0xAF), an ESC sequence, a NUL and a valid "é"; stdout is JSON whose
;; string holds an escaped NUL (\u0000, which PostgreSQL's jsonb refuses) and an escaped ESC.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: stderr {buf = 64, len = 19}; iovec at 8: stdout {buf = 128, len = 34}
  (data (i32.const 0) "\40\00\00\00\13\00\00\00")
  (data (i32.const 8) "\80\00\00\00\22\00\00\00")
  (data (i32.const 64) "a\ffb\c3c\c0\afd\1b[31me\00f\c3\a9\n")
  (data (i32.const 128) "{\"s\":\"a\\u0000b\",\"t\":\"\\u001b[31m\"}\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 16)))
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))
