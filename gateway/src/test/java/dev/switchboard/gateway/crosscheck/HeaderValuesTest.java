package dev.switchboard.gateway.crosscheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.http.HeaderValues;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HeaderValuesTest {
    /** Whether Netty's validating headers (what the gateway uses) take {@code name: value}. */
    static boolean nettyTakes(String name, String value) {
        HttpHeaders headers = new DefaultHttpHeaders();
        try {
            headers.set(name, value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void namesAreAcceptedExactlyWhenNettyAcceptsThem() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            for (String name : new String[] {String.valueOf(c), "x-" + c, c + "-x"}) {
                assertThat(HeaderValues.isValidName(name)).as("name %s (0x%04x)", name, (int) c)
                        .isEqualTo(nettyTakes(name, "v"));
            }
        }
        assertThat(HeaderValues.isValidName("")).isFalse();
        assertThat(nettyTakes("", "v")).isFalse();
    }

    @Test
    void valuesAreAcceptedExactlyWhenNettyAcceptsThem() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            for (String value : new String[] {String.valueOf(c), "a" + c, c + "a", "a" + c + "b"}) {
                assertThat(HeaderValues.isValidValue(value)).as("value 0x%04x in '%s'", (int) c, value)
                        .isEqualTo(nettyTakes("x", value));
            }
        }
        assertThat(HeaderValues.isValidValue("")).isTrue();
        assertThat(nettyTakes("x", "")).isTrue();
    }

    @Test
    void theFirstInvalidCharacterIsFoundAndDescribed() {
        assertThat(HeaderValues.firstInvalidValueChar("ok value\t with tab ")).isEqualTo(-1);
        assertThat(HeaderValues.firstInvalidValueChar(" leading")).isZero();
        assertThat(HeaderValues.firstInvalidValueChar("a\r\nX-Injected: 1")).isEqualTo(1);
        assertThat(HeaderValues.describeInvalidValue("ab\ncd")).isEqualTo("character 0x0a (a control character) at index 2");
        assertThat(HeaderValues.describeInvalidValue(" x")).isEqualTo("character 0x20 (a space) at index 0 (a value cannot"
                + " start with it)");
        assertThat(HeaderValues.describeInvalidValue("fine")).isNull();

        assertThat(HeaderValues.firstInvalidNameChar("x-ok_1")).isEqualTo(-1);
        assertThat(HeaderValues.describeInvalidName("x-model:")).startsWith("character 0x3a (':') at index 7 (a name is an"
                + " RFC 9110 token");
        assertThat(HeaderValues.describeInvalidName("bad name")).startsWith("character 0x20 (a space) at index 3");
        assertThat(HeaderValues.describeInvalidName("")).isEqualTo("empty");
        assertThat(HeaderValues.describeInvalidName("x-é")).startsWith("character 0xe9 (not ASCII) at index 2");
    }
}
