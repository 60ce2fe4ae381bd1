/*
 * Minimal JSON tree reader/writer for Taproot "wasi" guest functions.
 *
 * A function reads its whole input with json_read_stdin(), looks values up,
 * builds an output tree and prints it with json_output(). Nothing is ever
 * freed: every module is a short-lived process with a fresh instance.
 *
 * Exit codes used by this library (functions add 1 for a rejected record):
 *   2  the input is not valid JSON or not the shape the function expects
 *   3  out of memory or an I/O error on stdin/stdout
 */
#ifndef TAPROOT_JSON_H
#define TAPROOT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_EXIT_BAD_INPUT 2
#define JSON_EXIT_IO 3

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } JType;

typedef struct JValue JValue;

typedef struct {
    char *key;
    size_t key_len;
    JValue *value;
} JMember;

struct JValue {
    JType type;
    bool boolean;
    double number;
    bool is_int;         /* number is an integer that fits in long long */
    long long integer;   /* valid when is_int */
    char *raw;           /* number text as parsed (echoed verbatim), or NULL */
    int decimals;        /* >= 0: print with exactly this many decimals */
    char *string;        /* NUL-terminated; may also contain NULs (see length) */
    size_t length;
    size_t count;        /* array items or object members */
    size_t capacity;
    JValue **items;
    JMember *members;
};

/* Growable output buffer. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} JBuf;

/* Parsing. json_parse returns NULL and fills err on malformed text. */
JValue *json_parse(const char *text, size_t len, char *err, size_t err_size);
/* Reads all of stdin and parses it; exits 2 with a message if malformed. */
JValue *json_read_stdin(void);

/* Lookup. json_get returns the last member named key, or NULL. */
JValue *json_get(const JValue *obj, const char *key);
bool json_is(const JValue *v, JType type);
/* The string value of obj[key], or NULL if missing or not a string. */
const char *json_get_string(const JValue *obj, const char *key);

/* Construction. */
JValue *json_null(void);
JValue *json_bool(bool b);
JValue *json_number(double d);
JValue *json_int(long long n);
JValue *json_money(double amount); /* rounded to cents, printed as 0.00 */
JValue *json_string(const char *s);
JValue *json_string_n(const char *s, size_t len);
JValue *json_array(void);
JValue *json_object(void);
void json_push(JValue *array, JValue *item);
/* Replaces the value of an existing member named key, else appends one. */
void json_set(JValue *obj, const char *key, JValue *value);

/* Writing. */
void json_write(JBuf *out, const JValue *v);
char *json_stringify(const JValue *v);
/* Prints v and a newline to stdout; exits 3 if stdout cannot be written. */
void json_output(const JValue *v);

/* Helpers shared by the functions. */
double json_round2(double x);
_Noreturn void json_fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void *json_alloc(size_t size);

#endif
