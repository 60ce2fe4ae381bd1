/* Allocates and touches 1 MiB blocks until malloc fails, then aborts, as a
 * Rust or C program does on out-of-memory. The abort is a trap; Taproot must
 * report it as MEMORY_LIMIT because memory.grow was refused at the limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block { struct block *next; char bytes[1 << 20]; };

int main(void) {
    struct block *head = NULL;
    for (;;) {
        struct block *b = malloc(sizeof *b);
        if (b == NULL) {
            fputs("membomb: out of memory\n", stderr);
            abort();
        }
        memset(b->bytes, 0xAB, sizeof b->bytes);
        b->next = head;
        head = b;
    }
}
