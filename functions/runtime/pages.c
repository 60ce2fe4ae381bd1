/*
 * Benchmark guest for instance set-up: the same small program built with 2, 18 and 256 pages of
 * initial linear memory (see build.sh), so that the runtime's cost per execution can be compared
 * across memory sizes while the guest's own work stays the same. It reads all of stdin, sorts
 * 512 pseudo-random integers on the heap (memory traffic the runtime must not slow down), and
 * prints {"bytes": <stdin length>, "checksum": <sorted digest>}.
 */
#include <stdio.h>
#include <stdlib.h>

#define COUNT 512

static int compare(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return (x > y) - (x < y);
}

int main(void) {
  char buffer[4096];
  size_t bytes = 0, n;
  unsigned seed = 2166136261u;
  while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
    for (size_t i = 0; i < n; i++) {
      seed = (seed ^ (unsigned char)buffer[i]) * 16777619u;
    }
    bytes += n;
  }
  unsigned *values = malloc(COUNT * sizeof *values);
  if (values == NULL) {
    fputs("out of memory\n", stderr);
    return 3;
  }
  for (int i = 0; i < COUNT; i++) {
    seed = seed * 1103515245u + 12345u;
    values[i] = seed;
  }
  qsort(values, COUNT, sizeof *values, compare);
  unsigned checksum = 0;
  for (int i = 0; i < COUNT; i++) {
    checksum = checksum * 31u + values[i];
  }
  free(values);
  printf("{\"bytes\":%zu,\"checksum\":%u}\n", bytes, checksum);
  return 0;
}
