/**
 * One instance of a BFF fleet in a child process: an OAuth app's tokens and the rate windows in
 * Redis, HighLevel's mock as upstream. Started by {@link startFleetInstance}; its settings come
 * in the environment (FLEET_* below). Several of them on one Redis are what a load balancer has
 * behind it.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createUploadHandler, oauthToken, redisStore, toNodeHandler } from '../server/index.js';

/** A running instance. */
export interface FleetInstance {
  endpoint: string;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export interface FleetSettings {
  mockUrl: string;
  redisUrl: string;
  clientId: string;
  clientSecret: string;
  /** The location every request of this instance goes to. */
  locationId: string;
  /** The fleet's one secret for signed handles. Default: a random one per instance. */
  previewSecret?: string;
}

export async function startFleetInstance(settings: FleetSettings): Promise<FleetInstance> {
  const child = fork(fileURLToPath(import.meta.url), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FLEET_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the fleet instance exited (${code})`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}/api/attachments`,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

if (process.send && process.env.FLEET_SETTINGS) {
  const settings = JSON.parse(process.env.FLEET_SETTINGS) as FleetSettings;
  // Errors are what an operator must see (a lost refresh, Redis gone): they go to stderr.
  const logger = { error: (message: string, fields?: unknown) => console.error(`[fleet ${process.pid}] ${message}`, fields ?? '') };
  const shared = await redisStore({ url: settings.redisUrl, logger });
  const handle = toNodeHandler(
    createUploadHandler({
      authorize: 'anyone',
      locationId: settings.locationId,
      apiBase: settings.mockUrl,
      sharedStore: shared,
      ...(settings.previewSecret ? { previewSecret: settings.previewSecret } : {}),
      getToken: oauthToken({ clientId: settings.clientId, clientSecret: settings.clientSecret, shared, tokenUrl: `${settings.mockUrl}/oauth/token`, logger }),
      // The fleet's test plays hundreds of users, all on the loopback address.
      maxInFlightPerAddress: 100_000,
      maxUploadsPerLocation: 100_000,
      logger,
    }),
  );
  const server = createServer(handle);
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
}
