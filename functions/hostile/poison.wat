;; The poisoned function of the writer benchmark: copies stdin to stdout, except for an input
;; object whose first key starts with "p" ({"poison": ...}): then it writes NUL, invalid UTF-8 and
;; an ESC sequence to stderr, prints JSON with "\u0000" in a string, and exits with code 1, as a C
;; program that dumps a binary buffer before failing does. For {"fail": ...} it fails the same way
;; with plain text, the control that tells the bytes' cost from the failure's.
(module
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; stderr bytes at 64 (18 bytes): bad NUL, 0xff 0xfe, ESC[31m, "end\n"
  (data (i32.const 64) "bad\00\ff\fe\1b[31mend\00\n\00\00")
  ;; plain stderr at 192 (16 bytes)
  (data (i32.const 192) "plain failure.\n\00")
  ;; stdout bytes at 128 (22 bytes)
  (data (i32.const 128) "{\"dump\":\"a\\u0000b\"}\n")
  (func (export "_start")
    (local $end i32)
    (local $n i32)
    (local.set $end (i32.const 4096))
    (block $eof
      (loop $read
        (if (i32.gt_u (i32.add (local.get $end) (i32.const 4096))
                      (i32.mul (memory.size) (i32.const 65536)))
          (then (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1))
                  (then (call $proc_exit (i32.const 70))))))
        (i32.store (i32.const 0) (local.get $end))
        (i32.store (i32.const 4) (i32.const 4096))
        (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8))
          (then (call $proc_exit (i32.const 71))))
        (local.set $n (i32.load (i32.const 8)))
        (br_if $eof (i32.eqz (local.get $n)))
        (local.set $end (i32.add (local.get $end) (local.get $n)))
        (br $read)))
    ;; {"p… : the input at 4096 is '{', '"', 'p'
    (if (i32.eq (i32.load8_u (i32.const 4098)) (i32.const 112))
      (then
        (i32.store (i32.const 0) (i32.const 64))
        (i32.store (i32.const 4) (i32.const 16))
        (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
        (i32.store (i32.const 0) (i32.const 128))
        (i32.store (i32.const 4) (i32.const 20))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (call $proc_exit (i32.const 1))))
    ;; {"f… : a plain failure
    (if (i32.eq (i32.load8_u (i32.const 4098)) (i32.const 102))
      (then
        (i32.store (i32.const 0) (i32.const 192))
        (i32.store (i32.const 4) (i32.const 15))
        (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
        (call $proc_exit (i32.const 1))))
    (i32.store (i32.const 0) (i32.const 4096))
    (i32.store (i32.const 4) (i32.sub (local.get $end) (i32.const 4096)))
    (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))
      (then (call $proc_exit (i32.const 72))))))
