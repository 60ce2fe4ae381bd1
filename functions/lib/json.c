#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deep enough for any real payload, shallow enough for the guest stack. */
#define MAX_DEPTH 256

/* ---------------------------------------------------------------- helpers */

_Noreturn void json_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    exit(code);
}

void *json_alloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        json_fail(JSON_EXIT_IO, "out of memory");
    return p;
}

static void *json_realloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p)
        json_fail(JSON_EXIT_IO, "out of memory");
    return p;
}

static char *copy_bytes(const char *s, size_t len)
{
    char *c = json_alloc(len + 1);
    memcpy(c, s, len);
    c[len] = '\0';
    return c;
}

double json_round2(double x)
{
    /* x * 100 carries binary error (1.005 * 100 == 100.49999...); a nudge of a
       millionth of a cent rounds such halves away from zero, as people expect. */
    double cents = x * 100.0;
    return round(cents + copysign(1e-6, cents)) / 100.0;
}

/* ---------------------------------------------------------------- values */

static JValue *new_value(JType type)
{
    JValue *v = json_alloc(sizeof *v);
    v->type = type;
    v->decimals = -1;
    return v;
}

JValue *json_null(void) { return new_value(J_NULL); }

JValue *json_bool(bool b)
{
    JValue *v = new_value(J_BOOL);
    v->boolean = b;
    return v;
}

JValue *json_number(double d)
{
    JValue *v = new_value(J_NUMBER);
    v->number = d;
    return v;
}

JValue *json_int(long long n)
{
    JValue *v = new_value(J_NUMBER);
    v->number = (double)n;
    v->is_int = true;
    v->integer = n;
    return v;
}

JValue *json_money(double amount)
{
    JValue *v = json_number(json_round2(amount));
    v->decimals = 2;
    return v;
}

JValue *json_string_n(const char *s, size_t len)
{
    JValue *v = new_value(J_STRING);
    v->string = copy_bytes(s, len);
    v->length = len;
    return v;
}

JValue *json_string(const char *s) { return json_string_n(s, strlen(s)); }
JValue *json_array(void) { return new_value(J_ARRAY); }
JValue *json_object(void) { return new_value(J_OBJECT); }

static void grow(JValue *v)
{
    if (v->count < v->capacity)
        return;
    v->capacity = v->capacity ? v->capacity * 2 : 8;
    if (v->type == J_ARRAY)
        v->items = json_realloc(v->items, v->capacity * sizeof *v->items);
    else
        v->members = json_realloc(v->members, v->capacity * sizeof *v->members);
}

void json_push(JValue *array, JValue *item)
{
    grow(array);
    array->items[array->count++] = item;
}

static void add_member(JValue *obj, char *key, size_t key_len, JValue *value)
{
    grow(obj);
    obj->members[obj->count++] = (JMember){key, key_len, value};
}

static JMember *find_member(const JValue *obj, const char *key)
{
    if (!obj || obj->type != J_OBJECT)
        return NULL;
    size_t len = strlen(key);
    /* Last one wins on duplicate keys, like JavaScript and Jackson. */
    for (size_t i = obj->count; i-- > 0;) {
        JMember *m = &obj->members[i];
        if (m->key_len == len && memcmp(m->key, key, len) == 0)
            return m;
    }
    return NULL;
}

JValue *json_get(const JValue *obj, const char *key)
{
    JMember *m = find_member(obj, key);
    return m ? m->value : NULL;
}

bool json_is(const JValue *v, JType type) { return v && v->type == type; }

const char *json_get_string(const JValue *obj, const char *key)
{
    JValue *v = json_get(obj, key);
    return json_is(v, J_STRING) ? v->string : NULL;
}

void json_set(JValue *obj, const char *key, JValue *value)
{
    JMember *m = find_member(obj, key);
    if (m)
        m->value = value;
    else
        add_member(obj, copy_bytes(key, strlen(key)), strlen(key), value);
}

/* ---------------------------------------------------------------- parser */

typedef struct {
    const char *start;
    const char *p;
    const char *end;
    int depth;
    char *err;
    size_t err_size;
} Parser;

