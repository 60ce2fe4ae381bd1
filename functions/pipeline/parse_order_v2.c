/*
 * parse-order v2: {"row": "<csv line>"} -> order object.
 *
 * The fix for v1: fields follow RFC 4180 (a quoted field may hold commas and
 * doubled quotes) and numbers are strict, so a bad row fails here, at the step
 * that reads it, instead of two steps downstream.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define FIELDS 6
#define MAX_FIELDS 64

typedef struct {
    char *text;
    size_t len;
} Field;

/* Splits row into fields; returns the field count, or -1 after a message. */
static int split_csv(const char *row, size_t len, Field *out, int max)
{
    /* One trailing record terminator belongs to the line, not to the data. */
    if (len > 0 && row[len - 1] == '\n')
        len--;
    if (len > 0 && row[len - 1] == '\r')
        len--;

    /* Decoded text never exceeds the row, plus one NUL per field. */
    char *store = json_alloc(2 * len + 2);
    int n = 0;
    size_t i = 0;
    for (;;) {
        char *text = store;
        size_t flen = 0;
        int number = n + 1;

        if (i < len && row[i] == '"') {
            i++;
            for (;;) {
                if (i >= len)
                    json_fail(1, "field %d: unterminated quoted field", number);
                if (row[i] == '"') {
                    if (i + 1 < len && row[i + 1] == '"') {
                        text[flen++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                text[flen++] = row[i++];
            }
            if (i < len && row[i] != ',')
                json_fail(1, "field %d: unexpected text after closing quote", number);
        } else {
            while (i < len && row[i] != ',') {
                if (row[i] == '"')
                    json_fail(1, "field %d: quote inside an unquoted field", number);
                text[flen++] = row[i++];
            }
        }
        text[flen] = '\0';
        store += flen + 1;
        if (n < max)
            out[n] = (Field){text, flen};
        n++;

        if (i >= len)
            return n;
        i++; /* the comma */
    }
}

/* The field as a JSON string, so that odd bytes show up readably in the log. */
static char *quoted(Field f)
{
    return json_stringify(json_string_n(f.text, f.len));
}

static bool all_digits(Field f)
{
    if (f.len == 0)
        return false;
    for (size_t i = 0; i < f.len; i++)
        if (f.text[i] < '0' || f.text[i] > '9')
            return false;
    return true;
}

static long parse_qty(Field f)
{
    errno = 0;
    long qty = all_digits(f) ? strtol(f.text, NULL, 10) : -1;
    if (qty < 0 || errno == ERANGE || qty > INT_MAX)
        json_fail(1, "field qty: expected an integer >= 0, got %s", quoted(f));
    return qty;
}

/* A plain decimal: optional minus, digits, optional fraction. */
static double parse_price(Field f)
{
    const char *s = f.text;
    const char *p = s;
    if (*p == '-')
        p++;
    const char *digits = p;
    while (*p >= '0' && *p <= '9')
        p++;
    bool ok = p > digits;
    if (ok && *p == '.') {
        const char *fraction = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        ok = p > fraction;
    }
    if (!ok || p != s + f.len)
        json_fail(1, "field unit_price: expected a decimal number, got %s", quoted(f));
    return strtod(s, NULL);
}

int main(void)
{
    JValue *input = json_read_stdin();
    JValue *row = json_get(input, "row");
    if (!json_is(row, J_STRING))
        json_fail(JSON_EXIT_BAD_INPUT, "input must be an object with a string field \"row\"");

    Field f[MAX_FIELDS];
    int n = split_csv(row->string, row->length, f, MAX_FIELDS);
    if (n != FIELDS)
        json_fail(1, "row has %d fields, expected %d", n, FIELDS);

    JValue *order = json_object();
    json_set(order, "id", json_string_n(f[0].text, f[0].len));
    json_set(order, "customer", json_string_n(f[1].text, f[1].len));
    json_set(order, "sku", json_string_n(f[2].text, f[2].len));
    json_set(order, "qty", json_int(parse_qty(f[3])));
    json_set(order, "unitPrice", json_number(parse_price(f[4])));
    json_set(order, "currency", json_string_n(f[5].text, f[5].len));
    json_output(order);
    return 0;
}
