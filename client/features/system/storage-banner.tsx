import { trpc } from '../../lib/trpc.ts';

/**
 * Says plainly when agents are not being persisted: the in-memory store loses everything when the
 * server stops, and an unconfigured production server cannot save at all.
 */
export function StorageBanner() {
  const info = trpc.system.info.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  if (info.data?.storage === 'memory') {
    return (
      <div className="banner banner--warning" role="region" aria-label="Storage warning">
        <p>
          <strong>In-memory storage.</strong> Agents live in the server’s memory and are lost when
          it stops. Set <code>MONGODB_URI</code> (or run <code>npm run services</code>) to keep
          them.
        </p>
      </div>
    );
  }
  if (info.data?.storage === 'unconfigured') {
    return (
      <div className="banner banner--error" role="region" aria-label="Storage warning">
        <p>
          <strong>No database configured.</strong> This server cannot load or save agents until{' '}
          <code>MONGODB_URI</code> is set.
        </p>
      </div>
    );
  }
  return null;
}
