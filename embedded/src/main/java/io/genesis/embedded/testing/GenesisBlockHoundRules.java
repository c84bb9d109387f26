package io.genesis.embedded.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound rules for GENESIS test suites (found through ServiceLoader when BlockHound is on the
 * class path, i.e. in tests only). Netty's own integration already marks Vert.x event loops as
 * non-blocking; these are the known false alarms.
 */
public final class GenesisBlockHoundRules implements BlockHoundIntegration {
  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder
        // JDK reads net.properties once, on the first listen().
        .allowBlockingCallsInside("sun.net.NetProperties", "<clinit>")
        // Netty's adaptive buffer allocator briefly write-locks (StampedLock) a magazine it retires while
        // growing under concurrent load; seen once in a few fuzz runs, where it closed the connection.
        .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
        // Vert.x waits for its worker pools while closing.
        .allowBlockingCallsInside("io.vertx.core.internal.WorkerPool", "close")
        // Handing a task to a worker pool (executeBlocking, the async file system) takes the queue's
        // lock for a moment; a worker taking a task at the same instant makes it park briefly.
        .allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "execute")
        // Jackson builds a type's deserializer once, under a lock (Contracts.register warms the bus types).
        .allowBlockingCallsInside("com.fasterxml.jackson.databind.deser.DeserializerCache", "_createAndCacheValueDeserializer")
        // TLS contexts and handshakes draw random bytes from /dev/urandom, which never blocks (a file read to BlockHound).
        .allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes")
        // Test logs go straight to the console; production logs go through a never-blocking async appender.
        .allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
        .allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend");
  }
}
