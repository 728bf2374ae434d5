import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger.ts';

export interface MongoOptions {
  uri: string;
  /** How long an operation waits for a reachable server before failing (ms). */
  serverSelectionTimeoutMS: number;
  logger: Logger;
}

export interface MongoHandle {
  connection: Connection;
  /** Resolves after the first successful connection (keeps retrying until then). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the connection without blocking start-up: while the database is down, operations fail
 * fast (buffering is off) and the server keeps answering SERVICE_UNAVAILABLE; a first connection
 * that fails is retried until it works or the handle is closed. After that the driver reconnects
 * by itself.
 */
export function connectMongo({ uri, serverSelectionTimeoutMS, logger }: MongoOptions): MongoHandle {
  const connection = mongoose.createConnection();
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const open = () =>
    connection.openUri(uri, {
      bufferCommands: false,
      autoIndex: false,
      autoCreate: false,
      serverSelectionTimeoutMS,
      connectTimeoutMS: serverSelectionTimeoutMS,
      socketTimeoutMS: 30_000,
      maxPoolSize: 20,
    });

  const ready = (async () => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        await open();
        logger.info('database connected', { database: connection.name });
        return;
      } catch (error) {
        if (closed) return;
        logger.warn('database not answering; retrying', {
          attempt,
          error: (error as Error).message,
        });
        await new Promise<void>((resolve) => {
          wake = resolve;
          retryTimer = setTimeout(resolve, Math.min(1000 * attempt, 5000));
        });
      }
    }
  })();

  connection.on('disconnected', () => {
    if (!closed) logger.warn('database disconnected');
  });
  connection.on('reconnected', () => logger.info('database reconnected'));

  return {
    connection,
    ready,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      wake?.();
      await connection.close();
    },
  };
}
