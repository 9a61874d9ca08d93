package dev.switchboard.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.ApproxTokenizer;
import org.junit.jupiter.api.Test;

class MultiTurnWorkloadTest {
    private final MultiTurnSpec spec = new MultiTurnSpec(2, 3, 20, 10, TokenRange.of(5));

    @Test
    void promptsGrowTurnByTurnWithTheReplies() {
        Workload w = spec.create(7, "m");
        RequestSpec t1 = w.next();
        assertThat(t1.conversation()).isZero();
        assertThat(t1.wantsReply()).isTrue();
        assertThat(t1.messages()).extracting(ChatMessage::role).containsExactly("system", "user");
        assertThat(ApproxTokenizer.count(t1.messages().get(1).content())).isEqualTo(10);
        w.completed(t1, " reply one");

        RequestSpec other = w.next();
        assertThat(other.conversation()).isEqualTo(1);
        RequestSpec t2 = w.next();
        assertThat(t2.conversation()).isZero();
        assertThat(t2.messages()).hasSize(4);
        assertThat(t2.messages().subList(0, 2)).isEqualTo(t1.messages());
        assertThat(t2.messages().get(2)).isEqualTo(ChatMessage.assistant(" reply one"));
        assertThat(t2.messages().get(3).content()).isNotEqualTo(t1.messages().get(1).content());
        assertThat(t2.promptText().length()).isGreaterThan(t1.promptText().length());
        w.completed(t2, " reply two");

        RequestSpec t3 = w.next();
        assertThat(t3.messages()).hasSize(6);
        assertThat(t3.messages().subList(0, 4)).isEqualTo(t2.messages());
        assertThat(t3.messages().get(4)).isEqualTo(ChatMessage.assistant(" reply two"));
    }

    @Test
    void aConversationWaitsForItsPreviousTurn() {
        Workload w = spec.create(1, "m");
        RequestSpec a = w.next();
        RequestSpec b = w.next();
        assertThat(w.next()).as("both conversations are waiting for replies").isNull();
        assertThat(w.exhausted()).isFalse();
        w.completed(b, "x");
        assertThat(w.next().conversation()).isEqualTo(b.conversation());
        assertThat(a.conversation()).isNotEqualTo(b.conversation());
    }

    @Test
    void exhaustedAfterAllTurnsAndFailedTurnsKeepTheHistory() {
        Workload w = spec.create(3, "m");
        int sent = 0;
        RequestSpec last = null;
        RequestSpec r;
        while ((r = w.next()) != null) {
            sent++;
            if (r.conversation() == 0) {
                if (last != null) {
                    assertThat(r.messages()).as("a failed turn adds nothing").hasSize(last.messages().size());
                }
                last = r;
            }
            w.completed(r, null);
        }
        assertThat(sent).isEqualTo(6);
        assertThat(w.exhausted()).isTrue();
        assertThat(spec.totalRequests()).isEqualTo(6);
    }
}
