/**
 * A veto over history pops (back/forward) that runs before React Router sees them. Listeners on
 * `window` run in the order they were added, so this one is installed before the router mounts
 * (main.tsx); a page that must not be left registers a handler that returns true to stop a pop.
 */
type PopHandler = (event: PopStateEvent) => boolean;

let handler: PopHandler | null = null;
let installed = false;

export function installPopGuard(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('popstate', (event) => {
    if (handler?.(event)) event.stopImmediatePropagation();
  });
}

/** Makes `next` the pop handler; returns a function that removes it again. */
export function setPopHandler(next: PopHandler): () => void {
  handler = next;
  return () => {
    if (handler === next) handler = null;
  };
}
