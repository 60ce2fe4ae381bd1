/* add: {"a": {"n": x}, "b": {"n": y}} -> {"n": x + y}, integers only. */
#include "json.h"

static long long operand(const JValue *input, const char *name)
{
    JValue *n = json_get(json_get(input, name), "n");
    if (!json_is(n, J_NUMBER) || !n->is_int)
        json_fail(JSON_EXIT_BAD_INPUT, "input.%s must be an object with an integer field \"n\"",
                  name);
    return n->integer;
}

int main(void)
{
    JValue *input = json_read_stdin();
    long long a = operand(input, "a");
    long long b = operand(input, "b");

    long long sum;
    if (__builtin_add_overflow(a, b, &sum))
        json_fail(1, "a.n + b.n overflows a 64-bit integer");

    JValue *out = json_object();
    json_set(out, "n", json_int(sum));
    json_output(out);
    return 0;
}
