import { Link } from 'react-router';
import type { Permission } from '../../../shared/access.ts';
import { useAccount } from './account-context.ts';
import { roleLabel } from './permissions.ts';

/** A page the person's role does not open (a link followed from elsewhere, a role changed). */
export function NoAccess({ title, permission }: { title: string; permission: Permission }) {
  const { workspace } = useAccount();
  return (
    <div className="page">
      <title>{`${title} · Switchboard`}</title>
      <div className="state">
        <h1 className="state__title">{title}</h1>
        <p>
          This needs the <code>{permission}</code> permission. Your role in {workspace.name} is{' '}
          {roleLabel(workspace.role)}: ask an owner if you need it.
        </p>
        <Link className="button button--primary" to="/agents">
          Go to agents
        </Link>
      </div>
    </div>
  );
}
