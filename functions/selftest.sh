#!/usr/bin/env bash
# Pipes sample inputs through every built module (node's WASI, see run.mjs) and
# checks exit code, stdout and stderr; then runs the whole orders pipeline over
# the 3000 example rows with parse-order v1 and v2 (pipeline.mjs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$(dirname "$here")"

M=src/main/resources/functions
T=src/test/resources/wasm
RATES=src/main/resources/examples/rates.json
passed=0
failed=0

run() { node --no-warnings "$here/run.mjs" "$@"; }

# check <name> <module> <rc> <stdout|*> <stderr substring|""> <input> [-e NAME=VALUE]...
check() {
  local name="$1" module="$2" want_rc="$3" want_out="$4" want_err="$5" input="$6"
  shift 6
  local out err rc=0
  err="$(mktemp)"
  out="$(printf '%s' "$input" | run "$@" "$module" 2>"$err")" || rc=$?
  local problems=()
  [[ "$rc" == "$want_rc" ]] || problems+=("exit $rc, want $want_rc")
  [[ "$want_out" == "*" || "$out" == "$want_out" ]] || problems+=("stdout $out, want $want_out")
  [[ -z "$want_err" ]] || grep -qF -- "$want_err" "$err" || problems+=("stderr lacks '$want_err': $(cat "$err")")
  if ((${#problems[@]})); then
    failed=$((failed + 1))
    printf 'FAIL %s\n' "$name"
    printf '     %s\n' "${problems[@]}"
  else
    passed=$((passed + 1))
    printf 'ok   %s\n' "$name"
  fi
  rm -f "$err"
}

# Wraps an order (stdin) as enrich-order's input, with the example rates.
with_rates() {
  python3 -c 'import json, sys; print(json.dumps({"order": json.load(sys.stdin), "rates": json.load(open(sys.argv[1]))}))' "$RATES"
}

planted='{"row": "2041,\"Smith, Jones & Co\",SKU-7,2,19.90,EUR"}'

echo "== parse-order v1"
check "v1 parses a plain row" $M/parse-order-v1.wasm 0 \
  '{"id":"1042","customer":"Acme GmbH","sku":"SKU-3","qty":2,"unitPrice":19.9,"currency":"EUR"}' "" \
  '{"row": "1042,Acme GmbH,SKU-3,2,19.90,EUR"}'
check "v1 mis-parses the planted row silently (qty 0)" $M/parse-order-v1.wasm 0 \
  '{"id":"2041","customer":"\"Smith","sku":" Jones & Co\"","qty":0,"unitPrice":2,"currency":"19.90"}' "" \
  "$planted"
check "v1 is lenient with numbers" $M/parse-order-v1.wasm 0 \
  '{"id":"1","customer":"A","sku":"B","qty":0,"unitPrice":0,"currency":"EUR"}' "" \
  '{"row": "1,A,B,two,nan,EUR"}'
check "v1 rejects a short row" $M/parse-order-v1.wasm 1 "" "row has 3 fields, expected 6" \
  '{"row": "1,A,B"}'
check "v1 needs a row" $M/parse-order-v1.wasm 2 "" 'string field "row"' '{"rows": 1}'
check "v1 malformed JSON exits 2" $M/parse-order-v1.wasm 2 "" "invalid JSON input" '{"row": "1,2'

echo "== parse-order v2"
check "v2 parses the planted row" $M/parse-order-v2.wasm 0 \
  '{"id":"2041","customer":"Smith, Jones & Co","sku":"SKU-7","qty":2,"unitPrice":19.9,"currency":"EUR"}' "" \
  "$planted"
check "v2 parses doubled quotes" $M/parse-order-v2.wasm 0 \
  '{"id":"7","customer":"The \"Best\" Shop","sku":"SKU-1","qty":1,"unitPrice":4.5,"currency":"GBP"}' "" \
  '{"row": "7,\"The \"\"Best\"\" Shop\",SKU-1,1,4.50,GBP\r\n"}'
check "v2 keeps UTF-8 names" $M/parse-order-v2.wasm 0 \
  '{"id":"8","customer":"Müller Bau AG","sku":"SKU-2","qty":20,"unitPrice":12,"currency":"USD"}' "" \
  '{"row": "8,M\u00fcller Bau AG,SKU-2,20,12.00,USD"}'
check "v2 rejects a non-integer qty" $M/parse-order-v2.wasm 1 "" 'field qty: expected an integer >= 0, got "SKU-7"' \
  '{"row": "1,A,B,SKU-7,2,EUR"}'
check "v2 rejects a negative qty" $M/parse-order-v2.wasm 1 "" 'field qty: expected an integer >= 0, got "-1"' \
  '{"row": "1,A,B,-1,2.00,EUR"}'
check "v2 rejects a bad price" $M/parse-order-v2.wasm 1 "" 'field unit_price: expected a decimal number, got "1.2.3"' \
  '{"row": "1,A,B,2,1.2.3,EUR"}'
check "v2 counts the unquoted comma as a field" $M/parse-order-v2.wasm 1 "" "row has 7 fields, expected 6" \
  '{"row": "2041,Smith, Jones & Co,SKU-7,2,19.90,EUR"}'
check "v2 rejects an unterminated quote" $M/parse-order-v2.wasm 1 "" "field 2: unterminated quoted field" \
  '{"row": "1,\"A,B,2,1.00,EUR"}'
check "v2 rejects a stray quote" $M/parse-order-v2.wasm 1 "" "field 2: quote inside an unquoted field" \
  '{"row": "1,A\"B,C,2,1.00,EUR"}'
check "v2 malformed JSON exits 2" $M/parse-order-v2.wasm 2 "" "invalid JSON input" 'not json'

echo "== enrich-order"
rates="$(cat $RATES)"
check "enrich EUR" $M/enrich-order-v1.wasm 0 \
  '{"id":"2041","customer":"Smith, Jones & Co","sku":"SKU-7","qty":2,"unitPrice":19.9,"currency":"EUR","rate":1.0,"rateKnown":true,"totalEur":39.80}' "" \
  "{\"order\": {\"id\":\"2041\",\"customer\":\"Smith, Jones & Co\",\"sku\":\"SKU-7\",\"qty\":2,\"unitPrice\":19.9,\"currency\":\"EUR\"}, \"rates\": $rates}"
check "enrich USD rounds to cents" $M/enrich-order-v1.wasm 0 \
  '{"id":"5","qty":3,"unitPrice":9.99,"currency":"USD","rate":0.92,"rateKnown":true,"totalEur":27.57}' "" \
  "{\"order\": {\"id\":\"5\",\"qty\":3,\"unitPrice\":9.99,\"currency\":\"USD\"}, \"rates\": $rates}"
check "enrich rounds half a cent up" $M/enrich-order-v1.wasm 0 \
  '{"id":"6","qty":1,"unitPrice":1.005,"currency":"EUR","rate":1,"rateKnown":true,"totalEur":1.01}' "" \
  '{"order": {"id":"6","qty":1,"unitPrice":1.005,"currency":"EUR"}, "rates": {"EUR": 1}}'
check "enrich unknown currency: rate 1, rateKnown false" $M/enrich-order-v1.wasm 0 \
  '{"id":"9","qty":0,"unitPrice":2,"currency":"19.90","rate":1,"rateKnown":false,"totalEur":0.00}' "" \
  "{\"order\": {\"id\":\"9\",\"qty\":0,\"unitPrice\":2,\"currency\":\"19.90\"}, \"rates\": $rates}"
check "enrich needs order and rates" $M/enrich-order-v1.wasm 2 "" 'object fields "order" and "rates"' '{"order": {}}'

echo "== validate-order"
check "validate passes a good order" $M/validate-order-v1.wasm 0 \
  '{"id":"1","qty":2,"currency":"EUR","totalEur":39.80,"valid":true}' "" \
  '{"id":"1","qty":2,"currency":"EUR","totalEur":39.80}'
check "validate names id, field and value" $M/validate-order-v1.wasm 1 "" 'order 1042: qty must be >= 1, got 0' \
  '{"id":"1042","qty":0,"currency":"EUR","totalEur":12.5}'
check "validate checks the currency" $M/validate-order-v1.wasm 1 "" 'order 3: currency must be 3 uppercase letters, got "eur"' \
  '{"id":"3","qty":1,"currency":"eur","totalEur":1}'
check "validate checks totalEur" $M/validate-order-v1.wasm 1 "" 'order 4: totalEur must be > 0, got -1.00' \
  '{"id":"4","qty":1,"currency":"EUR","totalEur":-1.00}'
check "validate reports a missing field" $M/validate-order-v1.wasm 1 "" 'order 5: qty must be a whole number >= 1, but it is missing' \
  '{"id":"5","currency":"EUR","totalEur":1}'
check "validate malformed JSON exits 2" $M/validate-order-v1.wasm 2 "" "invalid JSON input" '{"id": 1,}'

echo "== the planted record, chained"
v1_enriched="$(printf '%s' "$planted" | run $M/parse-order-v1.wasm | with_rates | run $M/enrich-order-v1.wasm)"
check "v1 -> enrich -> validate fails two steps downstream" $M/validate-order-v1.wasm 1 "" \
  'order 2041: qty must be >= 1, got 0' "$v1_enriched"
check "  ... and also flags currency" $M/validate-order-v1.wasm 1 "" \
  'order 2041: currency must be 3 uppercase letters, got "19.90"' "$v1_enriched"
v2_enriched="$(printf '%s' "$planted" | run $M/parse-order-v2.wasm | with_rates | run $M/enrich-order-v1.wasm)"
check "v2 -> enrich -> validate passes" $M/validate-order-v1.wasm 0 \
  '{"id":"2041","customer":"Smith, Jones & Co","sku":"SKU-7","qty":2,"unitPrice":19.9,"currency":"EUR","rate":1.0,"rateKnown":true,"totalEur":39.80,"valid":true}' "" \
  "$v2_enriched"

echo "== sum-totals"
orders='[{"id":"1","currency":"USD","totalEur":27.57},{"id":"2","currency":"EUR","totalEur":39.80},{"id":"3","currency":"EUR","totalEur":0.1},{"id":"4","currency":"GBP","totalEur":0.2}]'
check "sum groups by currency, sorted" $M/sum-totals-v1.wasm 0 \
  '{"count":4,"totalEur":67.67,"byCurrency":{"EUR":{"count":2,"totalEur":39.90},"GBP":{"count":1,"totalEur":0.20},"USD":{"count":1,"totalEur":27.57}}}' "" \
  "$orders"
check "sum echoes CURRENCY" $M/sum-totals-v1.wasm 0 \
  '{"count":0,"totalEur":0.00,"byCurrency":{},"reportCurrency":"EUR"}' "" '[]' -e CURRENCY=EUR
check "sum needs an array" $M/sum-totals-v1.wasm 2 "" "input must be a JSON array" '{"orders": []}'
check "sum needs totals" $M/sum-totals-v1.wasm 2 "" "order at index 1" '[{"currency":"EUR","totalEur":1},{"currency":"EUR"}]'

echo "== echo and the JSON library"
check "echo round-trips values" $T/echo.wasm 0 \
  '{"a":[1,-2.50,1e400,"x\"\\/é😀\n\u0001",null,true,false,{}],"":[]}' "" \
  '  {"a": [1, -2.50, 1e400, "x\"\\\/\u00e9\ud83d\ude00\n\u0001", null, true, false, {}], "": []}  '
check "echo a scalar" $T/echo.wasm 0 '"just a string"' "" '"just a string"'
check "empty input exits 2" $T/echo.wasm 2 "" "invalid JSON input: expected a value at end of input" ''
check "trailing text exits 2" $T/echo.wasm 2 "" "unexpected text after the JSON value" '{} {}'
check "bad escape exits 2" $T/echo.wasm 2 "" "invalid escape in string" '"\x"'
check "lone surrogate exits 2" $T/echo.wasm 2 "" "unpaired high surrogate" '"\ud83d"'
check "invalid UTF-8 exits 2" $T/echo.wasm 2 "" "invalid UTF-8 in string" $'"\xc3\x28"'
check "raw control character exits 2" $T/echo.wasm 2 "" "control character in string" $'"a\tb"'
check "leading zero exits 2" $T/echo.wasm 2 "" "unexpected text after the JSON value" '012'
check "bare minus exits 2" $T/echo.wasm 2 "" "invalid number" '[-]'
check "nesting 256 deep is fine" $T/echo.wasm 0 "*" "" "$(printf '[%.0s' {1..256})$(printf ']%.0s' {1..256})"
check "nesting 100000 deep exits 2, no crash" $T/echo.wasm 2 "" "nesting too deep" "$(printf '[%.0s' {1..100000})"

echo "== engine test functions"
check "inc" $T/inc.wasm 0 '{"n":42}' "" '{"n": 41}'
check "inc negative" $T/inc.wasm 0 '{"n":0}' "" '{"n": -1}'
check "inc needs an integer" $T/inc.wasm 2 "" 'integer field "n"' '{"n": 1.5}'
check "inc overflow" $T/inc.wasm 1 "" "overflows" '{"n": 9223372036854775807}'
check "add" $T/add.wasm 0 '{"n":5}' "" '{"a": {"n": 2}, "b": {"n": 3}}'
check "add needs b" $T/add.wasm 2 "" 'input.b must be' '{"a": {"n": 2}}'
check "flaky fails on attempt 1 by default" $T/flaky.wasm 1 "" "attempt 1 fails on purpose" '{"k": 1}'
check "flaky fails on attempt 2" $T/flaky.wasm 1 "" "attempt 2 fails on purpose" '{"k": 1}' -e TAPROOT_ATTEMPT=2
check "flaky succeeds on attempt 3" $T/flaky.wasm 0 '{"k":1}' "" '{"k": 1}' -e TAPROOT_ATTEMPT=3
check "flaky honours SUCCEED_ON_ATTEMPT" $T/flaky.wasm 0 '{"k":1}' "" '{"k": 1}' -e SUCCEED_ON_ATTEMPT=1
check "flaky rejects a bad attempt" $T/flaky.wasm 2 "" "TAPROOT_ATTEMPT is not an integer" '{}' -e TAPROOT_ATTEMPT=x
check "spin echoes" $T/spin.wasm 0 '{"spin":1000000,"k":"v"}' "" '{"spin": 1000000, "k": "v"}'
check "spin without spin" $T/spin.wasm 0 '[1,2]' "" '[1, 2]'
check "spin needs an integer" $T/spin.wasm 2 "" '"spin" must be an integer' '{"spin": "lots"}'
check "fail-if fails" $T/fail-if.wasm 2 "" "item asked to fail" '{"fail": true, "k": 1}'
check "fail-if passes" $T/fail-if.wasm 0 '{"fail":false,"k":1}' "" '{"fail": false, "k": 1}'

echo "== the orders pipeline over all example rows"
if node --no-warnings "$here/pipeline.mjs"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL pipeline.mjs"
fi

echo "== $passed passed, $failed failed"
((failed == 0))
