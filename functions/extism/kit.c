/*
 * extism-kit: a C Extism plug-in written against the kernel imports alone (no
 * PDK, no libc), one export per edge case the runtime tests need. Every export
 * takes the step input as bytes; where it needs a parameter the input is a JSON
 * number or string, read without a JSON library.
 */
#include "extism.h"

#define EXPORT(name) __attribute__((export_name(name)))

static uint64_t text_length(const char *s)
{
    uint64_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Copies plug-in memory into a new kernel block; u64 stores while 8 bytes are left. */
static ExtismPointer kernel_copy(const char *bytes, uint64_t n)
{
    ExtismPointer p = extism_alloc(n);
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word = 0;
        for (int b = 7; b >= 0; b--)
            word = (word << 8) | (uint8_t)bytes[i + b];
        extism_store_u64(p + i, word);
    }
    for (; i < n; i++)
        extism_store_u8(p + i, (uint8_t)bytes[i]);
    return p;
}

static ExtismPointer kernel_text(const char *s) { return kernel_copy(s, text_length(s)); }

static void output_text(const char *s)
{
    uint64_t n = text_length(s);
    extism_output_set(kernel_copy(s, n), n);
}

/* A small output buffer in plug-in memory. */
static char out[4096];
static uint64_t out_len;

static void put(const char *s)
{
    while (*s && out_len < sizeof out - 1)
        out[out_len++] = *s++;
    out[out_len] = 0;
}

static void put_u64(uint64_t v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    char s[2] = {0, 0};
    while (n)
        s[0] = digits[--n], put(s);
}

static void put_i64(int64_t v)
{
    if (v < 0) {
        put("-");
        put_u64((uint64_t)(-v));
    } else {
        put_u64((uint64_t)v);
    }
}

/* Reads the input (a JSON number) as an unsigned integer; stops at the first non-digit. */
static uint64_t input_number(void)
{
    uint64_t n = extism_input_length(), v = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t c = extism_input_load_u8(i);
        if (c < '0' || c > '9')
            break;
        v = v * 10 + (c - '0');
    }
    return v;
}

/* Reads the input (a JSON string without escapes) into buf, without the quotes. */
static void input_string(char *buf, uint64_t cap)
{
    uint64_t n = extism_input_length(), k = 0;
    for (uint64_t i = 0; i < n && k < cap - 1; i++) {
        uint32_t c = extism_input_load_u8(i);
        if (c != '"')
            buf[k++] = (char)c;
    }
    buf[k] = 0;
}

/* Writes a kernel block into the output buffer as a JSON string (escaping " and \). */
static void put_block_string(ExtismPointer p)
{
    put("\"");
    uint64_t n = extism_length(p);
    for (uint64_t i = 0; i < n; i++) {
        char c[2] = {(char)extism_load_u8(p + i), 0};
        if (c[0] == '"' || c[0] == '\\')
            put("\\");
        put(c);
    }
    put("\"");
}

/* echo: the input, copied into a new block 8 bytes at a time. */
EXPORT("echo") int32_t echo(void)
{
    uint64_t n = extism_input_length();
    ExtismPointer p = extism_alloc(n);
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8)
        extism_store_u64(p + i, extism_input_load_u64(i));
    for (; i < n; i++)
        extism_store_u8(p + i, extism_input_load_u8(i));
    extism_output_set(p, n);
    return 0;
}

/* run: the default export; the input's own block handed back as the output. */
EXPORT("run") int32_t run(void)
{
    ExtismPointer input = extism_input_offset();
    extism_output_set(input, extism_length(input));
    return 0;
}

/* config: input "NAME" -> {"name": "NAME", "value": <the alias's env value or null>}. */
EXPORT("config") int32_t config(void)
{
    char name[128];
    input_string(name, sizeof name);
    ExtismPointer value = extism_config_get(kernel_text(name));
    put("{\"name\":\"");
    put(name);
    put("\",\"value\":");
    if (value == 0)
        put("null");
    else
        put_block_string(value);
    put("}");
    output_text(out);
    return 0;
}

