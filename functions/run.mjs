// Runs a Taproot "wasi" function module locally, the way the engine does:
// input on stdin, output on stdout, log on stderr, no files, only the given env.
//
//   node --no-warnings functions/run.mjs [-e NAME=VALUE]... module.wasm < input.json
//
// Exits with the module's exit code (70 if it traps). Also importable:
//   runWasm(module, input, env) -> {code, stdout, stderr, trap, memoryBytes}
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A minimal WASI preview1 host in JS instead of node:wasi, whose native host
// keeps using a stale memory backing store after memory.grow (nodejs/node#51303):
// on bigger inputs it segfaults or silently drops output. Like the engine, it
// exposes stdio, args and env only: no preopened directories, no sockets.
const ESUCCESS = 0;
const EBADF = 8;
const ENOSYS = 52;
const ESPIPE = 70;
const FILETYPE_CHARACTER_DEVICE = 2;

class Exit {
  constructor(code) {
    this.code = code;
  }
}

function wasiHost(args, env, input, getMemory) {
  const stdout = [];
  const stderr = [];
  let inputOffset = 0;
  let seed = 0x2545f491;
  const enc = new TextEncoder();
  const argBytes = args.map((a) => enc.encode(`${a}\0`));
  const envBytes = Object.entries(env).map(([k, v]) => enc.encode(`${k}=${v}\0`));
  const view = () => new DataView(getMemory().buffer);
  const bytes = () => new Uint8Array(getMemory().buffer);

  const putStrings = (list, ptrs, buf) => {
    const v = view();
    for (const s of list) {
      v.setUint32(ptrs, buf, true);
      bytes().set(s, buf);
      ptrs += 4;
      buf += s.length;
    }
    return ESUCCESS;
  };
  const sizes = (list, countPtr, sizePtr) => {
    view().setUint32(countPtr, list.length, true);
    view().setUint32(sizePtr, list.reduce((n, s) => n + s.length, 0), true);
    return ESUCCESS;
  };

  const imports = {
    args_get: (ptrs, buf) => putStrings(argBytes, ptrs, buf),
    args_sizes_get: (c, s) => sizes(argBytes, c, s),
    environ_get: (ptrs, buf) => putStrings(envBytes, ptrs, buf),
    environ_sizes_get: (c, s) => sizes(envBytes, c, s),
    fd_read(fd, iovs, iovsLen, nreadPtr) {
      if (fd !== 0) return EBADF;
      const v = view();
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const buf = v.getUint32(iovs + i * 8, true);
        const len = v.getUint32(iovs + i * 8 + 4, true);
        const chunk = input.subarray(inputOffset, inputOffset + len);
        bytes().set(chunk, buf);
        inputOffset += chunk.length;
        total += chunk.length;
        if (chunk.length < len) break;
      }
      v.setUint32(nreadPtr, total, true);
      return ESUCCESS;
    },
    fd_write(fd, iovs, iovsLen, nwrittenPtr) {
      if (fd !== 1 && fd !== 2) return EBADF;
      const v = view();
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const buf = v.getUint32(iovs + i * 8, true);
        const len = v.getUint32(iovs + i * 8 + 4, true);
        (fd === 1 ? stdout : stderr).push(Buffer.from(bytes().slice(buf, buf + len)));
        total += len;
      }
      v.setUint32(nwrittenPtr, total, true);
      return ESUCCESS;
    },
    fd_fdstat_get(fd, statPtr) {
      if (fd > 2) return EBADF;
      const v = view();
      for (let i = 0; i < 24; i++) v.setUint8(statPtr + i, 0);
      v.setUint8(statPtr, FILETYPE_CHARACTER_DEVICE);
      v.setBigUint64(statPtr + 8, 0xffffffffn, true);
      return ESUCCESS;
    },
    fd_seek: (fd) => (fd <= 2 ? ESPIPE : EBADF),
    fd_close: (fd) => (fd <= 2 ? ESUCCESS : EBADF),
    fd_prestat_get: () => EBADF,
    clock_time_get(id, precision, timePtr) {
      view().setBigUint64(timePtr, 1700000000000000000n, true); // fixed, like a replay
      return ESUCCESS;
    },
    random_get(buf, len) {
      const b = bytes();
      for (let i = 0; i < len; i++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        b[buf + i] = seed & 0xff;
      }
      return ESUCCESS;
    },
    sched_yield: () => ESUCCESS,
    proc_exit(code) {
      throw new Exit(code);
    },
  };
  const wasiImport = new Proxy(imports, {
    get: (target, name) => target[name] ?? (() => ENOSYS),
  });
  const text = (chunks) => Buffer.concat(chunks).toString('utf8');
  return { wasiImport, stdout: () => text(stdout), stderr: () => text(stderr) };
}

const compiled = new Map();

export async function compile(file) {
  if (!compiled.has(file)) compiled.set(file, await WebAssembly.compile(fs.readFileSync(file)));
  return compiled.get(file);
}

export async function runWasm(file, input, env = {}) {
  const module = await compile(file);
  let instance;
  const host = wasiHost([path.basename(file)], env, Buffer.from(input),
    () => instance.exports.memory);
  instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: host.wasiImport });
  let code = 0;
  let trap = null;
  try {
    instance.exports._start();
  } catch (e) {
    if (e instanceof Exit) {
      code = e.code;
    } else {
      trap = String(e && e.message ? e.message : e);
      code = 70;
    }
  }
  const memoryBytes = instance.exports.memory.buffer.byteLength;
  return { code, trap, stdout: host.stdout(), stderr: host.stderr(), memoryBytes };
}

async function main(argv) {
  const env = {};
  let file;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-e') {
      const kv = argv[++i] ?? '';
      const eq = kv.indexOf('=');
      if (eq < 1) throw new Error(`bad -e ${kv}, expected NAME=VALUE`);
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else {
      file = argv[i];
    }
  }
  if (!file) {
    console.error('usage: node run.mjs [-e NAME=VALUE]... module.wasm < input.json');
    process.exit(64);
  }
  const result = await runWasm(file, fs.readFileSync(0), env);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.trap) process.stderr.write(`trap: ${result.trap}\n`);
  process.exitCode = result.code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await main(process.argv.slice(2));
}
