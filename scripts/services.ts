// npm run services — FerretDB and LiveKit for local development, until Ctrl-C.
//
// FerretDB keeps its data in .data/ferretdb/ (gitignored), so it survives restarts. Ports: 27017 and
// 7880 (+ ICE/UDP 7882) on 127.0.0.1; override with FERRETDB_PORT, LIVEKIT_PORT, LIVEKIT_UDP_PORT.
// The LiveKit key and secret printed are fixed DEVELOPMENT-ONLY values.

import { devWebhookUrl, envLines, startDevServices } from './lib/dev-services.ts';
import { note, prefixed, runUntilStopped, type Watched } from './lib/supervise.ts';

try {
  // Server output goes to stderr: stdout carries only the NAME=value lines.
  const printDb = prefixed('db', process.stderr);
  const printLiveKit = prefixed('livekit', process.stderr);
  const printRedis = prefixed('redis', process.stderr);
  // Call events go to the API that `npm start` runs on 127.0.0.1:$PORT (default 4000).
  const services = await startDevServices({
    webhookUrl: devWebhookUrl(),
    onOutput: (service, line) =>
      (service === 'db' ? printDb : service === 'redis' ? printRedis : printLiveKit)(line),
  });
  const { ferretdb, livekit } = services;
  if (ferretdb)
    note(
      `FerretDB ready at ${ferretdb.uri} (data in ${ferretdb.dataDir}) in ${ferretdb.startedInMs} ms`,
    );
  if (livekit)
    note(
      `LiveKit ready at ${livekit.url} (ICE/UDP ${livekit.rtcUdpPort}) in ${livekit.startedInMs} ms`,
    );
  if (livekit) note(`LiveKit sends call webhooks to ${devWebhookUrl()}`);
  note('Use these settings (the LiveKit key and secret are for local development only):');
  process.stdout.write(`${envLines(services.env)}\n`);
  note('Ctrl-C stops them all.');

  const watched: Watched[] = [];
  if (ferretdb) watched.push({ label: 'db', exited: ferretdb.exited });
  if (livekit) watched.push({ label: 'livekit', exited: livekit.exited });
  await runUntilStopped(watched, () => services.stop());
} catch (error) {
  process.stderr.write(`npm run services: ${(error as Error).message}\n`);
  process.exit(1);
}
