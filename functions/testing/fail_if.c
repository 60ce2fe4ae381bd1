/* fail-if: exits 2 when the input object has "fail": true, else echoes it. */
#include "json.h"

int main(void)
{
    JValue *input = json_read_stdin();
    JValue *fail = json_get(input, "fail");
    if (json_is(fail, J_BOOL) && fail->boolean)
        json_fail(2, "item asked to fail");
    json_output(input);
    return 0;
}
