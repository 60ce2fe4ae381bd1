// validate-order as an Extism plug-in, in AssemblyScript with the published
// @extism/as-pdk: the same rules and messages as pipeline/validate_order.c.
//
// Input: an enriched order (JSON object); output: the same order plus
// "valid": true, every member copied as written (numbers verbatim). Rules: qty
// is a whole number >= 1, currency is three uppercase ASCII letters, totalEur
// > 0. Each violation is logged as an error line naming the order id, the field
// and the bad value; any violation sets the plug-in error and returns 1.
import { Host, Memory } from "@extism/as-pdk";
import { error_set, log_error } from "@extism/as-pdk/lib/env";

// Called by AssemblyScript on a failed assertion or a runtime error: report it
// as the plug-in's error and trap, so the step fails with the reason.
function abortPlugin(
  message: string | null,
  fileName: string | null,
  line: u32,
  column: u32,
): void {
  const text =
    "abort: " +
    (message === null ? "" : message) +
    " at " +
    (fileName === null ? "?" : fileName) +
    ":" +
    line.toString() +
    ":" +
    column.toString();
  error_set(Memory.allocateString(text).offset);
  unreachable();
}

// One top-level member of the input object: its decoded key and the raw JSON
// text of its value, exactly as it was written.
class Member {
  constructor(
    public key: string,
    public raw: string,
  ) {}
}

// A strict-enough scanner for the one object the engine hands over: it finds
// where each value starts and ends, decoding only keys and string values.
class Scanner {
  pos: i32 = 0;
  constructor(public text: string) {}

  fail(what: string): void {
    throw new Error("input is not a JSON object (" + what + " at character " + this.pos.toString() + ")");
  }

  space(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.pos++;
    }
  }

  expect(c: i32): void {
    this.space();
    if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != c) {
      this.fail("expected '" + String.fromCharCode(c) + "'");
    }
    this.pos++;
  }

  // Skips a string, returning its decoded text.
  string(): string {
    this.expect(0x22);
    let decoded = "";
    while (true) {
      if (this.pos >= this.text.length) this.fail("unterminated string");
      const c = this.text.charCodeAt(this.pos++);
      if (c == 0x22) return decoded;
      if (c != 0x5c) {
        decoded += String.fromCharCode(c);
        continue;
      }
      const e = this.text.charCodeAt(this.pos++);
      if (e == 0x75) {
        decoded += String.fromCharCode(<i32>parseInt(this.text.substr(this.pos, 4), 16));
        this.pos += 4;
      } else if (e == 0x6e) decoded += "\n";
      else if (e == 0x74) decoded += "\t";
      else if (e == 0x72) decoded += "\r";
      else if (e == 0x62) decoded += "\b";
      else if (e == 0x66) decoded += "\f";
      else decoded += String.fromCharCode(e);
    }
  }

  // Skips any value; returns its raw text.
  value(): string {
    this.space();
    const start = this.pos;
    if (this.pos >= this.text.length) this.fail("missing value");
    const c = this.text.charCodeAt(this.pos);
    if (c == 0x22) {
      this.string();
    } else if (c == 0x7b || c == 0x5b) {
      let depth = 0;
      do {
        const d = this.text.charCodeAt(this.pos);
        if (d == 0x22) {
          this.string();
          continue;
        }
        if (d == 0x7b || d == 0x5b) depth++;
        if (d == 0x7d || d == 0x5d) depth--;
        this.pos++;
      } while (depth > 0 && this.pos < this.text.length);
      if (depth > 0) this.fail("unterminated " + (c == 0x7b ? "object" : "array"));
    } else {
      while (this.pos < this.text.length) {
        const d = this.text.charCodeAt(this.pos);
        if (d == 0x2c || d == 0x7d || d == 0x5d || d == 0x20 || d == 0x0a || d == 0x0d || d == 0x09) break;
        this.pos++;
      }
    }
    return this.text.substring(start, this.pos);
  }

  members(): Member[] {
    const members = new Array<Member>();
    this.expect(0x7b);
    this.space();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x7d) {
      this.pos++;
      return members;
    }
    while (true) {
      this.space();
      const key = this.string();
      this.expect(0x3a);
      members.push(new Member(key, this.value()));
      this.space();
      if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x2c) {
        this.pos++;
        continue;
      }
      this.expect(0x7d);
      return members;
    }
  }
}

function find(members: Member[], key: string): string | null {
  for (let i = 0; i < members.length; i++) {
    if (members[i].key == key) return members[i].raw;
  }
  return null;
}

// A raw JSON number as an f64, or NaN when the text is not a number.
function number(raw: string | null): f64 {
  if (raw === null) return NaN;
  const c = raw.charCodeAt(0);
  if (c != 0x2d && (c < 0x30 || c > 0x39)) return NaN;
  return parseFloat(raw);
}

function isUpperCode(raw: string | null): bool {
  if (raw === null || raw.length != 5 || raw.charCodeAt(0) != 0x22) return false;
  for (let i = 1; i < 4; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x41 || c > 0x5a) return false;
  }
  return raw.charCodeAt(4) == 0x22;
}

let orderId = "";
let problems = new Array<string>();

function problem(field: string, rule: string, raw: string | null): void {
  const line =
    raw === null
      ? "order " + orderId + ": " + field + " must be " + rule + ", but it is missing"
      : "order " + orderId + ": " + field + " must be " + rule + ", got " + raw;
  log_error(Memory.allocateString(line).offset);
  problems.push(line);
}

export function run(): i32 {
  const members = new Scanner(Host.inputString()).members();
  const id = find(members, "id");
  orderId = id === null ? "(no id)" : id.charCodeAt(0) == 0x22 ? id.substring(1, id.length - 1) : id;
  problems = new Array<string>();

  const qty = find(members, "qty");
  const q = number(qty);
  if (!isFinite(q) || q != Math.floor(q)) problem("qty", "a whole number >= 1", qty);
  else if (q < 1) problem("qty", ">= 1", qty);

  const currency = find(members, "currency");
  if (!isUpperCode(currency)) problem("currency", "3 uppercase letters", currency);

  const total = find(members, "totalEur");
  const t = number(total);
  if (!isFinite(t) || !(t > 0)) problem("totalEur", "> 0", total);

  if (problems.length > 0) {
    error_set(Memory.allocateString(problems.join("; ")).offset);
    return 1;
  }
  let out = "{";
  for (let i = 0; i < members.length; i++) {
    if (members[i].key == "valid") continue;
    out += JSON_KEY(members[i].key) + ":" + members[i].raw + ",";
  }
  out += '"valid":true}';
  // Host.output with UTF-8 bytes: the PDK's outputString takes the length in
  // UTF-16 units, which cuts non-ASCII output short.
  Host.output(Uint8Array.wrap(String.UTF8.encode(out)));
  return 0;
}

// A key written back as a JSON string.
function JSON_KEY(key: string): string {
  let s = '"';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c == 0x22 || c == 0x5c) s += "\\" + String.fromCharCode(c);
    else if (c < 0x20) s += "\\u" + c.toString(16).padStart(4, "0");
    else s += String.fromCharCode(c);
  }
  return s + '"';
}
