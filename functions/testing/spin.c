/*
 * spin: if the input object has "spin": N, burns N loop iterations, then
 * echoes the input. For testing timeouts and parallelism.
 */
#include "json.h"

int main(void)
{
    JValue *input = json_read_stdin();
    JValue *spin = json_get(input, "spin");
    if (spin) {
        if (!json_is(spin, J_NUMBER) || !spin->is_int || spin->integer < 0)
            json_fail(JSON_EXIT_BAD_INPUT, "\"spin\" must be an integer >= 0");
        /* volatile, so that the optimizer cannot drop the loop */
        volatile unsigned long long counter = 0;
        for (long long i = 0; i < spin->integer; i++)
            counter++;
    }
    json_output(input);
    return 0;
}
