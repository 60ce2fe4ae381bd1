/*
 * sum-totals: [order, ...] -> {"count", "totalEur", "byCurrency": {...}}, with
 * "reportCurrency" echoed from the CURRENCY environment variable when set.
 *
 * Totals are summed in whole cents so that 3000 additions do not drift.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

typedef struct {
    const char *currency;
    long long count;
    long long cents;
} Bucket;

static long long to_cents(double amount) { return llround(json_round2(amount) * 100.0); }

static int by_currency(const void *a, const void *b)
{
    return strcmp(((const Bucket *)a)->currency, ((const Bucket *)b)->currency);
}

int main(void)
{
    JValue *orders = json_read_stdin();
    if (!json_is(orders, J_ARRAY))
        json_fail(JSON_EXIT_BAD_INPUT, "input must be a JSON array of orders");

    Bucket *buckets = json_alloc((orders->count + 1) * sizeof *buckets);
    size_t nbuckets = 0;
    long long cents = 0;

    for (size_t i = 0; i < orders->count; i++) {
        JValue *order = orders->items[i];
        JValue *total = json_get(order, "totalEur");
        const char *currency = json_get_string(order, "currency");
        if (!json_is(total, J_NUMBER) || !isfinite(total->number) || !currency)
            json_fail(JSON_EXIT_BAD_INPUT,
                      "order at index %zu needs a numeric \"totalEur\" and a string \"currency\"",
                      i);

        long long c = to_cents(total->number);
        cents += c;

        size_t b = 0;
        while (b < nbuckets && strcmp(buckets[b].currency, currency) != 0)
            b++;
        if (b == nbuckets)
            buckets[nbuckets++] = (Bucket){currency, 0, 0};
        buckets[b].count++;
        buckets[b].cents += c;
    }
    qsort(buckets, nbuckets, sizeof *buckets, by_currency);

    JValue *by = json_object();
    for (size_t b = 0; b < nbuckets; b++) {
        JValue *entry = json_object();
        json_set(entry, "count", json_int(buckets[b].count));
        json_set(entry, "totalEur", json_money(buckets[b].cents / 100.0));
        json_set(by, buckets[b].currency, entry);
    }

    JValue *result = json_object();
    json_set(result, "count", json_int((long long)orders->count));
    json_set(result, "totalEur", json_money(cents / 100.0));
    json_set(result, "byCurrency", by);
    const char *report = getenv("CURRENCY");
    if (report)
        json_set(result, "reportCurrency", json_string(report));
    json_output(result);
    return 0;
}
