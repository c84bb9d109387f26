package io.genesis.gateway.http;

import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.BrotliMode;
import io.netty.handler.codec.compression.CompressionOptions;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Response compression: Brotli when the client asks for it and the native binding loads on this
 * platform, gzip otherwise. Bodies under {@link #MIN_BYTES} go out as they are (not worth the CPU),
 * and event streams are never compressed (they set {@code Content-Encoding: identity}).
 */
public final class Compression {
  public static final int MIN_BYTES = 1024;
  private static final int BROTLI_QUALITY = 4;
  private static final int GZIP_LEVEL = 6;

  private Compression() {}

  /** Loading the Brotli native library extracts a file, so it is checked on a worker thread. */
  public static Future<List<CompressionOptions>> compressors(Vertx vertx) {
    return vertx.executeBlocking(Brotli::isAvailable).map(brotli -> {
      List<CompressionOptions> compressors = new ArrayList<>();
      if (brotli) {
        compressors.add(StandardCompressionOptions.brotli(BROTLI_QUALITY, 22, BrotliMode.TEXT));
      }
      compressors.add(StandardCompressionOptions.gzip(GZIP_LEVEL, 15, 8));
      return compressors;
    });
  }
}
