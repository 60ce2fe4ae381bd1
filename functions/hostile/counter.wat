;; Counts the calls of _start in a global and prints {"calls": N}. A fresh
;; instance per execution always prints 1; a reused instance would print 2, 3, ...
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 64) "{\"calls\": ")
  ;; Writes the decimal digits of $n ending just before $end; returns the first digit's address.
  (func $digits (param $n i32) (param $end i32) (result i32)
    (loop $next
      (local.set $end (i32.sub (local.get $end) (i32.const 1)))
      (i32.store8 (local.get $end)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $next (local.get $n)))
    (local.get $end))
  (func (export "_start")
    (local $start i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    ;; digits go right before 128, then "}\n" at 128
    (local.set $start (call $digits (global.get $calls) (i32.const 128)))
    (i32.store16 (i32.const 128) (i32.const 0x0a7d))
    ;; iovecs at 0: the prefix, then the digits and "}\n"
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 10))
    (i32.store (i32.const 8) (local.get $start))
    (i32.store (i32.const 12) (i32.sub (i32.const 130) (local.get $start)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 16)))))
