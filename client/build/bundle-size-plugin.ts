import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

export interface BundleSizeOptions {
  /** A module (path relative to the repo, e.g. `client/features/session/call-view.tsx`) whose lazy chunk is reported as "call". */
  callModule: string;
  /** Budget for the initial JavaScript, gzipped; going over it is a warning. */
  initialBudgetKiB?: number;
}

interface ChunkInfo {
  fileName: string;
  code: string;
  imports: readonly string[];
  dynamicImports: readonly string[];
  isEntry: boolean;
  moduleIds: readonly string[];
  modules: Record<string, { renderedLength: number }>;
}

export interface SizeLine {
  label: string;
  files: string[];
  bytes: number;
  gzipBytes: number;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The chunks loaded with `start` before anything dynamic: itself and its static imports, transitively. */
export function staticClosure(
  chunks: ReadonlyMap<string, ChunkInfo>,
  start: readonly string[],
): string[] {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(chunks.get(name)?.imports ?? []));
  }
  return [...seen];
}

function measure(
  label: string,
  chunks: ReadonlyMap<string, ChunkInfo>,
  files: readonly string[],
): SizeLine {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const code = chunks.get(file)?.code ?? '';
    bytes += Buffer.byteLength(code);
    gzipBytes += gzipSync(code, { level: 9 }).length;
  }
  return { label, files: [...files], bytes, gzipBytes };
}

/** Rendered bytes per npm package (or `app` for our own code), largest first. */
function byPackage(
  chunks: ReadonlyMap<string, ChunkInfo>,
  files: readonly string[],
): [string, number][] {
  const totals = new Map<string, number>();
  for (const file of files) {
    for (const [id, module] of Object.entries(chunks.get(file)?.modules ?? {})) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id.replace(/\\/g, '/'));
      const name =
        match?.[1] ??
        (process.env.BUNDLE_SIZE_DETAILS === 'modules'
          ? id.replace(/^.*\/client\//, 'client/')
          : 'app');
      totals.set(name, (totals.get(name) ?? 0) + module.renderedLength);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/**
 * Prints, after `vite build`, the gzipped size of the JavaScript a first visit loads (the entry
 * and its static imports) and of the lazily loaded call chunk(s) (livekit-client and the call UI).
 */
export function bundleSizeReport(options: BundleSizeOptions): Plugin {
  const budget = options.initialBudgetKiB ?? 120;
  const callSuffix = options.callModule.replace(/\\/g, '/');
  return {
    name: 'switchboard:bundle-size',
    apply: 'build',
    generateBundle(_output, bundle) {
      const chunks = new Map<string, ChunkInfo>();
      for (const item of Object.values(bundle)) {
        if (item.type === 'chunk') chunks.set(item.fileName, item);
      }
      const entries = [...chunks.values()]
        .filter((chunk) => chunk.isEntry)
        .map((chunk) => chunk.fileName);
      const initialFiles = staticClosure(chunks, entries);
      const initial = measure('initial JS', chunks, initialFiles);

      const callEntry = [...chunks.values()].find((chunk) =>
        chunk.moduleIds.some((id) => id.replace(/\\/g, '/').endsWith(callSuffix)),
      );
      if (!callEntry) {
        this.error(
          `bundle-size: no chunk contains ${options.callModule}; is it still loaded lazily?`,
        );
      }
      if (initialFiles.includes(callEntry.fileName)) {
        this.error(
          `bundle-size: ${options.callModule} is in the initial JavaScript; it must load lazily`,
        );
      }
      const callFiles = staticClosure(chunks, [callEntry.fileName]).filter(
        (file) => !initialFiles.includes(file),
      );
      const call = measure('call chunk', chunks, callFiles);

      const lines = [initial, call].map(
        (line) =>
          `  ${line.label.padEnd(11)} ${kib(line.gzipBytes).padStart(10)} gzip  ${kib(line.bytes).padStart(10)} raw  (${line.files.length} file${line.files.length === 1 ? '' : 's'}: ${line.files.join(', ')})`,
      );
      const verdict =
        initial.gzipBytes <= budget * 1024
          ? `  within the ${budget} KiB gzip budget for the initial load`
          : `  OVER the ${budget} KiB gzip budget for the initial load`;
      process.stdout.write(`\nBundle size (gzip level 9):\n${lines.join('\n')}\n${verdict}\n`);
      if (process.env.BUNDLE_SIZE_DETAILS) {
        for (const line of [initial, call]) {
          process.stdout.write(`  ${line.label}, by package (minified, before gzip):\n`);
          for (const [name, bytes] of byPackage(chunks, line.files).slice(0, 15)) {
            process.stdout.write(`    ${kib(bytes).padStart(10)}  ${name}\n`);
          }
        }
      }
      process.stdout.write('\n');
      if (initial.gzipBytes > budget * 1024) {
        this.warn(`initial JS is ${kib(initial.gzipBytes)} gzip, over the ${budget} KiB budget`);
      }
    },
  };
}
