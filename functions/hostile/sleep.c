/* Sleeps for a minute in poll_oneoff: a timeout must stop it even though it
 * is blocked in a host call rather than running guest code. */
#include <unistd.h>

int main(void) {
    sleep(60);
    return 0;
}
