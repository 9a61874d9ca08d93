package dev.switchboard.gateway.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipeliningHandlerTest {
    /** Records what passes and releases it, as the request handler would. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add(msg instanceof HttpRequest r ? r.uri() : msg.getClass().getSimpleName());
            ReferenceCountUtil.release(msg);
        }
    }

    static DefaultFullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    static FullHttpResponse ok(boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
        HttpUtil.setKeepAlive(r, keepAlive);
        return r;
    }

    @Test
    void aRequestArrivingDuringAResponseWaitsForItsEndWithItsBody() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new PipeliningHandler(), r);
        ch.writeInbound(get("/1"));
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/2"),
                new DefaultHttpContent(Unpooled.copiedBuffer("ab", StandardCharsets.US_ASCII)),
                new DefaultLastHttpContent(Unpooled.copiedBuffer("c", StandardCharsets.US_ASCII)), get("/3"));
        assertThat(r.seen).containsExactly("/1");

        // a streamed response: head, 100 Continue in between does not end it, parts, then its end
        ch.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        ch.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ch.runPendingTasks();
        assertThat(r.seen).containsExactly("/1");
        ch.writeOutbound(new DefaultLastHttpContent()); // replayed from a task, which the embedded loop runs now
        ch.runPendingTasks();
        assertThat(r.seen).containsExactly("/1", "/2", "DefaultHttpContent", "DefaultLastHttpContent");

        ch.writeOutbound(ok(true));
        ch.runPendingTasks();
        assertThat(r.seen).endsWith("/3");
        assertThat(ch.finishAndReleaseAll()).isTrue();
    }

    @Test
    void nothingPipelinedBehindAClosingResponseIsServed() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new PipeliningHandler(), r);
        ch.writeInbound(get("/1"), get("/2"));
        ch.writeOutbound(ok(false));
        ch.writeInbound(get("/3"));
        ch.runPendingTasks();
        assertThat(r.seen).containsExactly("/1");
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientPipeliningPastTheCapIsDisconnectedAndWhatWasHeldIsReleased() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new PipeliningHandler(), r);
        ch.writeInbound(get("/1"));
        DefaultFullHttpRequest big = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/2",
                Unpooled.wrappedBuffer(new byte[PipeliningHandler.MAX_HELD_BYTES + 1]));
        ch.writeInbound(big);
        assertThat(big.refCnt()).isZero();
        assertThat(ch.isActive()).isFalse();
        ch.finishAndReleaseAll();

        EmbeddedChannel trickle = new EmbeddedChannel(new PipeliningHandler(), new Recorder());
        trickle.writeInbound(get("/1"), new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/2"));
        for (int i = 0; i <= PipeliningHandler.MAX_HELD_MESSAGES && trickle.isActive(); i++) {
            trickle.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII)));
        }
        assertThat(trickle.isActive()).as("one-byte pieces past the message cap").isFalse();
        trickle.finishAndReleaseAll();
    }
}
