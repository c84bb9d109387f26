package io.genesis.gateway.api;

import io.genesis.gateway.bus.ReplyStreams;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.idempotency.IdempotencyKeys;
import io.genesis.gateway.journal.Journals;
import io.vertx.core.Vertx;

/** The chat of one gateway verticle: message exchanges and their replays, shared by the HTTP routes and the WebSocket. */
public final class Chat {
  final Exchanges exchanges;
  final Replays replays;
  private final ServiceClient services;

  /** @param detachedMillis how long a reply keeps generating after its client went away */
  public Chat(Vertx vertx, ServiceClient services, SessionRoutes sessions, ReplyStreams replies, Journals journals,
              IdempotencyKeys keys, long detachedMillis) {
    this.services = services;
    this.exchanges = new Exchanges(vertx, services, sessions, replies, journals, keys, detachedMillis);
    this.replays = new Replays(vertx, journals, services);
  }

  public MessageRoutes messageRoutes() {
    return new MessageRoutes(services, exchanges, replays);
  }
}