/* vars: counts in a var; an execution starts with none, so "before" is always null. */
EXPORT("vars") int32_t vars(void)
{
    ExtismPointer key = kernel_text("count");
    ExtismPointer before = extism_var_get(key);
    uint64_t count = 0;
    for (int i = 0; i < 3; i++) {
        ExtismPointer current = extism_var_get(key);
        count = current == 0 ? 0 : extism_load_u64(current);
        ExtismPointer next = extism_alloc(8);
        extism_store_u64(next, count + 1);
        extism_var_set(key, next);
    }
    count = extism_load_u64(extism_var_get(key));
    extism_var_set(key, 0);
    ExtismPointer removed = extism_var_get(key);
    put("{\"before\":");
    put(before == 0 ? "null" : "\"set\"");
    put(",\"count\":");
    put_u64(count);
    put(",\"removed\":");
    put(removed == 0 ? "true" : "false");
    put("}");
    output_text(out);
    return 0;
}

/* logs: one line per level, and the level the host asks for. */
EXPORT("logs") int32_t logs(void)
{
    extism_log_trace(kernel_text("a trace line"));
    extism_log_debug(kernel_text("a debug line"));
    extism_log_info(kernel_text("an info line"));
    extism_log_warn(kernel_text("a warn line"));
    extism_log_error(kernel_text("an error line"));
    put("{\"level\":");
    put_i64(extism_get_log_level());
    put("}");
    output_text(out);
    return 0;
}

/* fail: error_set and a non-zero return, as PDKs report a failure. */
EXPORT("fail") int32_t fail(void)
{
    extism_log_error(kernel_text("about to fail"));
    extism_error_set(kernel_text("the order is not valid: qty must be >= 1"));
    return 1;
}

/* error_only: error_set, then return 0 anyway. */
EXPORT("error_only") int32_t error_only(void)
{
    output_text("{\"ignored\":true}");
    extism_error_set(kernel_text("error set but 0 returned"));
    return 0;
}

/* nonzero: returns 7 without saying why. */
EXPORT("nonzero") int32_t nonzero(void) { return 7; }

/* huge: an output of N bytes (N the input), a JSON string of 'x'. */
EXPORT("huge") int32_t huge(void)
{
    uint64_t n = input_number();
    if (n < 2)
        n = 2;
    ExtismPointer p = extism_alloc(n);
    uint64_t x8 = 0x7878787878787878ULL;
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8)
        extism_store_u64(p + i, x8);
    for (; i < n; i++)
        extism_store_u8(p + i, 'x');
    extism_store_u8(p, '"');
    extism_store_u8(p + n - 1, '"');
    extism_output_set(p, n);
    return 0;
}

/* bomb: kernel blocks of 1 MiB until alloc says no (0), then a store through it traps. */
EXPORT("bomb") int32_t bomb(void)
{
    for (;;) {
        ExtismPointer p = extism_alloc(1 << 20);
        extism_store_u64(p, 1);
    }
}

/* grow: linear memory grown a page at a time until refused, then a trap. */
EXPORT("grow") int32_t grow(void)
{
    for (;;)
        if (__builtin_wasm_memory_grow(0, 1) == (__SIZE_TYPE__)-1)
            __builtin_trap();
}

/* spin: never returns. */
EXPORT("spin") int32_t spin(void)
{
    volatile uint64_t n = 0;
    for (;;)
        n++;
}

/* http: asks for the network, which Taproot denies. */
EXPORT("http") int32_t http(void)
{
    ExtismPointer request = kernel_text("{\"url\":\"https://example.com/\",\"method\":\"GET\"}");
    ExtismPointer body = extism_http_request(request, 0);
    put("{\"status\":");
    put_i64(extism_http_status_code());
    put(",\"body\":");
    put_u64(body);
    put("}");
    output_text(out);
    return 0;
}

/* http_status, http_headers: the other network calls, denied as well. */
EXPORT("http_status") int32_t http_status(void) { return extism_http_status_code(); }
EXPORT("http_headers") int32_t http_headers(void) { return (int32_t)extism_http_headers(); }

