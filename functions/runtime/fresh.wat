;; Freshness probe. Every execution first checks, without writing anything, that it sees the
;; module's initial state: memory size and every byte of it, every global, the table's size and
;; entries. Then it reads stdin: "w" makes it scribble over all of that state (memory filled and
;; grown, globals changed, table entries swapped and the table grown, its passive data segment
;; dropped) and print {"wrote":true}; "b", "g" and "t" scribble only over memory bytes, globals or
;; table entries (so a test can show that the check notices each); anything else prints what the
;; check found, {"fresh":true} or {"fresh":false,"what":...}. A write followed by a read on the same
;; module proves that nothing the first execution left behind reaches the next one.
(module
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (type $answer (func (result i32)))
  (memory (export "memory") 2)
  ;; Two initialised regions, on different pages, so the image spans more than one page.
  (data (i32.const 1024) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (data (i32.const 70000) "\11\12\13\14")
  ;; The messages, 40 bytes each; passive, so the check above never sees them in memory.
  (data $messages
    "{\"fresh\":true}                         \0a"
    "{\"fresh\":false,\"what\":\"memory-size\"}   \0a"
    "{\"fresh\":false,\"what\":\"memory-bytes\"}  \0a"
    "{\"fresh\":false,\"what\":\"globals\"}       \0a"
    "{\"fresh\":false,\"what\":\"table-size\"}    \0a"
    "{\"fresh\":false,\"what\":\"table-entries\"} \0a"
    "{\"wrote\":true}                         \0a")
  (global $int (mut i32) (i32.const 7))
  (global $long (mut i64) (i64.const 0x1122334455667788))
  (global $double (mut f64) (f64.const 2.5))
  ;; Stands for a shadow-stack pointer: C code keeps its stack in linear memory below one.
  (global $sp (mut i32) (i32.const 65536))
  (table $calls 4 16 funcref)
  (elem (i32.const 0) $one $two $three)

  (func $one (type $answer) (i32.const 1))
  (func $two (type $answer) (i32.const 2))
  (func $three (type $answer) (i32.const 3))

  (func $expected (param $at i32) (result i32)
    (if (i32.and (i32.ge_u (local.get $at) (i32.const 1024))
                 (i32.lt_u (local.get $at) (i32.const 1040)))
      (then (return (i32.sub (local.get $at) (i32.const 1023)))))
    (if (i32.and (i32.ge_u (local.get $at) (i32.const 70000))
                 (i32.lt_u (local.get $at) (i32.const 70004)))
      (then (return (i32.sub (local.get $at) (i32.const 69983)))))
    (i32.const 0))

  ;; 0 when everything is initial, else the number of the first message that explains what is not.
  ;; Bytes below 144 are this probe's own I/O scratch, written by every run after its check.
  (func $check (result i32) (local $at i32)
    (if (i32.ne (memory.size) (i32.const 2)) (then (return (i32.const 1))))
    (local.set $at (i32.const 144))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $at) (i32.const 131072)))
        (if (i32.ne (i32.load8_u (local.get $at)) (call $expected (local.get $at)))
          (then (return (i32.const 2))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $bytes)))
    (if (i32.or
          (i32.or (i32.ne (global.get $int) (i32.const 7))
                  (i64.ne (global.get $long) (i64.const 0x1122334455667788)))
          (i32.or (f64.ne (global.get $double) (f64.const 2.5))
                  (i32.ne (global.get $sp) (i32.const 65536))))
      (then (return (i32.const 3))))
    (if (i32.ne (table.size $calls) (i32.const 4)) (then (return (i32.const 4))))
    (if (i32.or
          (i32.or (i32.ne (call_indirect (type $answer) (i32.const 0)) (i32.const 1))
                  (i32.ne (call_indirect (type $answer) (i32.const 1)) (i32.const 2)))
          (i32.or (i32.ne (call_indirect (type $answer) (i32.const 2)) (i32.const 3))
                  (i32.eqz (ref.is_null (table.get $calls (i32.const 3))))))
      (then (return (i32.const 5))))
    (i32.const 0))

  (func $scribble (param $mode i32)
    (local $all i32)
    (local.set $all (i32.eq (local.get $mode) (i32.const 0x77)))
    (if (local.get $all)
      (then
        (drop (memory.grow (i32.const 3)))
        (drop (table.grow $calls (ref.func $two) (i32.const 4)))))
    (if (i32.or (local.get $all) (i32.eq (local.get $mode) (i32.const 0x62)))
      (then
        (memory.fill (i32.const 0) (i32.const 0xab) (i32.mul (memory.size) (i32.const 65536)))))
    (if (i32.or (local.get $all) (i32.eq (local.get $mode) (i32.const 0x67)))
      (then
        (global.set $int (i32.const -1))
        (global.set $long (i64.const -1))
        (global.set $double (f64.const -0.5))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 4096)))))
    (if (i32.or (local.get $all) (i32.eq (local.get $mode) (i32.const 0x74)))
      (then
        (table.set $calls (i32.const 0) (ref.func $three))
        (table.set $calls (i32.const 3) (ref.func $one)))))

  (func $print (param $message i32)
    (memory.init $messages (i32.const 0) (i32.mul (local.get $message) (i32.const 40))
      (i32.const 40))
    (i32.store (i32.const 64) (i32.const 0))
    (i32.store (i32.const 68) (i32.const 40))
    (drop (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72))))

  (func (export "_start") (local $found i32) (local $mode i32)
    (local.set $found (call $check))
    (i32.store (i32.const 96) (i32.const 128))
    (i32.store (i32.const 100) (i32.const 16))
    (drop (call $fd_read (i32.const 0) (i32.const 96) (i32.const 1) (i32.const 104)))
    (if (i32.gt_u (i32.load (i32.const 104)) (i32.const 0))
      (then (local.set $mode (i32.load8_u (i32.const 128)))))
    (if (i32.eq (local.get $mode) (i32.const 0x77))
      (then
        (call $scribble (local.get $mode))
        (call $print (i32.const 6))
        (data.drop $messages)
        (return)))
    (if (i32.or (i32.eq (local.get $mode) (i32.const 0x62))
          (i32.or (i32.eq (local.get $mode) (i32.const 0x67))
                  (i32.eq (local.get $mode) (i32.const 0x74))))
      (then
        (call $scribble (local.get $mode))
        (call $print (i32.const 6))
        (return)))
    (call $print (local.get $found))))
