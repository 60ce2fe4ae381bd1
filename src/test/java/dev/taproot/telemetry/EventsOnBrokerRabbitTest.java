package dev.taproot.telemetry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The events of a run with one failed item arrive on a real RabbitMQ queue bound to the exchange
 * taproot.events. Runs in the integration profile, which configures the connector (see pom.xml).
 */
@QuarkusTest
class EventsOnBrokerRabbitTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void runEventsArriveOnTheBroker() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    factory.setUsername("guest");
    factory.setPassword("guest");
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      channel.exchangeDeclare("taproot.events", "topic", true);
      String queue = channel.queueDeclare().getQueue();
      channel.queueBind(queue, "taproot.events", "#");

      String failIf = Api.register("fail-if", Api.testModule("fail-if"));
      String wf = Api.unique("brokered");
      Api.submit(
          """
          name: %s
          functions:
            check: { ref: %s }
          steps:
            check:
              function: check
              forEach: ${{ input.items }}
              input: ${{ item }}
          """
              .formatted(wf, failIf));
      String run = Api.start(wf, "{\"items\": [{\"n\": 1}, {\"fail\": true}]}");
      JsonPath view = Api.awaitFinished(run);

      List<JsonNode> received = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                GetResponse r;
                while ((r = channel.basicGet(queue, true)) != null) {
                  JsonNode e = JSON.readTree(r.getBody());
                  if (run.equals(e.path("runId").asText())) {
                    received.add(e);
                  }
                }
                return received.size() >= 3;
              });
      assertEquals(
          List.of("run.started", "execution.failed", "run.finished"),
          received.stream().map(e -> e.get("type").asText()).toList());
      for (JsonNode e : received) {
        assertEquals(view.getString("traceId"), e.get("traceId").asText());
        assertEquals(wf, e.get("workflow").asText());
      }
      assertEquals("1", received.get(1).get("itemKey").asText());
    }
  }
}
