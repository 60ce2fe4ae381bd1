/*
 * extism-wasi: an Extism plug-in that also imports WASI (built with wasi-libc as
 * a reactor, so it exports _initialize). It shows that a plug-in sees the same
 * sandbox as a wasi function: its stderr joins the logs, and the clock, the
 * random bytes and the environment are the execution's recorded ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extism.h"

static char out[512];

__attribute__((export_name("run"))) int32_t run(void)
{
    fprintf(stderr, "hello from stderr\n");
    fflush(stderr);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    unsigned int random = 0;
    getentropy(&random, sizeof random);
    const char *step = getenv("TAPROOT_STEP");
    const char *home = getenv("HOME");
    int n = snprintf(out, sizeof out,
                     "{\"seconds\":%lld,\"random\":%u,\"step\":\"%s\",\"home\":%s}",
                     (long long)now.tv_sec, random, step ? step : "", home ? "\"set\"" : "null");
    ExtismPointer p = extism_alloc((uint64_t)n);
    for (int i = 0; i < n; i++)
        extism_store_u8(p + (uint64_t)i, (uint8_t)out[i]);
    extism_output_set(p, (uint64_t)n);
    return 0;
}
