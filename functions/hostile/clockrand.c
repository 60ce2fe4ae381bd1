/* Prints what the host lets a guest observe of time and randomness. With the
 * same recorded clock and seed, two executions must print identical bytes. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long nanos(clockid_t clock) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
    unsigned char bytes[16];
    long long realtime = nanos(CLOCK_REALTIME);
    long long monotonic = nanos(CLOCK_MONOTONIC);
    long long realtime2 = nanos(CLOCK_REALTIME);
    if (getentropy(bytes, sizeof bytes) != 0) return 2;
    printf("{\"realtime\": %lld, \"monotonic\": %lld, \"realtime2\": %lld, \"random\": \"",
           realtime, monotonic, realtime2);
    for (size_t i = 0; i < sizeof bytes; i++) printf("%02x", bytes[i]);
    printf("\"}\n");
    return 0;
}
