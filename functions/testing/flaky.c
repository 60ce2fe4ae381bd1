/*
 * flaky: fails while TAPROOT_ATTEMPT (default 1) is below SUCCEED_ON_ATTEMPT
 * (default 3), then echoes its input. For testing retries and redrives.
 */
#include <errno.h>
#include <stdlib.h>

#include "json.h"

static long env_int(const char *name, long fallback)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return fallback;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno)
        json_fail(JSON_EXIT_BAD_INPUT, "%s is not an integer: \"%s\"", name, s);
    return v;
}

int main(void)
{
    JValue *input = json_read_stdin();
    long attempt = env_int("TAPROOT_ATTEMPT", 1);
    long succeed_on = env_int("SUCCEED_ON_ATTEMPT", 3);
    if (attempt < succeed_on)
        json_fail(1, "attempt %ld fails on purpose", attempt);
    json_output(input);
    return 0;
}