static JValue *syntax_error(Parser *ps, const char *what)
{
    int line = 1, column = 1;
    for (const char *c = ps->start; c < ps->p; c++) {
        if (*c == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    if (ps->p >= ps->end)
        snprintf(ps->err, ps->err_size, "%s at end of input (line %d, column %d)",
                 what, line, column);
    else
        snprintf(ps->err, ps->err_size, "%s at line %d, column %d", what, line, column);
    return NULL;
}

static void skip_whitespace(Parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool consume_literal(Parser *ps, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, lit, n) != 0)
        return false;
    ps->p += n;
    return true;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static JValue *parse_number(Parser *ps)
{
    const char *s = ps->p;
    bool integral = true;

    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '0') {
        ps->p++;
    } else if (ps->p < ps->end && is_digit(*ps->p)) {
        while (ps->p < ps->end && is_digit(*ps->p))
            ps->p++;
    } else {
        return syntax_error(ps, "invalid number");
    }
    if (ps->p < ps->end && *ps->p == '.') {
        integral = false;
        ps->p++;
        if (ps->p >= ps->end || !is_digit(*ps->p))
            return syntax_error(ps, "expected a digit after '.'");
        while (ps->p < ps->end && is_digit(*ps->p))
            ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        integral = false;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (ps->p >= ps->end || !is_digit(*ps->p))
            return syntax_error(ps, "expected a digit in exponent");
        while (ps->p < ps->end && is_digit(*ps->p))
            ps->p++;
    }

    JValue *v = new_value(J_NUMBER);
    v->raw = copy_bytes(s, (size_t)(ps->p - s));
    v->number = strtod(v->raw, NULL);
    if (integral) {
        errno = 0;
        long long n = strtoll(v->raw, NULL, 10);
        if (errno == 0) {
            v->is_int = true;
            v->integer = n;
        }
    }
    return v;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_hex4(Parser *ps, unsigned *out)
{
    if (ps->end - ps->p < 4)
        return false;
    unsigned u = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(ps->p[i]);
        if (h < 0)
            return false;
        u = u * 16 + (unsigned)h;
    }
    ps->p += 4;
    *out = u;
    return true;
}

static size_t encode_utf8(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), or 0. */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F; /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

/* Parses the string at ps->p (on the opening quote) into *out / *out_len. */
static bool parse_string_raw(Parser *ps, char **out, size_t *out_len)
{
    ps->p++; /* opening quote */

    /* Escapes only ever shrink, so the raw span bounds the decoded size. */
    const char *scan = ps->p;
    while (scan < ps->end && *scan != '"')
        scan += (*scan == '\\' && scan + 1 < ps->end) ? 2 : 1;
    if (scan >= ps->end) {
        syntax_error(ps, "unterminated string");
        return false;
    }

    char *buf = json_alloc((size_t)(scan - ps->p) + 1);
    size_t len = 0;

    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20) {
            syntax_error(ps, "control character in string");
            return false;
        }
        if (c >= 0x80) {
            size_t n = utf8_sequence((const unsigned char *)ps->p,
                                     (const unsigned char *)ps->end);
            if (n == 0) {
                syntax_error(ps, "invalid UTF-8 in string");
                return false;
            }
            memcpy(buf + len, ps->p, n);
            len += n;
            ps->p += n;
            continue;
        }
        if (c != '\\') {
            buf[len++] = (char)c;
            ps->p++;
            continue;
        }

        ps->p++; /* backslash */
        char e = *ps->p++;
        switch (e) {
        case '"': buf[len++] = '"'; break;
        case '\\': buf[len++] = '\\'; break;
        case '/': buf[len++] = '/'; break;
        case 'b': buf[len++] = '\b'; break;
        case 'f': buf[len++] = '\f'; break;
        case 'n': buf[len++] = '\n'; break;
        case 'r': buf[len++] = '\r'; break;
        case 't': buf[len++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!read_hex4(ps, &cp)) {
                syntax_error(ps, "invalid \\u escape");
                return false;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                syntax_error(ps, "unpaired low surrogate in \\u escape");
                return false;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned low;
                if (!consume_literal(ps, "\\u") || !read_hex4(ps, &low) ||
                    low < 0xDC00 || low > 0xDFFF) {
                    syntax_error(ps, "unpaired high surrogate in \\u escape");
                    return false;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            len += encode_utf8(cp, buf + len);
            break;
        }
        default:
            ps->p--;
            syntax_error(ps, "invalid escape in string");
            return false;
        }
    }
    ps->p++; /* closing quote */
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return true;
}

static JValue *parse_value(Parser *ps);

static JValue *parse_array(Parser *ps)
{
    JValue *arr = json_array();
    ps->p++; /* [ */
    skip_whitespace(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return arr;
    }
    for (;;) {
        JValue *item = parse_value(ps);
        if (!item)
            return NULL;
        json_push(arr, item);
        skip_whitespace(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return arr;
        }
        return syntax_error(ps, "expected ',' or ']'");
    }
}

static JValue *parse_object(Parser *ps)
{
    JValue *obj = json_object();
    ps->p++; /* { */
    skip_whitespace(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return obj;
    }
    for (;;) {
        skip_whitespace(ps);
        if (ps->p >= ps->end || *ps->p != '"')
            return syntax_error(ps, "expected a string key");
        char *key;
        size_t key_len;
        if (!parse_string_raw(ps, &key, &key_len))
            return NULL;
        skip_whitespace(ps);
        if (ps->p >= ps->end || *ps->p != ':')
            return syntax_error(ps, "expected ':'");
        ps->p++;
        JValue *value = parse_value(ps);
        if (!value)
            return NULL;
        add_member(obj, key, key_len, value);
        skip_whitespace(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return obj;
        }
        return syntax_error(ps, "expected ',' or '}'");
    }
}

