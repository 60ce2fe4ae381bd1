package dev.taproot.definition;

import dev.taproot.error.NotFoundException;

/** A workflow name or version that was never submitted. */
public final class UnknownWorkflowException extends NotFoundException {
  public UnknownWorkflowException(String name) {
    super("no workflow '" + name + "' has been submitted; submit one with POST /api/v1/workflows");
  }

  public UnknownWorkflowException(String name, int version, int latest) {
    super("workflow '" + name + "' has no version " + version + " (latest is " + latest + ")");
  }
}
