package dev.switchboard.sim.server;

import dev.switchboard.sim.SimConfig;
import dev.switchboard.core.kvevents.KvEventCodec;
import dev.switchboard.sim.engine.Engine;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link SimConfig#endpoints()} simulated model servers in one process: one engine each, one listening port
 * each (consecutive from {@link SimConfig#port()}, or any free ports when it is 0), sharing one event loop group.
 */
public final class SimServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final List<SimEndpoint> endpoints = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private final List<KvEventPublisher> publishers = new ArrayList<>();

    private SimServer(EventLoopGroup group) {
        this.group = group;
    }

    /** Starts every endpoint; fails (and stops what it started) if a port cannot be bound. */
    public static SimServer start(SimConfig config) throws InterruptedException {
        Transport transport = Transport.best();
        SimServer server = new SimServer(transport.newGroup(0, "sim-io"));
        try {
            List<FailureInjector.Type> types = config.failureTypes().stream().map(FailureInjector.Type::parse).toList();
            for (int i = 0; i < config.endpoints(); i++) {
                int port = config.port() == 0 ? 0 : config.port() + i;
                EngineConfig engineConfig = config.engine().withSeed(config.engine().seed() + i);
                Engine engine = new Engine(engineConfig, "sim-" + i);
                engine.adapters().addAll(config.adapters());
                FailureInjector failures = new FailureInjector(config.failureRate(), types, config.slowFirstTokenMillis());
                SimEndpoint endpoint = new SimEndpoint("sim-" + i, config.model(), engine, failures,
                        config.meanOutputTokens(), config.embeddingDims(), config.apis());
                server.endpoints.add(endpoint);
                Channel ch = new ServerBootstrap()
                        .group(server.group)
                        .channel(transport.serverChannel())
                        .option(ChannelOption.SO_BACKLOG, 4096)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new SimChannelInitializer(endpoint, config.maxBodyBytes()))
                        .bind(config.host(), port).sync().channel();
                server.channels.add(ch);
            }
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The address each endpoint listens on, in order. */
    public List<InetSocketAddress> addresses() {
        return channels.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    /**
     * The endpoints as entries of a Switchboard {@code Endpoints} document's {@code spec.endpoints} list (two spaces
     * in, one line each, labelled {@code app: <app>}), for the embedded default, the benchmarks and tests.
     */
    public String endpointsYaml(String app) {
        StringBuilder y = new StringBuilder();
        for (InetSocketAddress a : addresses()) {
            y.append("  - {address: 127.0.0.1, port: ").append(a.getPort()).append(", labels: {app: ").append(app)
                    .append("}}\n");
        }
        return y.toString();
    }

    /**
     * Publishes every endpoint's KV-cache events on ZMQ as vLLM does, to {@code address}: bound when it has a
     * wildcard ({@code tcp://*:5557}; one port for all endpoints then cannot work, so give one endpoint), else
     * connected (the picker binds, {@code tcp://127.0.0.1:5557}); the topic is {@code kv@<host>:<port>@<model>}.
     */
    public synchronized void publishKvEvents(String address) {
        if (address.contains("*") && endpoints.size() > 1) {
            throw new IllegalArgumentException("a bound KV-event address (" + address + ") serves one endpoint; "
                    + "with " + endpoints.size() + " give the subscriber's address to connect to");
        }
        for (int i = 0; i < endpoints.size(); i++) {
            SimEndpoint e = endpoints.get(i);
            InetSocketAddress at = addresses().get(i);
            String host = at.getAddress().isAnyLocalAddress() ? "127.0.0.1" : at.getAddress().getHostAddress();
            KvEventPublisher p = new KvEventPublisher(address, KvEventCodec.topic(host + ":" + at.getPort(), e.model));
            publishers.add(p);
            e.engine.publishKvEvents(p);
        }
    }

    /** The engine behind endpoint {@code i}, for tests and embedding. */
    public Engine engine(int i) {
        return endpoints.get(i).engine;
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        // the connections go before the engines: an engine closed under an open connection would leave a request on
        // it unanswered (a hung server, not a dead one), which is not what closing a server means
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (SimEndpoint e : endpoints) {
            e.engine.close();
        }
        synchronized (this) {
            publishers.forEach(KvEventPublisher::close);
        }
    }
}
