package dev.switchboard.gateway;

import dev.switchboard.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A name server on 127.0.0.1 (UDP): answers A queries for the names {@link #add}ed (other families get an empty
 * answer, unknown names NXDOMAIN), keeps the answers for names the test {@link #hold}s until it {@link #release}s
 * them, and counts the queries per name and type.
 */
final class FakeDnsServer implements AutoCloseable {
    /** TTL of every answer, in seconds: long enough that a test sees the cache, not a second query. */
    static final int TTL_SECONDS = 60;

    private final EventLoopGroup group;
    private final Channel channel;
    private final Map<String, InetAddress> addresses = new ConcurrentHashMap<>();
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    /** Queries whose answer is held; touched on the server's event loop only. */
    private final List<Query> waiting = new ArrayList<>();

    private record Query(InetSocketAddress client, InetSocketAddress server, int id, String name, DnsRecordType type) {
    }

    private FakeDnsServer() throws InterruptedException {
        Transport transport = Transport.best();
        group = transport.newGroup(1, "fake-dns");
        channel = new Bootstrap().group(group).channel(transport.datagramChannel())
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Answerer());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    static FakeDnsServer start() throws InterruptedException {
        return new FakeDnsServer();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Answers {@code name} with {@code address}. */
    FakeDnsServer add(String name, String address) throws Exception {
        addresses.put(key(name), InetAddress.getByName(address)); // an IP literal: no lookup
        return this;
    }

    /** Keeps the answers for {@code name} until {@link #release}. */
    void hold(String name) {
        held.add(key(name));
    }

    /** Sends the answers held for {@code name}, and answers it at once from now on. */
    void release(String name) {
        String key = key(name);
        held.remove(key);
        channel.eventLoop().execute(() -> {
            List<Query> ready = waiting.stream().filter(q -> q.name().equals(key)).toList();
            waiting.removeAll(ready);
            ready.forEach(this::answer);
        });
    }

    /** Queries received for {@code name} of {@code type}. */
    int queries(String name, DnsRecordType type) {
        AtomicInteger n = queries.get(key(name) + " " + type.name());
        return n == null ? 0 : n.get();
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            Query q = new Query(query.sender(), query.recipient(), query.id(), key(question.name()), question.type());
            queries.computeIfAbsent(q.name() + " " + q.type().name(), k -> new AtomicInteger()).incrementAndGet();
            if (held.contains(q.name())) {
                waiting.add(q);
            } else {
                answer(q);
            }
        }
    }

    private void answer(Query q) {
        DatagramDnsResponse res = new DatagramDnsResponse(q.server(), q.client(), q.id());
        res.setRecursionDesired(true).setRecursionAvailable(true);
        res.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(q.name() + ".", q.type()));
        InetAddress address = addresses.get(q.name());
        if (address == null) {
            res.setCode(DnsResponseCode.NXDOMAIN);
        } else if (q.type().equals(DnsRecordType.A)) {
            res.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(q.name() + ".", DnsRecordType.A, TTL_SECONDS,
                    Unpooled.wrappedBuffer(address.getAddress())));
        } // another family: an empty answer, the name exists
        channel.writeAndFlush(res);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
