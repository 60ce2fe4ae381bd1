#!/usr/bin/env python3
"""Writes the example input of the "orders" pipeline (deterministic, seeded).

    src/main/resources/examples/orders.ndjson   3000 lines of {"row": "<csv line>"}
    src/main/resources/examples/rates.json      currency -> EUR rate

CSV columns: id,customer,sku,qty,unit_price,currency. Every row is clean except
one planted record on line 1042 (item key "1041"): its customer is quoted and
contains a comma, which parse-order v1 splits naively. See functions/README.md.
"""
import json
import pathlib
import random

SEED = 20240611
ROWS = 3000
FIRST_ID = 1000
PLANTED_LINE = 1042  # 1-based; the engine's item key is line - 1

CUSTOMERS = [
    "Acme GmbH",
    "Globex Corporation",
    "Initech Ltd",
    "Umbrella & Sons",
    "O'Brien Hardware",
    "Müller Bau AG",
    "Café Ørsted",
    "Stark Industries",
    "Wayne Enterprises",
    "Soylent Co.",
]
# (sku, unit price); SKU-7 is what the planted record orders.
SKUS = [(f"SKU-{n}", price) for n, price in enumerate(
    [4.50, 12.00, 7.25, 89.90, 3.99, 24.95, 19.90, 149.00, 0.85, 56.40,
     9.99, 32.50, 5.75, 210.00, 14.30, 1.99, 74.00, 28.80, 6.60, 44.44], start=1)]
CURRENCIES = ["EUR", "USD", "GBP"]
CURRENCY_WEIGHTS = [6, 3, 1]
RATES = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "CHF": 1.04, "JPY": 0.0061}

PLANTED_ROW = '2041,"Smith, Jones & Co",SKU-7,2,19.90,EUR'


def rows(rng):
    for line in range(1, ROWS + 1):
        order_id = FIRST_ID + line - 1
        if line == PLANTED_LINE:
            assert PLANTED_ROW.startswith(f"{order_id},")
            yield PLANTED_ROW
            continue
        customer = rng.choice(CUSTOMERS)
        sku, price = rng.choice(SKUS)
        qty = rng.randint(1, 20)
        currency = rng.choices(CURRENCIES, CURRENCY_WEIGHTS)[0]
        yield f"{order_id},{customer},{sku},{qty},{price:.2f},{currency}"


def main():
    root = pathlib.Path(__file__).resolve().parents[2]
    out = root / "src/main/resources/examples"
    out.mkdir(parents=True, exist_ok=True)

    lines = list(rows(random.Random(SEED)))
    assert len(lines) == ROWS
    assert [i for i, row in enumerate(lines) if '"' in row] == [PLANTED_LINE - 1]

    with open(out / "orders.ndjson", "w", encoding="utf-8", newline="\n") as f:
        for row in lines:
            f.write(json.dumps({"row": row}, ensure_ascii=False) + "\n")
    with open(out / "rates.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(RATES, indent=2) + "\n")
    print(f"wrote {len(lines)} rows to {out / 'orders.ndjson'} and {out / 'rates.json'}")


if __name__ == "__main__":
    main()