/*
 * reinput: the kernel calls the host side uses (input_set, output_offset,
 * output_length), from the plug-in: a new block becomes the input, is echoed,
 * and the output's offset and length are reported back through a second output.
 */
EXPORT("reinput") int32_t reinput(void)
{
    ExtismPointer fresh = kernel_text("{\"re\":1}");
    extism_input_set(fresh, extism_length(fresh));
    uint64_t n = extism_input_length();
    ExtismPointer copy = extism_alloc(n);
    for (uint64_t i = 0; i < n; i++)
        extism_store_u8(copy + i, extism_input_load_u8(i));
    extism_output_set(copy, n);
    int same = extism_output_offset() == copy && extism_output_length() == n;
    put("{\"input\":");
    for (uint64_t i = 0; i < n; i++) {
        char c[2] = {(char)extism_load_u8(extism_output_offset() + i), 0};
        put(c);
    }
    put(",\"outputCallsAgree\":");
    put(same ? "true" : "false");
    put("}");
    output_text(out);
    return 0;
}

/* kernel: alloc, free, length, load and store, error_get, memory_bytes and reset, reported. */
EXPORT("kernel") int32_t kernel(void)
{
    ExtismPointer input = extism_input_offset();
    uint64_t input_length = extism_input_length();
    ExtismPointer a = extism_alloc(16);
    ExtismPointer b = extism_alloc(3);
    extism_store_u64(a, 0x0102030405060708ULL);
    extism_store_u8(a + 8, 0xfe);
    extism_store_u8(b + 2, 'z');
    uint64_t word = extism_load_u64(a);
    uint32_t byte = extism_load_u8(a + 8);
    uint32_t last = extism_load_u8(b + 2);
    uint64_t a_len = extism_length(a), b_len = extism_length_unsafe(b);
    uint64_t inner = extism_length(a + 1);
    extism_free(a);
    uint64_t freed = extism_length(a);
    ExtismPointer zero = extism_alloc(0);
    ExtismPointer err = kernel_text("oops");
    extism_error_set(err);
    int error_get_ok = extism_error_get() == err;
    extism_error_set(0);
    ExtismPointer cleared = extism_error_get();
    uint64_t bytes = extism_memory_bytes();
    put("{\"inputLength\":");
    put_u64(input_length);
    put(",\"inputBlockLength\":");
    put_u64(extism_length(input));
    put(",\"firstInputByte\":");
    put_u64(extism_load_u8(input));
    put(",\"word\":");
    put_u64(word);
    put(",\"byte\":");
    put_u64(byte);
    put(",\"last\":");
    put_u64(last);
    put(",\"length\":");
    put_u64(a_len);
    put(",\"lengthUnsafe\":");
    put_u64(b_len);
    put(",\"lengthInside\":");
    put_u64(inner);
    put(",\"lengthFreed\":");
    put_u64(freed);
    put(",\"allocZero\":");
    put_u64(zero);
    put(",\"errorGet\":");
    put(error_get_ok ? "true" : "false");
    put(",\"errorCleared\":");
    put_u64(cleared);
    put(",\"memoryBytesPositive\":");
    put(bytes > 0 ? "true" : "false");
    extism_reset();
    put(",\"inputLengthAfterReset\":");
    put_u64(extism_input_length());
    put("}");
    output_text(out);
    return 0;
}

/* loop: N rounds of alloc, store_u64, load_u64 and free, for the per-call overhead. */
EXPORT("loop") int32_t loop(void)
{
    uint64_t n = input_number(), sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        ExtismPointer p = extism_alloc(8);
        extism_store_u64(p, i);
        sum += extism_load_u64(p);
        extism_free(p);
    }
    put("{\"rounds\":");
    put_u64(n);
    put(",\"sum\":");
    put_u64(sum);
    put("}");
    output_text(out);
    return 0;
}

/* noreturn: a plug-in function of type () -> () is allowed; it succeeds when it returns. */
EXPORT("void_fn") void void_fn(void) { output_text("{\"void\":true}"); }
