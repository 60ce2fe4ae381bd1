package dev.taproot.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.definition.InvalidDefinitionException;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.engine.RedriveService;
import dev.taproot.engine.RunLoader;
import dev.taproot.engine.RunService;
import dev.taproot.error.ConflictException;
import dev.taproot.error.InvalidParameterException;
import dev.taproot.error.NotFoundException;
import dev.taproot.function.FunctionNames;
import dev.taproot.function.FunctionRegistry;
import dev.taproot.function.InvalidFunctionModuleException;
import dev.taproot.function.ModuleTooLargeException;
import dev.taproot.replay.ReplayService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The web UI: server-rendered pages over the same services as the JSON API, each at a stable URL.
 * This class only maps URLs and forms to the page builders and renders their templates.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
public class UiResource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunPages runPages;
  private final ItemPage itemPage;
  private final RedrivePage redrivePage;
  private final CatalogPages catalogPages;
  private final RunService runs;
  private final RunLoader loader;
  private final ReplayService replays;
  private final FunctionRegistry functions;
  private final WorkflowCatalog workflows;

  UiResource(
      RunPages runPages,
      ItemPage itemPage,
      RedrivePage redrivePage,
      CatalogPages catalogPages,
      RunService runs,
      RunLoader loader,
      ReplayService replays,
      FunctionRegistry functions,
      WorkflowCatalog workflows) {
    this.runPages = runPages;
    this.itemPage = itemPage;
    this.redrivePage = redrivePage;
    this.catalogPages = catalogPages;
    this.runs = runs;
    this.loader = loader;
    this.replays = replays;
    this.functions = functions;
    this.workflows = workflows;
  }

  @CheckedTemplate(basePath = "ui")
  static class Templates {
    static native TemplateInstance runs(RunPages.RunsView view);

    static native TemplateInstance runsTable(RunPages.RunsView view);

    static native TemplateInstance run(RunPages.RunView view);

    static native TemplateInstance runLive(RunPages.RunView view);

    static native TemplateInstance items(RunPages.ItemsView view);

    static native TemplateInstance item(ItemPage.ItemView view);

    static native TemplateInstance redrive(RedrivePage.ConfirmView view);

    static native TemplateInstance functions(CatalogPages.FunctionsView view);

    static native TemplateInstance workflows(CatalogPages.WorkflowsView view);

    static native TemplateInstance workflow(CatalogPages.WorkflowView view);

    static native TemplateInstance error(int status, String title, String message);
  }

  // --- runs -------------------------------------------------------------------------------------

  @GET
  public Response ui() {
    return seeOther("/ui/runs");
  }

  @GET
  @Path("runs")
  @Transactional
  public TemplateInstance runs(
      @QueryParam("workflow") String workflow,
      @QueryParam("status") String status,
      @QueryParam("page") String page) {
    return Templates.runs(runPages.runs(workflow, status, page(page)));
  }

  @GET
  @Path("runs/table")
  @Transactional
  public TemplateInstance runsTable(
      @QueryParam("workflow") String workflow,
      @QueryParam("status") String status,
      @QueryParam("page") String page) {
    return Templates.runsTable(runPages.runs(workflow, status, page(page)));
  }

  @GET
  @Path("runs/{id}")
  @Transactional
  public TemplateInstance run(@PathParam("id") String id, @QueryParam("notice") String notice) {
    return Templates.run(runPages.run(id, notice));
  }

  @GET
  @Path("runs/{id}/live")
  @Transactional
  public TemplateInstance runLive(@PathParam("id") String id) {
    return Templates.runLive(runPages.run(id, null));
  }

  @POST
  @Path("runs/{id}/cancel")
  public Response cancel(@PathParam("id") String id) {
    runs.cancel(id);
    return seeOther(Links.run(id) + Links.query("notice", "cancelled"));
  }

  @POST
  @Path("runs/{id}/resume")
  public Response resume(@PathParam("id") String id) {
    runs.resume(id);
    return seeOther(Links.run(id) + Links.query("notice", "resumed"));
  }

  @GET
  @Path("runs/{id}/steps/{step}/items")
  @Transactional
  public TemplateInstance items(
      @PathParam("id") String id,
      @PathParam("step") String step,
      @QueryParam("status") String status,
      @QueryParam("after") String after,
      @QueryParam("before") String before,
      @QueryParam("page") String page) {
    return Templates.items(
        runPages.items(
            id, step, status, order("after", after), order("before", before), page(page)));
  }

  // --- one item: lineage, origin search, replay -----------------------------------------------

  @GET
  @Path("runs/{id}/steps/{step}/items/{key}")
  @Transactional
  public TemplateInstance item(
      @PathParam("id") String id,
      @PathParam("step") String step,
      @PathParam("key") String key,
      @QueryParam("assert") String assertion) {
    return Templates.item(
        itemPage.view(id, step, key, new ItemPage.Asked(assertion, null, null, null, null)));
  }

  /** A dry run of the item (writes nothing), shown on the item page next to what was recorded. */
  @POST
  @Path("runs/{id}/steps/{step}/items/{key}/replay")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public TemplateInstance replay(
      @PathParam("id") String id,
      @PathParam("step") String step,
      @PathParam("key") String key,
      @RestForm("function") String function,
      @RestForm("input") String input) {
    String fn = function == null || function.isBlank() ? null : function.trim();
    ReplayService.Result result = null;
    String error = null;
    try {
      JsonNode edited = input == null || input.isBlank() ? null : JSON.readTree(input);
      result =
          replays.replay(
              QuarkusTransaction.requiringNew().call(() -> loader.run(id)), step, key, fn, edited);
    } catch (JsonProcessingException e) {
      error = "the edited input is not JSON: " + e.getOriginalMessage();
    } catch (NotFoundException | ConflictException | InvalidParameterException e) {
      error = e.getMessage();
    }
    ItemPage.Asked asked = new ItemPage.Asked(null, fn, input, result, error);
    return Templates.item(
        QuarkusTransaction.requiringNew().call(() -> itemPage.view(id, step, key, asked)));
  }

  // --- redrive
  // ------------------------------------------------------------------------------------

  @GET
  @Path("runs/{id}/redrive")
  @Transactional
  public TemplateInstance redriveConfirm(@PathParam("id") String id, @Context UriInfo uri) {
    return Templates.redrive(redrivePage.confirm(id, RedrivePage.Ask.of(uri.getQueryParameters())));
  }

  @POST
  @Path("runs/{id}/redrive")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response redrive(@PathParam("id") String id, MultivaluedMap<String, String> form) {
    RedriveService.Result result = redrivePage.redrive(id, RedrivePage.Ask.of(form));
    return seeOther(
        Links.run(id)
            + Links.query(
                "notice", "redrive started: " + result.executions() + " execution(s) run again"));
  }

  // --- functions and workflows
  // --------------------------------------------------------------------

  @GET
  @Path("functions")
  @Transactional
  public TemplateInstance functions() {
    return Templates.functions(catalogPages.functions(null, null));
  }

  @POST
  @Path("functions")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public Response upload(
      @RestForm("name") String name,
      @RestForm("abi") String abi,
      @RestForm("module") FileUpload module) {
    String message = null;
    String error = null;
    int status = 200;
    try {
      if (module == null || module.uploadedFile() == null) {
        throw new InvalidParameterException("module", "choose a .wasm file to upload");
      }
      byte[] bytes = Files.readAllBytes(module.uploadedFile());
      FunctionRegistry.Registration r =
          functions.register(name == null ? "" : name.trim(), abi == null ? "wasi" : abi, bytes);
      message =
          (r.created() ? "registered " : "already registered as ")
              + r.version().ref()
              + " ("
              + r.version().digest
              + ")";
    } catch (IOException e) {
      error = "the upload could not be read: " + e.getMessage();
      status = 400;
    } catch (InvalidParameterException
        | InvalidFunctionModuleException
        | ModuleTooLargeException
        | FunctionNames.InvalidNameException e) {
      error = e.getMessage();
      status = 422;
    }
    String m = message;
    String err = error;
    return Response.status(status)
        .entity(
            Templates.functions(
                QuarkusTransaction.requiringNew().call(() -> catalogPages.functions(m, err))))
        .type(MediaType.TEXT_HTML)
        .build();
  }

  @GET
  @Path("workflows")
  @Transactional
  public TemplateInstance workflows() {
    return Templates.workflows(catalogPages.workflows("", List.of()));
  }

  @POST
  @Path("workflows")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response submit(@RestForm("yaml") String yaml) {
    try {
      WorkflowCatalog.Submitted s = workflows.submit(yaml == null ? "" : yaml);
      return seeOther(Links.workflow(s.name(), s.version()));
    } catch (InvalidDefinitionException e) {
      return Response.status(422)
          .entity(
              Templates.workflows(
                  QuarkusTransaction.requiringNew()
                      .call(() -> catalogPages.workflows(yaml, e.errors()))))
          .type(MediaType.TEXT_HTML)
          .build();
    }
  }

  @GET
  @Path("workflows/{name}")
  @Transactional
  public Response latestWorkflow(@PathParam("name") String name) {
    return seeOther(Links.workflow(name, workflows.latest(name).version));
  }

  @GET
  @Path("workflows/{name}/versions/{version}")
  @Transactional
  public TemplateInstance workflow(
      @PathParam("name") String name, @PathParam("version") String version) {
    int v;
    try {
      v = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw new InvalidParameterException("version", "'" + version + "' is not a version number");
    }
    return Templates.workflow(catalogPages.workflow(name, v));
  }

  // --- errors as pages (the JSON API answers problem+json; these are for people) ---------------

  @ServerExceptionMapper
  public Response notFound(NotFoundException e) {
    return page(404, "Not found", e.getMessage());
  }

  @ServerExceptionMapper
  public Response badParameter(InvalidParameterException e) {
    return page(400, "Bad request", e.getMessage());
  }

  @ServerExceptionMapper
  public Response conflict(ConflictException e) {
    return page(409, "Conflict", e.getMessage());
  }

  private static Response page(int status, String title, String message) {
    return Response.status(status)
        .type(MediaType.TEXT_HTML)
        .entity(Templates.error(status, title, message).render())
        .build();
  }

  private static Response seeOther(String location) {
    return Response.seeOther(URI.create(location)).build();
  }

  private static Long order(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidParameterException(name, "'" + value + "' is not an item order");
    }
  }

  private static int page(String page) {
    if (page == null || page.isBlank()) {
      return 0;
    }
    try {
      int p = Integer.parseInt(page.trim());
      if (p >= 0) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidParameterException("page", "'" + page + "' is not a page number (from 0)");
  }
}
