;; Copies stdin to stdout: JSON in, the same JSON out. Reads into memory from
;; 4096 upwards, growing memory as needed, then writes everything at once.
(module
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $end i32)
    (local $n i32)
    (local.set $end (i32.const 4096))
    (block $eof
      (loop $read
        ;; keep at least 4 KiB free after $end
        (if (i32.gt_u (i32.add (local.get $end) (i32.const 4096))
                      (i32.mul (memory.size) (i32.const 65536)))
          (then (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1))
                  (then (call $proc_exit (i32.const 70))))))
        ;; iovec at 0: {buf = $end, len = 4096}; nread at 8
        (i32.store (i32.const 0) (local.get $end))
        (i32.store (i32.const 4) (i32.const 4096))
        (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8))
          (then (call $proc_exit (i32.const 71))))
        (local.set $n (i32.load (i32.const 8)))
        (br_if $eof (i32.eqz (local.get $n)))
        (local.set $end (i32.add (local.get $end) (local.get $n)))
        (br $read)))
    (i32.store (i32.const 0) (i32.const 4096))
    (i32.store (i32.const 4) (i32.sub (local.get $end) (i32.const 4096)))
    (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))
      (then (call $proc_exit (i32.const 72))))))
