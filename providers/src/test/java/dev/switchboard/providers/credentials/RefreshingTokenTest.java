package dev.switchboard.providers.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefreshingTokenTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final FakeClock clock = new FakeClock(T0);
    final FakeScheduler scheduler = new FakeScheduler(clock);
    final Deque<Object> script = new ArrayDeque<>(); // Expiring or Exception, one per fetch
    final List<Instant> fetchedAt = new ArrayList<>();

    RefreshingToken<Secret> token() {
        return new RefreshingToken<>("test token", () -> {
            fetchedAt.add(clock.instant());
            Object next = script.poll();
            if (next instanceof Exception e) {
                throw e;
            }
            if (next == null) {
                throw new TokenFetchException("nothing scripted");
            }
            @SuppressWarnings("unchecked")
            Expiring<Secret> e = (Expiring<Secret>) next;
            return e;
        }, clock, scheduler).start();
    }

    Expiring<Secret> tokenFor(String value, Duration lifetime) {
        return new Expiring<>(Secret.of(value), clock.instant().plus(lifetime));
    }

    @Test
    void notReadyUntilTheFirstFetchThenReadyAndRefreshedFiveMinutesBeforeExpiry() throws Exception {
        RefreshingToken<Secret> t = token();
        assertThat(t.ready()).isFalse();
        assertThat(t.firstToken().toCompletableFuture()).isNotDone();
        assertThatThrownBy(t::current).isInstanceOf(CredentialsNotReadyException.class)
                .hasMessage("test token has not been fetched yet");

        script.add(tokenFor("one", Duration.ofHours(1)));
        scheduler.runDue();
        assertThat(t.ready()).isTrue();
        assertThat(t.firstToken().toCompletableFuture()).isCompleted();
        assertThat(t.current().reveal()).isEqualTo("one");
        assertThat(scheduler.nextDue()).isEqualTo(T0.plus(Duration.ofMinutes(55)));

        script.add(new Expiring<>(Secret.of("two"), T0.plus(Duration.ofMinutes(115))));
        scheduler.advance(Duration.ofMinutes(55).minusSeconds(1));
        assertThat(t.current().reveal()).isEqualTo("one");
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(t.current().reveal()).isEqualTo("two");
        assertThat(fetchedAt).containsExactly(T0, T0.plus(Duration.ofMinutes(55)));
    }

    @Test
    void aFailedRefreshKeepsTheOldTokenUntilItExpiresThenReportsTheError() throws Exception {
        RefreshingToken<Secret> t = token();
        script.add(tokenFor("one", Duration.ofHours(1)));
        scheduler.runDue();
        for (int i = 0; i < 20; i++) {
            script.add(new ConnectException("connection refused"));
        }
        scheduler.advance(Duration.ofMinutes(55)); // refresh due: fails
        assertThat(t.lastError()).isEqualTo("ConnectException: connection refused");
        scheduler.advance(Duration.ofMinutes(5).minusSeconds(1)); // retries fail, still before expiry
        assertThat(t.current().reveal()).isEqualTo("one");
        scheduler.advance(Duration.ofSeconds(1)); // expired
        assertThat(t.ready()).isFalse();
        assertThatThrownBy(t::current).isInstanceOf(CredentialsNotReadyException.class)
                .hasMessage("test token expired at 2026-01-01T01:00:00Z and refreshing it failed: "
                        + "ConnectException: connection refused");
        // retries back off: 1, 2, 4, ... 60 s, so 5 minutes hold 1+2+4+8+16+32+60+60+60+60 and no more
        assertThat(fetchedAt).hasSize(1 + 1 + 9);
    }

    @Test
    void aFirstFetchThatFailsIsReportedAndRetried() throws Exception {
        RefreshingToken<Secret> t = token();
        script.add(new TokenFetchException("http://127.0.0.1:1/token answered 401: invalid_client"));
        scheduler.runDue();
        assertThatThrownBy(t::current).hasMessage(
                "test token has not been fetched yet: http://127.0.0.1:1/token answered 401: invalid_client");
        script.add(tokenFor("one", Duration.ofHours(1)));
        scheduler.advance(RefreshingToken.MIN_RETRY);
        assertThat(t.current().reveal()).isEqualTo("one");
        assertThat(t.lastError()).isNull();
    }

    @Test
    void shortLivedTokensAreRefreshedAtHalfTheirLifetime() {
        assertThat(RefreshingToken.untilRefresh(T0, T0.plus(Duration.ofMinutes(8)))).isEqualTo(Duration.ofMinutes(4));
        assertThat(RefreshingToken.untilRefresh(T0, T0.plus(Duration.ofMinutes(10)))).isEqualTo(Duration.ofMinutes(5));
        assertThat(RefreshingToken.untilRefresh(T0, T0)).isEqualTo(RefreshingToken.MIN_RETRY);
    }

    @Test
    void closeStopsRefreshing() throws IOException {
        RefreshingToken<Secret> t = token();
        script.add(tokenFor("one", Duration.ofHours(1)));
        scheduler.runDue();
        t.close();
        scheduler.advance(Duration.ofHours(2));
        assertThat(fetchedAt).hasSize(1);
    }
}
