package dev.taproot.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.bundle.BundledContent;
import dev.taproot.support.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The trace-back walked as a person would, in a real browser: open the failed demo run, filter its
 * failed items, open the failed item, search for where the bad value was born, replay the parser
 * that made it with the fixed version and read the diff, redrive, and watch the run page turn
 * succeeded on its own. Every page is saved under target/ui-screenshots.
 */
@QuarkusTest
class OrdersWalkthroughBrowserTest {
  @Inject BundledContent bundled;

  @TestHTTPResource("/")
  URL base;

  @Test
  void fromTheFailedRunToTheFixedOne() throws Exception {
    bundled.registerAll();
    String ndjson = new String(Api.resource("examples/orders.ndjson"), StandardCharsets.UTF_8);
    String run = Api.startNdjson("orders", ndjson);
    assertEquals("failed", Api.awaitFinished(run, Duration.ofSeconds(180)).getString("status"));
    String root = base.toString().replaceAll("/$", "");

    try (Browser browser = Browser.start()) {
      var driver = browser.driver;
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));

      // 1. the runs, filtered to the failed runs of the orders workflow
      driver.get(root + "/");
      new Select(driver.findElement(By.id("f-workflow"))).selectByValue("orders");
      new Select(driver.findElement(By.id("f-status"))).selectByValue("failed");
      driver.findElement(By.cssSelector("form.filters button")).click();
      wait.until(ExpectedConditions.urlContains("status=failed"));
      browser.screenshot("01-runs");
      driver.findElement(By.cssSelector("a[href='/ui/runs/" + run + "']")).click();

      // 2. the run: failed, its pipeline drawn with the failure in validate
      wait.until(ExpectedConditions.textToBe(By.id("run-status"), "failed"));
      assertTrue(
          driver.findElement(By.cssSelector("svg.pipeline")).getText().contains("validate"),
          "the pipeline graph names its steps");
      WebElement validateBox =
          driver.findElement(By.cssSelector("svg.pipeline a[href$='/steps/validate/items'] g"));
      assertTrue(validateBox.getAttribute("class").contains("failed"));
      browser.screenshot("02-run");

      // the keyboard alone: the first Tab reaches the skip link, more Tabs a step box, Enter opens
      // it
      new Actions(driver).sendKeys(Keys.TAB).perform();
      assertEquals("Skip to content", driver.switchTo().activeElement().getText());
      String focused = "";
      for (int i = 0; i < 40 && !focused.startsWith("step validate"); i++) {
        new Actions(driver).sendKeys(Keys.TAB).perform();
        focused = String.valueOf(driver.switchTo().activeElement().getAttribute("aria-label"));
      }
      assertTrue(focused.startsWith("step validate, failed: 2999 succeeded, 1 failed"), focused);
      new Actions(driver).sendKeys(Keys.ENTER).perform();
      wait.until(ExpectedConditions.urlContains("/steps/validate/items"));
      driver.navigate().back();
      wait.until(ExpectedConditions.textToBe(By.id("run-status"), "failed"));

      // 3. the items of validate, filtered to the failed ones
      driver.findElement(By.cssSelector("table.steps a[href$='/steps/validate/items']")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("filter-failed")));
      driver.findElement(By.id("filter-failed")).click();
      wait.until(ExpectedConditions.urlContains("status=failed"));
      List<WebElement> failed = driver.findElements(By.cssSelector("a.item-link"));
      assertEquals(List.of("1041"), failed.stream().map(WebElement::getText).toList());
      browser.screenshot("03-failed-items");

      // 4. the failed item: its error and its lineage back to line 1042
      failed.get(0).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("item-error")));
      String lineage = driver.findElement(By.cssSelector("svg.lineage")).getText();
      assertTrue(lineage.contains("record 1041"), lineage);
      assertTrue(lineage.contains("line 1042 of the run input"), lineage);
      assertTrue(lineage.contains("parse / 1041"), lineage);
      browser.screenshot("04-item");
      assertEquals(
          List.of(),
          driver.executeScript(
              "return Array.from(document.querySelectorAll("
                  + "'input:not([type=hidden]), select, textarea, button'))"
                  + ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')"
                  + " && !e.textContent.trim()).map(e => e.name || e.id)"),
          "every control of the item page has a label");

      // 5. the origin search: the bad quantity was born in parse's output
      WebElement assertion = driver.findElement(By.id("assert"));
      assertion.clear();
      assertion.sendKeys("value.qty >= 1");
      driver.findElement(By.id("search-origin")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("origin-result")));
      String answer = driver.findElement(By.id("origin-result")).getText();
      assertTrue(answer.contains("born in the output of step parse, item 1041"), answer);
      assertEquals(
          "parse/1041#1",
          driver
              .findElement(By.cssSelector("svg.lineage g.node.origin"))
              .getAttribute("data-node"));
      browser.screenshot("05-origin");
      browser.viewport("readme-item-lineage", 1150);

      // 6. replay parse/1041 with the fixed parser: a different output, shown side by side
      driver.findElement(By.id("origin-link")).click();
      wait.until(ExpectedConditions.urlContains("/steps/parse/items/1041"));
      new Select(driver.findElement(By.id("replay-function"))).selectByValue("parse-order@2");
      driver.findElement(By.id("run-replay")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("replay-result")));
      assertEquals(
          "Different from what was recorded",
          driver.findElement(By.id("replay-verdict")).getText());
      String changes = driver.findElement(By.id("replay-changes")).getText();
      assertTrue(changes.contains("/qty"), changes);
      assertTrue(
          !driver.findElements(By.cssSelector("#replay-diff tr.changed")).isEmpty(),
          "the side-by-side diff marks the changed lines");
      browser.screenshot("06-replay");

      // 7. redrive this item from parse with parse-order@2, after a confirmation
      new Select(driver.findElement(By.id("redrive-from"))).selectByValue("parse");
      new Select(driver.findElement(By.id("fn-parse"))).selectByValue("parse-order@2");
      driver.findElement(By.id("review-redrive")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("redrive-plan")));
      String plan = driver.findElement(By.id("redrive-plan")).getText();
      assertTrue(plan.contains("step parse, item 1041"), plan);
      assertTrue(plan.contains("step validate, item 1041"), plan);
      assertTrue(plan.contains("step total once"), plan);
      assertEquals(
          "parse: parse-order@2 instead of parse-order@1",
          driver.findElement(By.id("redrive-functions")).getText());
      browser.screenshot("07-redrive-confirm");
      driver.findElement(By.id("confirm-redrive")).click();

      // 8. the run page follows the redrive until the run has succeeded, without a reload
      wait.until(ExpectedConditions.urlContains("/ui/runs/" + run));
      new WebDriverWait(driver, Duration.ofSeconds(180))
          .until(ExpectedConditions.textToBe(By.id("run-status"), "succeeded"));
      assertTrue(driver.getPageSource().contains("redrive started"));
      assertEquals("parse: parse-order@2", driver.findElement(By.id("overrides")).getText());
      browser.screenshot("08-run-succeeded");

      // 9. the item that failed, now with its new attempt
      driver.get(root + "/ui/runs/" + run + "/steps/validate/items/1041");
      assertEquals("succeeded", driver.findElement(By.id("item-status")).getText());
      browser.screenshot("09-item-after-redrive");
    }
  }
}
