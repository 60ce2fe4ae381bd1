// Runs the "orders" pipeline (parse -> enrich -> validate -> sum) over every
// example row, once with parse-order v1 and once with v2, the way the engine
// chains items, and checks the story of the planted record:
//   v1: every row parses and enriches, exactly item "1041" fails at validate;
//   v2: every row validates, and the totals match exact decimal arithmetic.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWasm } from './run.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fn = (name) => path.join(root, 'src/main/resources/functions', name);
const examples = path.join(root, 'src/main/resources/examples');
const rates = JSON.parse(fs.readFileSync(path.join(examples, 'rates.json'), 'utf8'));
const records = fs
  .readFileSync(path.join(examples, 'orders.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line));

const problems = [];
const expect = (ok, message) => ok || problems.push(message);

async function step(module, input, env = {}) {
  const r = await runWasm(fn(module), JSON.stringify(input), env);
  if (r.trap) throw new Error(`${module} trapped: ${r.trap}`);
  return { ...r, output: r.code === 0 ? JSON.parse(r.stdout) : undefined };
}

async function pipeline(parseModule) {
  const failures = [];
  const validated = new Map();
  for (const [i, record] of records.entries()) {
    const key = String(i);
    const parsed = await step(parseModule, record);
    if (parsed.code !== 0) { failures.push({ key, step: 'parse', ...parsed }); continue; }
    const enriched = await step('enrich-order-v1.wasm', { order: parsed.output, rates });
    if (enriched.code !== 0) { failures.push({ key, step: 'enrich', ...enriched }); continue; }
    const valid = await step('validate-order-v1.wasm', enriched.output);
    if (valid.code !== 0) { failures.push({ key, step: 'validate', ...valid }); continue; }
    validated.set(key, valid.output);
  }
  return { failures, validated };
}

// Exact oracle: cents = qty * price_cents * rate, rounded half up, in BigInt.
function expectedCents(row) {
  const [, , , qty, price, currency] = row.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const [rateInt, rateFrac = ''] = String(rates[currency]).split('.');
  const rateScale = 10n ** BigInt(rateFrac.length);
  const rateUnits = BigInt(rateInt + rateFrac);
  const priceCents = BigInt(price.replace('.', ''));
  const numerator = BigInt(qty) * priceCents * rateUnits;
  return (2n * numerator + rateScale) / (2n * rateScale);
}

const cents = (x) => BigInt(Math.round(x * 100));

const v1 = await pipeline('parse-order-v1.wasm');
expect(v1.failures.length === 1, `v1: ${v1.failures.length} failures, want 1`);
const [bad] = v1.failures;
expect(bad?.key === '1041' && bad?.step === 'validate' && bad?.code === 1,
  `v1: failure at ${bad?.step} item ${bad?.key} exit ${bad?.code}, want validate item 1041 exit 1`);
expect(bad?.stderr.includes('order 2041: qty must be >= 1, got 0'), `v1: stderr was ${bad?.stderr}`);
console.log(`v1: ${v1.validated.size} validated, failed: ${v1.failures
  .map((f) => `item ${f.key} at ${f.step} (exit ${f.code}): ${f.stderr.trim().replaceAll('\n', ' | ')}`)
  .join('; ')}`);

const v2 = await pipeline('parse-order-v2.wasm');
expect(v2.failures.length === 0, `v2: failures ${JSON.stringify(v2.failures.slice(0, 3))}`);
const fixed = v2.validated.get('1041');
expect(fixed?.customer === 'Smith, Jones & Co' && fixed?.qty === 2 && fixed?.totalEur === 39.8,
  `v2: item 1041 is ${JSON.stringify(fixed)}`);
for (const [key, order] of v2.validated) {
  const want = expectedCents(records[Number(key)].row);
  expect(cents(order.totalEur) === want, `v2: item ${key} totalEur ${order.totalEur}, want ${want} cents`);
  if (key !== '1041') {
    expect(JSON.stringify(v1.validated.get(key)) === JSON.stringify(order), `v1 and v2 differ on item ${key}`);
  }
}

const orders = [...v2.validated.values()];
const sum = await step('sum-totals-v1.wasm', orders, { CURRENCY: 'EUR' });
expect(sum.code === 0, `sum-totals exit ${sum.code}: ${sum.stderr}`);
const wantTotal = records.reduce((acc, r) => acc + expectedCents(r.row), 0n);
expect(sum.output?.count === 3000, `sum count ${sum.output?.count}`);
expect(cents(sum.output?.totalEur) === wantTotal, `sum totalEur ${sum.output?.totalEur}, want ${wantTotal} cents`);
expect(sum.output?.reportCurrency === 'EUR', 'sum reportCurrency');
const byCount = Object.values(sum.output?.byCurrency ?? {}).reduce((a, b) => a + b.count, 0);
expect(byCount === 3000, `byCurrency counts add up to ${byCount}`);
console.log(`v2: ${v2.validated.size} validated, 0 failed; sum-totals (${JSON.stringify(orders).length} bytes in, ` +
  `${sum.memoryBytes / 1048576} MiB memory): ${sum.stdout.trim()}`);

if (problems.length) {
  problems.slice(0, 20).forEach((p) => console.error(`FAIL ${p}`));
  process.exit(1);
}
console.log('ok   pipeline: v1 fails only item 1041 at validate, v2 fixes it, totals exact');
