package dev.taproot.ui;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /} sends a browser to the runs. A Vert.x route, not a JAX-RS resource at {@code /}: such a
 * resource would match every path as its prefix and change the 404 that unknown API paths get.
 */
@ApplicationScoped
class RootRedirect {
  void routes(@Observes Router router) {
    router
        .get("/")
        .handler(rc -> rc.response().setStatusCode(303).putHeader("Location", "/ui/runs").end());
  }
}
