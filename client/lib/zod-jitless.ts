// zod compiles object parsers with `new Function` unless told not to, and probes for it when the
// first object schema is built: an eval the page's Content-Security-Policy (script-src 'self')
// refuses and reports as a violation, although zod then falls back to its interpreter. The
// schemas are built in lazily loaded chunks before any module of theirs could call
// `z.config({ jitless: true })`, so the entry sets the flag on the global object zod reads its
// configuration from (`globalThis.__zod_globalConfig`, zod/v4/core), without loading zod. If zod
// ever moves it, the browser tests fail on the violation (e2e/support/browser.ts).

interface ZodGlobalConfig {
  jitless?: boolean;
}

const zodGlobal = globalThis as { __zod_globalConfig?: ZodGlobalConfig };
zodGlobal.__zod_globalConfig ??= {};
zodGlobal.__zod_globalConfig.jitless = true;
