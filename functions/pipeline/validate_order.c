/*
 * validate-order: an enriched order -> the same order plus "valid": true.
 *
 * Rules: qty is a whole number >= 1, currency is three uppercase ASCII
 * letters, totalEur > 0. Every violation is logged on its own line naming the
 * order id, the field and the bad value; any violation exits 1.
 */
#include <math.h>
#include <stdio.h>

#include "json.h"

static const char *order_id;
static int problems;

static void problem(const char *field, const char *rule, const JValue *value)
{
    if (value)
        fprintf(stderr, "order %s: %s must be %s, got %s\n", order_id, field, rule,
                json_stringify(value));
    else
        fprintf(stderr, "order %s: %s must be %s, but it is missing\n", order_id, field,
                rule);
    problems++;
}

static bool is_upper_code(const JValue *v)
{
    if (!json_is(v, J_STRING) || v->length != 3)
        return false;
    for (int i = 0; i < 3; i++)
        if (v->string[i] < 'A' || v->string[i] > 'Z')
            return false;
    return true;
}

int main(void)
{
    JValue *order = json_read_stdin();
    if (!json_is(order, J_OBJECT))
        json_fail(JSON_EXIT_BAD_INPUT, "input must be an order object");

    JValue *id = json_get(order, "id");
    order_id = json_is(id, J_STRING) ? id->string : id ? json_stringify(id) : "(no id)";

    JValue *qty = json_get(order, "qty");
    if (!json_is(qty, J_NUMBER) || !isfinite(qty->number) || qty->number != floor(qty->number))
        problem("qty", "a whole number >= 1", qty);
    else if (qty->number < 1)
        problem("qty", ">= 1", qty);

    JValue *currency = json_get(order, "currency");
    if (!is_upper_code(currency))
        problem("currency", "3 uppercase letters", currency);

    JValue *total = json_get(order, "totalEur");
    if (!json_is(total, J_NUMBER) || !isfinite(total->number) || !(total->number > 0))
        problem("totalEur", "> 0", total);

    if (problems)
        return 1;
    json_set(order, "valid", json_bool(true));
    json_output(order);
    return 0;
}
