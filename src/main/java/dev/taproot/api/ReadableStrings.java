package dev.taproot.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.taproot.function.GuestText;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Every string the API answers is readable text: a guest's log or message that holds bytes that are
 * not UTF-8 keeps them as escaped bytes ({@link GuestText}), which JSON cannot carry; they are
 * written as {@code \xNN}. The exact bytes stay in the checkpoint (and a replay compares them).
 */
@Singleton
public class ReadableStrings implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.registerModule(
        new SimpleModule("taproot-readable-strings")
            .addSerializer(
                new StdSerializer<>(String.class) {
                  @Override
                  public void serialize(String value, JsonGenerator gen, SerializerProvider p)
                      throws IOException {
                    gen.writeString(GuestText.readable(value));
                  }
                }));
  }
}
