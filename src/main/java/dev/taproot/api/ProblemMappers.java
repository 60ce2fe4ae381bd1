package dev.taproot.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.taproot.checkpoint.RunStore;
import dev.taproot.definition.InvalidDefinitionException;
import dev.taproot.engine.InputSchemaViolationException;
import dev.taproot.engine.MalformedInputException;
import dev.taproot.error.BodyTooLargeException;
import dev.taproot.error.ConflictException;
import dev.taproot.error.InvalidParameterException;
import dev.taproot.error.NotFoundException;
import dev.taproot.function.FunctionNames;
import dev.taproot.function.InvalidFunctionModuleException;
import dev.taproot.function.ModuleTooLargeException;
import dev.taproot.lineage.ValueAssertion;
import dev.taproot.replay.ReplayPool;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every domain exception into an RFC 9457 problem whose detail says what to fix. */
public class ProblemMappers {

  @ServerExceptionMapper
  public Response invalidName(FunctionNames.InvalidNameException e) {
    return Problem.of(Status.BAD_REQUEST, e.getMessage()).toResponse();
  }

  @ServerExceptionMapper
  public Response badParameter(InvalidParameterException e) {
    return Problem.of(Status.BAD_REQUEST, e.getMessage())
        .with("parameter", e.parameter())
        .toResponse();
  }

  @ServerExceptionMapper
  public Response invalidModule(InvalidFunctionModuleException e) {
    return Problem.of(422, "Invalid module", e.getMessage())
        .with("function", e.function())
        .toResponse();
  }

  @ServerExceptionMapper
  public Response tooLarge(ModuleTooLargeException e) {
    return Problem.of(Status.REQUEST_ENTITY_TOO_LARGE, e.getMessage()).toResponse();
  }

  @ServerExceptionMapper
  public Response bodyTooLarge(BodyTooLargeException e) {
    return Problem.of(Status.REQUEST_ENTITY_TOO_LARGE, e.getMessage())
        .with("limit", e.max())
        .with("setting", e.setting())
        .toResponse();
  }

  @ServerExceptionMapper
  public Response replayBusy(ReplayPool.BusyException e) {
    return Response.fromResponse(Problem.of(429, "Too Many Requests", e.getMessage()).toResponse())
        .header("Retry-After", Math.max(1, e.retryAfter().toSeconds()))
        .build();
  }

  @ServerExceptionMapper
  public Response uploadTimeout(RunStore.UploadTimeoutException e) {
    return Problem.of(Status.REQUEST_TIMEOUT, e.getMessage()).toResponse();
  }

  @ServerExceptionMapper
  public Response notFound(NotFoundException e) {
    return Problem.of(Status.NOT_FOUND, e.getMessage()).toResponse();
  }

  @ServerExceptionMapper
  public Response conflict(ConflictException e) {
    return Problem.of(Status.CONFLICT, e.getMessage()).toResponse();
  }

  @ServerExceptionMapper
  public Response invalidDefinition(InvalidDefinitionException e) {
    return Problem.of(
            422,
            "Invalid workflow definition",
            e.errors().size() + " error(s) in the workflow definition; see errors")
        .with("errors", e.errors())
        .toResponse();
  }

  @ServerExceptionMapper
  public Response malformedInput(MalformedInputException e) {
    Problem p = Problem.of(Status.BAD_REQUEST, e.getMessage());
    return (e.line() == null ? p : p.with("line", e.line())).toResponse();
  }

  @ServerExceptionMapper
  public Response inputSchema(InputSchemaViolationException e) {
    Problem p =
        Problem.of(422, "Run input rejected", e.getMessage()).with("violations", e.violations());
    return (e.line() == null ? p : p.with("line", e.line())).toResponse();
  }

  @ServerExceptionMapper
  public Response invalidAssertion(ValueAssertion.InvalidAssertionException e) {
    return Problem.of(422, "Invalid assertion", e.getMessage()).toResponse();
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, UriInfo uri, Request request) {
    Response r = e.getResponse();
    String detail = e.getMessage();
    if (r.getStatus() == 404 && detail.startsWith("HTTP 404")) {
      detail =
          "no endpoint answers "
              + request.getMethod()
              + " /"
              + uri.getPath().replaceFirst("^/", "")
              + "; the API lives under /api/v1 (see README)";
    } else if (r.getStatus() == 400 && e.getCause() instanceof JsonProcessingException json) {
      JsonLocation at = json.getLocation();
      detail =
          "the request body is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
              + ": "
              + json.getOriginalMessage();
    }
    return Problem.of(r.getStatus(), r.getStatusInfo().getReasonPhrase(), detail).toResponse();
  }

  @ServerExceptionMapper(priority = 10_000)
  public Response unexpected(Throwable e) {
    String id = UUID.randomUUID().toString();
    Log.errorf(e, "internal error %s", id);
    return Problem.of(
            Status.INTERNAL_SERVER_ERROR,
            "internal error "
                + id
                + ": "
                + e
                + " (the server log has the stack trace under this id)")
        .toResponse();
  }
}
