package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.definition.Contract;
import java.util.List;

/**
 * A workflow's {@code input.schema} checked on an x-ndjson upload one record at a time: each record
 * is checked as the only element of {@code {"records": [record]}}, so that {@code $ref}s and every
 * constraint on a record or on the object still apply. Constraints on the list as a whole ({@code
 * minItems}, {@code maxItems}, {@code contains}, {@code uniqueItems}) cannot be judged from one
 * record and are left out (docs/spec-changes.md).
 */
final class RecordSchema {
  private static final List<String> WHOLE_LIST =
      List.of("minItems", "maxItems", "contains", "minContains", "maxContains", "uniqueItems");

  private final Contract perRecord;
  private final String workflow;
  private final int version;

  private RecordSchema(Contract perRecord, String workflow, int version) {
    this.perRecord = perRecord;
    this.workflow = workflow;
    this.version = version;
  }

  /** The per-record check of {@code schema}; checks nothing when the workflow has no schema. */
  static RecordSchema of(Contract schema, String workflow, int version) {
    if (schema == null) {
      return new RecordSchema(null, workflow, version);
    }
    JsonNode copy = schema.schema();
    JsonNode records = copy.path("properties").path("records");
    if (records instanceof ObjectNode list) {
      list.remove(WHOLE_LIST);
    }
    return new RecordSchema(Contract.compile(copy), workflow, version);
  }

  /**
   * @throws InputSchemaViolationException naming the line when the record breaks the schema
   */
  void check(long line, JsonNode record) {
    if (perRecord == null) {
      return;
    }
    ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
    wrapped.putArray("records").add(record);
    List<String> violations = perRecord.violations(wrapped);
    if (!violations.isEmpty()) {
      String at = "$.records[" + (line - 1) + "]";
      throw new InputSchemaViolationException(
          workflow,
          version,
          line,
          violations.stream().map(v -> v.replace("$.records[0]", at)).toList());
    }
  }
}
