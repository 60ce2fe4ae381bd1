/*
 * The Extism kernel imports (module "extism:host/env"), declared from the
 * published ABI: every pointer is a u64 offset into the kernel's memory, which
 * the plug-in reaches only through these functions. Offset 0 means "none".
 */
#pragma once
#include <stdint.h>

typedef uint64_t ExtismPointer;

#define EXTISM_IMPORT(name) __attribute__((import_module("extism:host/env"), import_name(name)))

EXTISM_IMPORT("input_length") uint64_t extism_input_length(void);
EXTISM_IMPORT("input_offset") ExtismPointer extism_input_offset(void);
EXTISM_IMPORT("input_load_u8") uint32_t extism_input_load_u8(uint64_t offset);
EXTISM_IMPORT("input_load_u64") uint64_t extism_input_load_u64(uint64_t offset);
EXTISM_IMPORT("alloc") ExtismPointer extism_alloc(uint64_t length);
EXTISM_IMPORT("free") void extism_free(ExtismPointer p);
EXTISM_IMPORT("length") uint64_t extism_length(ExtismPointer p);
EXTISM_IMPORT("length_unsafe") uint64_t extism_length_unsafe(ExtismPointer p);
EXTISM_IMPORT("load_u8") uint32_t extism_load_u8(ExtismPointer p);
EXTISM_IMPORT("load_u64") uint64_t extism_load_u64(ExtismPointer p);
EXTISM_IMPORT("store_u8") void extism_store_u8(ExtismPointer p, uint32_t value);
EXTISM_IMPORT("store_u64") void extism_store_u64(ExtismPointer p, uint64_t value);
EXTISM_IMPORT("input_set") void extism_input_set(ExtismPointer p, uint64_t length);
EXTISM_IMPORT("output_set") void extism_output_set(ExtismPointer p, uint64_t length);
EXTISM_IMPORT("output_offset") ExtismPointer extism_output_offset(void);
EXTISM_IMPORT("output_length") uint64_t extism_output_length(void);
EXTISM_IMPORT("error_set") void extism_error_set(ExtismPointer p);
EXTISM_IMPORT("error_get") ExtismPointer extism_error_get(void);
EXTISM_IMPORT("config_get") ExtismPointer extism_config_get(ExtismPointer key);
EXTISM_IMPORT("var_get") ExtismPointer extism_var_get(ExtismPointer key);
EXTISM_IMPORT("var_set") void extism_var_set(ExtismPointer key, ExtismPointer value);
EXTISM_IMPORT("log_trace") void extism_log_trace(ExtismPointer message);
EXTISM_IMPORT("log_debug") void extism_log_debug(ExtismPointer message);
EXTISM_IMPORT("log_info") void extism_log_info(ExtismPointer message);
EXTISM_IMPORT("log_warn") void extism_log_warn(ExtismPointer message);
EXTISM_IMPORT("log_error") void extism_log_error(ExtismPointer message);
EXTISM_IMPORT("get_log_level") int32_t extism_get_log_level(void);
EXTISM_IMPORT("reset") void extism_reset(void);
EXTISM_IMPORT("memory_bytes") uint64_t extism_memory_bytes(void);
EXTISM_IMPORT("http_request") ExtismPointer extism_http_request(ExtismPointer request, ExtismPointer body);
EXTISM_IMPORT("http_status_code") int32_t extism_http_status_code(void);
EXTISM_IMPORT("http_headers") ExtismPointer extism_http_headers(void);
