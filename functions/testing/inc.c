/* inc: {"n": x} -> {"n": x + 1}, integers only. */
#include "json.h"

int main(void)
{
    JValue *n = json_get(json_read_stdin(), "n");
    if (!json_is(n, J_NUMBER) || !n->is_int)
        json_fail(JSON_EXIT_BAD_INPUT, "input must be an object with an integer field \"n\"");

    long long result;
    if (__builtin_add_overflow(n->integer, 1LL, &result))
        json_fail(1, "n + 1 overflows a 64-bit integer");

    JValue *out = json_object();
    json_set(out, "n", json_int(result));
    json_output(out);
    return 0;
}
