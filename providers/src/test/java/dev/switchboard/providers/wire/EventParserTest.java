package dev.switchboard.providers.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventParserTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String firstText(JsonParser p) throws IOException {
        while (p.nextToken() != JsonToken.VALUE_STRING) {
            // to the first string value
        }
        return p.getText();
    }

    @Test
    void eventsReadWholeHalfOrNotAtAllEachGetTheirOwnValue() throws IOException {
        EventParser events = new EventParser();
        byte[] one = b("{\"t\":\"one\",\"n\":[1,2,{\"x\":3}]}");
        assertThat(firstText(events.next(one, 0, one.length))).isEqualTo("one"); // the rest left unread
        byte[] two = b("xx{\"t\":\"two\"}yy");
        assertThat(firstText(events.next(two, 2, two.length - 4))).isEqualTo("two");
        byte[] three = b("{\"t\":\"three\"}");
        JsonParser p = events.next(three, 0, three.length);
        assertThat(firstText(p)).isEqualTo("three");
        assertThat(p.nextToken()).isEqualTo(JsonToken.END_OBJECT);
    }

    @Test
    void aCutEventIsAnErrorAndTheNextEventStartsClean() throws IOException {
        EventParser events = new EventParser();
        byte[] cut = b("{\"t\":\"cut\",\"more\":{\"a\":");
        JsonParser p = events.next(cut, 0, cut.length);
        assertThatThrownBy(() -> {
            while (p.nextToken() != JsonToken.END_OBJECT) {
                // reads into the missing end
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("ends before its JSON");
        byte[] next = b("{\"t\":\"next\"}");
        assertThat(firstText(events.next(next, 0, next.length))).isEqualTo("next");
    }
}
