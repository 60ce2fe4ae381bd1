/*
 * parse-order v1: {"row": "<csv line>"} -> order object.
 *
 * Deliberately naive, and kept that way as the "buggy" version of the
 * pipeline: it splits on every comma (no CSV quoting) and reads numbers the
 * lenient C way, so a quoted customer name that contains a comma shifts the
 * columns and turns qty into 0 without any error.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define FIELDS 6

int main(void)
{
    JValue *input = json_read_stdin();
    const char *row = json_get_string(input, "row");
    if (!row)
        json_fail(JSON_EXIT_BAD_INPUT, "input must be an object with a string field \"row\"");

    /* Split in place; a row with more than six fields silently loses the rest. */
    char *line = json_alloc(strlen(row) + 1);
    strcpy(line, row);
    char *field[FIELDS];
    int n = 0;
    for (char *p = line;;) {
        char *comma = strchr(p, ',');
        if (n < FIELDS)
            field[n] = p;
        n++;
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    if (n < FIELDS)
        json_fail(1, "row has %d fields, expected %d", n, FIELDS);

    double price = strtod(field[4], NULL);
    if (!isfinite(price))
        price = 0;

    JValue *order = json_object();
    json_set(order, "id", json_string(field[0]));
    json_set(order, "customer", json_string(field[1]));
    json_set(order, "sku", json_string(field[2]));
    json_set(order, "qty", json_int(strtol(field[3], NULL, 10)));
    json_set(order, "unitPrice", json_number(price));
    json_set(order, "currency", json_string(field[5]));
    json_output(order);
    return 0;
}
