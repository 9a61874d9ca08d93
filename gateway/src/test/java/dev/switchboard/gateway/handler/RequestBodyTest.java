package dev.switchboard.gateway.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
    static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void aBodyInOneBytePiecesIsOneBufferWithinTwiceItsSize() {
        RequestBuffers budget = RequestBuffers.total(1 << 30);
        RequestBody body = new RequestBody(ALLOC, budget, 32 << 20, -1);
        ByteBuf one = bytes("x");
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(body.append(one)).isNull();
        }
        one.release();
        assertThat(body.size()).isEqualTo(1_000_000);
        assertThat(body.capacity()).isBetween(1_000_000, 2_000_000);
        assertThat(budget.used()).isEqualTo(body.capacity());
        assertThat(body.content().nioBufferCount()).isEqualTo(1);
        body.release();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aDeclaredLengthIsAllocatedExactlyAndPiecesKeepTheirOrder() {
        RequestBuffers budget = RequestBuffers.total(1 << 20);
        String text = "{\"model\":\"m\",\"messages\":[]}";
        RequestBody body = new RequestBody(ALLOC, budget, 1 << 20, text.length());
        for (char c : text.toCharArray()) {
            ByteBuf piece = bytes(String.valueOf(c));
            body.append(piece);
            piece.release();
        }
        assertThat(body.content().toString(StandardCharsets.US_ASCII)).isEqualTo(text);
        assertThat(body.capacity()).isEqualTo(text.length());
        body.release();
    }

    @Test
    void aBodyOverTheLimitOrTheBudgetIsRefusedAndNothingIsKeptOrReserved() {
        RequestBuffers total = RequestBuffers.total(40_000);
        RequestBuffers connection = total.connection(30_000);
        ByteBuf piece = Unpooled.wrappedBuffer(new byte[20_000]);

        RequestBody small = new RequestBody(ALLOC, total, 10_000, -1);
        assertThat(small.append(piece)).isEqualTo(RequestBody.Refusal.TOO_LARGE);
        assertThat(total.used()).isZero();

        RequestBody first = new RequestBody(ALLOC, connection, 1 << 20, 20_000);
        assertThat(first.append(piece)).isNull();
        RequestBody second = new RequestBody(ALLOC, connection, 1 << 20, 20_000);
        assertThat(second.append(piece)).as("past the connection's budget").isEqualTo(RequestBody.Refusal.NO_BUDGET);
        assertThat(connection.used()).isEqualTo(20_000);
        RequestBody elsewhere = new RequestBody(ALLOC, total, 1 << 20, 20_000);
        assertThat(elsewhere.append(piece)).as("another connection, within the total").isNull();
        RequestBody third = new RequestBody(ALLOC, total, 1 << 20, 20_000);
        assertThat(third.append(piece)).as("past the total").isEqualTo(RequestBody.Refusal.NO_BUDGET);

        for (RequestBody b : new RequestBody[] {small, first, second, elsewhere, third}) {
            b.release();
        }
        piece.release();
        assertThat(total.used()).isZero();
        assertThat(connection.used()).isZero();
    }
}
