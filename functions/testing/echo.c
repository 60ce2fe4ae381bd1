/* echo: outputs its input unchanged (re-serialized, numbers kept verbatim). */
#include "json.h"

int main(void)
{
    json_output(json_read_stdin());
    return 0;
}
