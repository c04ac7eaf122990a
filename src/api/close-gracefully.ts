import type {Socket} from 'node:net';
import type {FastifyInstance} from 'fastify';

/** How often, while closing, connections with no answer under way are looked for and closed. */
const SWEEP_MS = 50;

/**
 * Starts tracking `app`'s connections; the function returned closes the app gracefully: it stops accepting,
 * lets every request whose answer is under way finish, and closes each connection as soon as it has none.
 * Node's own `closeIdleConnections` is not enough: it counts a connection that has not sent a request yet
 * (a browser's preconnection, say) or has sent only part of one as busy, and without a request timeout
 * such a connection would keep the server from stopping until the client leaves.
 */
export function closeGracefully(app: FastifyInstance): () => Promise<void> {
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return async () => {
    const sweep = setInterval(() => {
      // `_httpMessage` is the response a connection is sending, set as soon as a request's headers are in.
      for (const socket of sockets) if (!(socket as Socket & {_httpMessage?: unknown})._httpMessage) socket.destroy();
    }, SWEEP_MS);
    try {
      await app.close();
    } finally {
      clearInterval(sweep);
    }
  };
}
