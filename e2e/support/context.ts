// What e2e/global-setup.ts hands the browser tests.

import type { TestLiveKitSettings } from '../../scripts/testing/global-setup.ts';
import type { E2eAccount } from './sign-in.ts';

export interface E2eContext {
  /** The built app, e.g. `http://127.0.0.1:40123`. */
  baseUrl: string;
  /** Playwright's endpoint for the Chromium the setup launched (`chromium.connect`). */
  wsEndpoint: string;
  /** AGENT_NAME of the app: the worker name LiveKit dispatches. */
  agentName: string;
  livekit: TestLiveKitSettings;
  screenshotsDir: string;
  /** The first owner (claimed with the setup token), with a live session. */
  owner: E2eAccount;
  /** A secret key of the owner's workspace with every scope: what `apiClient` sends. */
  apiKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eContext;
  }
}

/** Debian Chromium on loopback (shared/notes/test-services.md); Playwright adds a fresh profile. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
] as const;
