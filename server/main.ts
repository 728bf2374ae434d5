import { buildApp } from './app.ts';
import { EnvError, loadEnv } from './env.ts';
import { createLogger } from './logger.ts';

let env;
try {
  env = loadEnv();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const logger = createLogger({ level: env.LOG_LEVEL });
const app = buildApp(env, logger);

try {
  const address = await app.http.listen(env.PORT, env.HOST);
  logger.info('switchboard listening', {
    url: `http://${address.address}:${address.port}`,
    storage: app.storage,
    nodeEnv: env.NODE_ENV,
  });
} catch (error) {
  logger.error('could not listen', { host: env.HOST, port: env.PORT, error });
  await app.close();
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  });
}
