package dev.switchboard.gateway.upstream;

import dev.switchboard.core.config.Upstream;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS towards upstreams, for {@link UpstreamPool}: one client context per TLS setting, built when first used, offering
 * h2 and http/1.1 by ALPN; per connection a handler that sends the SNI name. The context trusts the system store, or
 * the backend's CA file, or anything with insecureSkipVerify; the upstream's host name is verified (HTTPS endpoint
 * identification) unless insecureSkipVerify. Shared by every event loop.
 */
final class UpstreamTls {
    private final Map<Upstream.Tls, SslContext> contexts = new ConcurrentHashMap<>();

    /** A new TLS handler for a connection to {@code upstream} (which has TLS settings). */
    SslHandler handler(Channel ch, Upstream upstream) {
        Upstream.Tls settings = upstream.tls();
        String name = settings.sni() != null ? settings.sni() : upstream.host();
        SslHandler ssl = contexts.computeIfAbsent(settings, UpstreamTls::clientContext)
                .newHandler(ch.alloc(), name, upstream.port());
        if (!settings.insecureSkipVerify()) {
            SSLEngine engine = ssl.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        return ssl;
    }

    private static SslContext clientContext(Upstream.Tls settings) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
            if (settings.insecureSkipVerify()) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (settings.caFile() != null) {
                b.trustManager(settings.caFile().toFile());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot set up TLS to upstreams with " + settings + ": " + e.getMessage(), e);
        }
    }
}
