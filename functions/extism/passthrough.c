/*
 * passthrough: a wasi command that copies stdin to stdout unchanged, the same
 * logic as extism-kit's echo export. The benchmark (bench/extism.sh) runs the
 * two side by side to compare the ABIs' per-execution cost.
 */
#include <unistd.h>

static char buffer[64 * 1024];

int main(void)
{
    for (;;) {
        ssize_t n = read(0, buffer, sizeof buffer);
        if (n <= 0)
            return n < 0 ? 3 : 0;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(1, buffer + done, (size_t)(n - done));
            if (w <= 0)
                return 3;
            done += w;
        }
    }
}
