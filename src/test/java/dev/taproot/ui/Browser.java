package dev.taproot.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven by its chromedriver, headless, with a fresh profile. The browser is a
 * requirement of these tests, not an option: when it is missing they fail and say how to install it
 * (.ci/run installs it), rather than pass without having looked at a page.
 */
final class Browser implements AutoCloseable {
  static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
  private static final int WIDTH = 1366;
  private static final int HEIGHT = 900;

  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  static Browser start() throws IOException {
    Path chromium = executable("TAPROOT_CHROMIUM", "/usr/bin/chromium");
    Path chromedriver = executable("TAPROOT_CHROMEDRIVER", "/usr/bin/chromedriver");
    Path profile = Files.createTempDirectory("taproot-chromium-");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    // the closed network refuses Chromium's own background connections: switch them off
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=" + WIDTH + "," + HEIGHT,
        "--user-data-dir=" + profile);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    Files.createDirectories(SCREENSHOTS);
    return new Browser(service, driver, profile);
  }

  private static Path executable(String env, String fallback) {
    String configured = System.getenv(env);
    Path path = Path.of(configured == null || configured.isBlank() ? fallback : configured);
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(
          "The web UI's browser tests need "
              + path
              + " (Debian's chromium and chromium-driver): install them with"
              + " `apt-get install -y chromium chromium-driver` (.ci/run does), or point "
              + env
              + " at another build. They do not skip: a UI test that never saw a page proves"
              + " nothing.");
    }
    return path;
  }

  /** The whole page as a PNG under target/ui-screenshots (the window grows to the page). */
  Path screenshot(String name) {
    JavascriptExecutor js = driver;
    js.executeScript("window.scrollTo(0, 0)");
    long height =
        ((Number) js.executeScript("return document.documentElement.scrollHeight")).longValue();
    driver
        .manage()
        .window()
        .setSize(new Dimension(WIDTH, (int) Math.min(Math.max(height, HEIGHT), 6000)));
    Path file = SCREENSHOTS.resolve(name + ".png");
    try {
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
    }
    return file;
  }

  /** The top of the page in a window {@code height} pixels high (for the README). */
  Path viewport(String name, int height) {
    ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
    driver.manage().window().setSize(new Dimension(WIDTH, height));
    Path file = SCREENSHOTS.resolve(name + ".png");
    try {
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
    }
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (var files = Files.walk(profile)) {
        List<Path> all = files.sorted(java.util.Comparator.reverseOrder()).toList();
        for (Path p : all) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
