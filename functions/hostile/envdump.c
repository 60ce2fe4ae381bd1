/* Prints its environment and arguments as JSON (values are assumed to need no
 * escaping), so tests can check that the guest sees exactly what the step declared. */
#include <stdio.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("{\"argc\": %d, \"argv0\": \"%s\", \"env\": {", argc, argc > 0 ? argv[0] : "");
    for (char **e = environ; *e != NULL; e++) {
        const char *eq = strchr(*e, '=');
        if (eq == NULL) continue;
        printf("%s\"%.*s\": \"%s\"", e == environ ? "" : ", ", (int)(eq - *e), *e, eq + 1);
    }
    printf("}}\n");
    return 0;
}
