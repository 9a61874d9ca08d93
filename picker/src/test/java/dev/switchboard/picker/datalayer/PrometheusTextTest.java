package dev.switchboard.picker.datalayer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    record Sample(String name, String label, double value) {}

    static List<Sample> parse(String text, String label, String... names) {
        List<Sample> out = new ArrayList<>();
        PrometheusText p = new PrometheusText(Set.of(names));
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        p.parse(b, 0, b.length, (n, l, v) -> out.add(new Sample(n, l.get(label), v)));
        return out;
    }

    @Test
    void readsOnlyTheWantedNamesWithLabelsValuesAndTimestamps() {
        String text = """
                # HELP a_total Things.
                # TYPE a_total counter
                a_total{x="1"} 5.0
                wanted{x="one",y="2"} 3.5 1700000000000
                wanted_bucket{le="+Inf"} 9
                wanted 7
                """;
        assertThat(parse(text, "x", "wanted")).containsExactly(new Sample("wanted", "one", 3.5), new Sample("wanted", null, 7));
    }

    @Test
    void unescapesLabelValuesAndReadsSpecialValues() {
        String text = "m{path=\"C:\\\\dir\",q=\"say \\\"hi\\\"\",nl=\"a\\nb\"} +Inf\nm{path=\"x\"} NaN\nm{path=\"y\"} -Inf\n";
        List<Sample> s = parse(text, "path", "m");
        assertThat(s.get(0).label()).isEqualTo("C:\\dir");
        assertThat(s.get(0).value()).isInfinite().isPositive();
        assertThat(s.get(1).value()).isNaN();
        assertThat(s.get(2).value()).isInfinite().isNegative();
        assertThat(parse(text, "q", "m").get(0).label()).isEqualTo("say \"hi\"");
        assertThat(parse(text, "nl", "m").get(0).label()).isEqualTo("a\nb");
    }

    @Test
    void skipsGarbageWithoutFailingAndCountsIt() {
        String text = "m{a=\"unterminated} 1\nm{a=\"ok\"} notanumber\nm{a=\"fine\"} 2\r\n\u0000\u0001 junk\nm 3";
        PrometheusText p = new PrometheusText(Set.of("m"));
        List<Double> values = new ArrayList<>();
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        p.parse(b, 0, b.length, (n, l, v) -> values.add(v));
        assertThat(values).containsExactly(2.0, 3.0);
        assertThat(p.malformed()).isEqualTo(2);
    }
}
