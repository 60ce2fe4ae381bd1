package dev.taproot.demo;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The service's entry point. {@code java -jar quarkus-run.jar demo} also runs the bundled example
 * pipeline once and reports on it; the service keeps running either way.
 */
@QuarkusMain
public class TaprootMain implements QuarkusApplication {
  @Inject DemoJob demo;

  public static void main(String... args) {
    Quarkus.run(TaprootMain.class, args);
  }

  @Override
  public int run(String... args) {
    if (List.of(args).contains("demo")) {
      Thread t = new Thread(demo::run, "taproot-demo");
      t.setDaemon(true);
      t.start();
    }
    Quarkus.waitForExit();
    return 0;
  }
}