static JValue *parse_value(Parser *ps)
{
    skip_whitespace(ps);
    if (ps->p >= ps->end)
        return syntax_error(ps, "expected a value");

    JValue *v = NULL;
    switch (*ps->p) {
    case '{':
    case '[':
        if (++ps->depth > MAX_DEPTH)
            return syntax_error(ps, "nesting too deep");
        v = *ps->p == '{' ? parse_object(ps) : parse_array(ps);
        ps->depth--;
        return v;
    case '"': {
        char *s;
        size_t len;
        if (!parse_string_raw(ps, &s, &len))
            return NULL;
        v = new_value(J_STRING);
        v->string = s;
        v->length = len;
        return v;
    }
    case 't':
        if (consume_literal(ps, "true"))
            return json_bool(true);
        break;
    case 'f':
        if (consume_literal(ps, "false"))
            return json_bool(false);
        break;
    case 'n':
        if (consume_literal(ps, "null"))
            return json_null();
        break;
    default:
        if (*ps->p == '-' || is_digit(*ps->p))
            return parse_number(ps);
        break;
    }
    return syntax_error(ps, "unexpected character");
}

JValue *json_parse(const char *text, size_t len, char *err, size_t err_size)
{
    Parser ps = {text, text, text + len, 0, err, err_size};

    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        ps.p += 3; /* a UTF-8 byte order mark may be ignored (RFC 8259 §8.1) */
    JValue *v = parse_value(&ps);
    if (!v)
        return NULL;
    skip_whitespace(&ps);
    if (ps.p != ps.end)
        return syntax_error(&ps, "unexpected text after the JSON value");
    return v;
}

JValue *json_read_stdin(void)
{
    size_t cap = 4096, len = 0;
    char *buf = json_alloc(cap);
    for (;;) {
        if (len == cap)
            buf = json_realloc(buf, cap *= 2);
        size_t n = fread(buf + len, 1, cap - len, stdin);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(stdin))
        json_fail(JSON_EXIT_IO, "cannot read stdin");

    char err[160];
    JValue *v = json_parse(buf, len, err, sizeof err);
    if (!v)
        json_fail(JSON_EXIT_BAD_INPUT, "invalid JSON input: %s", err);
    return v;
}

/* ---------------------------------------------------------------- writer */

static void buf_append(JBuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        b->data = json_realloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_puts(JBuf *b, const char *s) { buf_append(b, s, strlen(s)); }

static void write_string(JBuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    buf_puts(b, "\"");
    size_t plain = 0; /* start of the run of bytes that need no escaping */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                memcpy(u, "\\u00", 4);
                u[4] = hex[c >> 4];
                u[5] = hex[c & 15];
                u[6] = '\0';
                esc = u;
            }
        }
        if (esc) {
            buf_append(b, s + plain, i - plain);
            buf_puts(b, esc);
            plain = i + 1;
        }
    }
    buf_append(b, s + plain, len - plain);
    buf_puts(b, "\"");
}

static void write_number(JBuf *b, const JValue *v)
{
    char tmp[400];
    double d = v->number;

    if (v->raw) {
        buf_puts(b, v->raw);
        return;
    }
    if (v->is_int) {
        snprintf(tmp, sizeof tmp, "%lld", v->integer);
        buf_puts(b, tmp);
        return;
    }
    if (!isfinite(d)) {
        buf_puts(b, "null"); /* JSON has no NaN or Infinity */
        return;
    }
    if (d == 0)
        d = 0; /* no "-0" */
    if (v->decimals >= 0) {
        snprintf(tmp, sizeof tmp, "%.*f", v->decimals, d);
    } else if (d == floor(d) && fabs(d) < 9007199254740992.0) {
        snprintf(tmp, sizeof tmp, "%.0f", d);
    } else {
        /* Shortest of 15..17 significant digits that reads back exactly. */
        for (int precision = 15; precision <= 17; precision++) {
            snprintf(tmp, sizeof tmp, "%.*g", precision, d);
            if (strtod(tmp, NULL) == d)
                break;
        }
    }
    buf_puts(b, tmp);
}

void json_write(JBuf *b, const JValue *v)
{
    switch (v->type) {
    case J_NULL:
        buf_puts(b, "null");
        break;
    case J_BOOL:
        buf_puts(b, v->boolean ? "true" : "false");
        break;
    case J_NUMBER:
        write_number(b, v);
        break;
    case J_STRING:
        write_string(b, v->string, v->length);
        break;
    case J_ARRAY:
        buf_puts(b, "[");
        for (size_t i = 0; i < v->count; i++) {
            if (i)
                buf_puts(b, ",");
            json_write(b, v->items[i]);
        }
        buf_puts(b, "]");
        break;
    case J_OBJECT:
        buf_puts(b, "{");
        for (size_t i = 0; i < v->count; i++) {
            if (i)
                buf_puts(b, ",");
            write_string(b, v->members[i].key, v->members[i].key_len);
            buf_puts(b, ":");
            json_write(b, v->members[i].value);
        }
        buf_puts(b, "}");
        break;
    }
}

char *json_stringify(const JValue *v)
{
    JBuf b = {0};
    json_write(&b, v);
    return b.data;
}

void json_output(const JValue *v)
{
    JBuf b = {0};
    json_write(&b, v);
    buf_puts(&b, "\n");
    if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0)
        json_fail(JSON_EXIT_IO, "cannot write stdout");
}
