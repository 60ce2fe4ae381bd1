/*
 * enrich-order: {"order": {...}, "rates": {"EUR": 1.0, ...}} -> the order with
 * "rate", "rateKnown" and "totalEur" (qty * unitPrice * rate, in cents).
 *
 * Lenient on purpose: it does not validate the order. Missing or non-numeric
 * qty/unitPrice count as 0 and an unknown currency gets rate 1.0, which is
 * exactly how a mis-parsed record slips through to the validation step.
 */
#include <math.h>

#include "json.h"

static double number_or_zero(const JValue *obj, const char *key)
{
    JValue *v = json_get(obj, key);
    return json_is(v, J_NUMBER) && isfinite(v->number) ? v->number : 0.0;
}

int main(void)
{
    JValue *input = json_read_stdin();
    JValue *order = json_get(input, "order");
    JValue *rates = json_get(input, "rates");
    if (!json_is(order, J_OBJECT) || !json_is(rates, J_OBJECT))
        json_fail(JSON_EXIT_BAD_INPUT,
                  "input must be an object with object fields \"order\" and \"rates\"");

    const char *currency = json_get_string(order, "currency");
    JValue *rate = currency ? json_get(rates, currency) : NULL;
    bool known = json_is(rate, J_NUMBER) && isfinite(rate->number);
    if (!known)
        rate = json_number(1.0);

    double total = number_or_zero(order, "qty") * number_or_zero(order, "unitPrice") *
                   rate->number;
    json_set(order, "rate", rate);
    json_set(order, "rateKnown", json_bool(known));
    json_set(order, "totalEur", json_money(total));
    json_output(order);
    return 0;
}
