package dev.taproot.checkpoint;

/** The module an attempt ran: its {@code name@version} and the sha-256 of its bytes. */
public record FunctionUsed(String ref, String digest) {}
