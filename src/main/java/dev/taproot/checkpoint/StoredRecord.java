package dev.taproot.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A record of an x-ndjson upload as stored: its value and the digest of its canonical bytes (which
 * a checkpoint whose input is this record, byte for byte, points at instead of keeping it again).
 */
public record StoredRecord(JsonNode value, String digest) {}
