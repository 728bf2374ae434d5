import { lazy, Suspense, useEffect, useRef } from 'react';
import {
  BrowserRouter,
  Link,
  Navigate,
  NavLink,
  Outlet,
  Route,
  Routes,
  useLocation,
} from 'react-router';
import { Toaster } from './components/toaster.tsx';
import { useCan } from './features/account/account-context.ts';
import { AccountGate } from './features/account/account-gate.tsx';
import { AccountMenu } from './features/account/account-menu.tsx';
import { AgentsListPage } from './features/agents/agents-list-page.tsx';
import { StorageBanner } from './features/system/storage-banner.tsx';

// The editor pages carry zod (the shared schemas validate as you type) and the form code: they
// load when first opened, so the list (the first screen) stays light.
const loadAgentPages = () => import('./features/agents/agent-pages.tsx');
const AgentPage = lazy(() => loadAgentPages().then((module) => ({ default: module.AgentPage })));
const AgentCreatePage = lazy(() =>
  loadAgentPages().then((module) => ({ default: module.AgentCreatePage })),
);
// Its own chunk too (with zod, for the shared phone-number rules): agents are the first screen.
const loadPhoneNumbersPage = () => import('./features/phone-numbers/phone-numbers-page.tsx');
const PhoneNumbersPage = lazy(() =>
  loadPhoneNumbersPage().then((module) => ({ default: module.PhoneNumbersPage })),
);
// Call history: their own chunks (with the phone-number formatting and the agent picker).
const loadCallsPage = () => import('./features/calls/calls-page.tsx');
const CallsPage = lazy(() => loadCallsPage().then((module) => ({ default: module.CallsPage })));
const loadCallDetailPage = () => import('./features/calls/call-detail-page.tsx');
const CallDetailPage = lazy(() =>
  loadCallDetailPage().then((module) => ({ default: module.CallDetailPage })),
);

// Signed-out pages (sign-in, first start, invitations) and the settings pages: their own chunks.
const loadAuthPages = () => import('./features/auth/auth-pages.tsx');
const SignInPage = lazy(() => loadAuthPages().then((module) => ({ default: module.SignInPage })));
const SetupPage = lazy(() => loadAuthPages().then((module) => ({ default: module.SetupPage })));
const AcceptInvitationPage = lazy(() =>
  loadAuthPages().then((module) => ({ default: module.AcceptInvitationPage })),
);
const loadMembersPage = () => import('./features/settings/members-page.tsx');
const MembersPage = lazy(() =>
  loadMembersPage().then((module) => ({ default: module.MembersPage })),
);
const loadAuditPage = () => import('./features/audit/audit-page.tsx');
const AuditPage = lazy(() => loadAuditPage().then((module) => ({ default: module.AuditPage })));
const loadKeysPage = () => import('./features/settings/keys-page.tsx');
const KeysPage = lazy(() => loadKeysPage().then((module) => ({ default: module.KeysPage })));
// Swagger UI is large: its own chunk, loaded when the page opens.
const loadApiReferencePage = () => import('./features/api-reference/api-reference-page.tsx');
const ApiReferencePage = lazy(() =>
  loadApiReferencePage().then((module) => ({ default: module.ApiReferencePage })),
);

function PageLoading() {
  return (
    <div className="page" aria-busy="true">
      <p className="visually-hidden" role="status">
        Loading…
      </p>
      <span className="skeleton skeleton--crumb" aria-hidden="true" />
      <span className="skeleton skeleton--heading" aria-hidden="true" />
      <span className="skeleton skeleton--card skeleton--tall" aria-hidden="true" />
    </div>
  );
}

/**
 * After an in-app navigation, focus moves to the new page's content (as a full page load would
 * start reading it), unless the page already put it somewhere, such as a form's first field.
 */
function useFocusOnNavigation() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const element = main.current;
    if (element && !element.contains(document.activeElement))
      element.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [pathname]);
  return main;
}

function AppLayout() {
  return <AccountGate>{(workspaceId) => <AppFrame workspaceId={workspaceId} />}</AccountGate>;
}

/** The signed-in frame: top bar (links the role may use, the account menu), the page. */
function AppFrame({ workspaceId }: { workspaceId: string }) {
  const main = useFocusOnNavigation();
  const canReadCalls = useCan('sessions:read');
  const canAdminMembers = useCan('members:admin');
  const canAdminKeys = useCan('keys:admin');
  const canReadAudit = useCan('audit:read');
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/agents" className="brand" aria-label="Switchboard home">
            <span className="brand__mark" aria-hidden="true" />
            <span className="brand__name">Switchboard</span>
          </Link>
          <nav aria-label="Main">
            <ul className="topbar__nav">
              <li>
                <NavLink to="/agents" className="topbar__link">
                  Agents
                </NavLink>
              </li>
              <li>
                <NavLink
                  to="/phone-numbers"
                  className="topbar__link"
                  onPointerEnter={() => void loadPhoneNumbersPage()}
                  onFocus={() => void loadPhoneNumbersPage()}
                >
                  Phone numbers
                </NavLink>
              </li>
              {canReadCalls && (
                <li>
                  <NavLink
                    to="/calls"
                    className="topbar__link"
                    onPointerEnter={() => void loadCallsPage()}
                    onFocus={() => void loadCallsPage()}
                  >
                    Calls
                  </NavLink>
                </li>
              )}
              {canAdminMembers && (
                <li>
                  <NavLink
                    to="/settings/members"
                    className="topbar__link"
                    onPointerEnter={() => void loadMembersPage()}
                    onFocus={() => void loadMembersPage()}
                  >
                    Members
                  </NavLink>
                </li>
              )}
              {canAdminKeys && (
                <li>
                  <NavLink
                    to="/settings/keys"
                    className="topbar__link"
                    onPointerEnter={() => void loadKeysPage()}
                    onFocus={() => void loadKeysPage()}
                  >
                    API keys
                  </NavLink>
                </li>
              )}
              {canReadAudit && (
                <li>
                  <NavLink
                    to="/audit"
                    className="topbar__link"
                    onPointerEnter={() => void loadAuditPage()}
                    onFocus={() => void loadAuditPage()}
                  >
                    Audit log
                  </NavLink>
                </li>
              )}
              <li>
                <NavLink to="/api-reference" className="topbar__link">
                  API
                </NavLink>
              </li>
            </ul>
          </nav>
          <AccountMenu />
        </div>
      </header>
      <StorageBanner />
      <main id="main" className="main" tabIndex={-1} ref={main}>
        {/* Another workspace: every page starts afresh (nothing of the last one is shown). */}
        <Suspense key={workspaceId} fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </main>
      <Toaster />
    </div>
  );
}

/** Pages for people who are not signed in (or not yet in the workspace they were invited to). */
function SignedOutLayout() {
  return (
    <div className="app">
      <main id="main" className="auth-page" tabIndex={-1}>
        <Link to="/sign-in" className="brand auth-page__brand" aria-label="Switchboard">
          <span className="brand__mark" aria-hidden="true" />
          <span className="brand__name">Switchboard</span>
        </Link>
        <Suspense
          fallback={
            <div className="auth-card" aria-busy="true">
              <p className="muted" role="status">
                Loading…
              </p>
            </div>
          }
        >
          <Outlet />
        </Suspense>
      </main>
      <Toaster />
    </div>
  );
}

function NotFoundPage() {
  return (
    <div className="page">
      <title>Page not found · Switchboard</title>
      <div className="state">
        <h1 className="state__title">Page not found</h1>
        <p>Nothing lives at this address.</p>
        <Link className="button button--primary" to="/agents">
          Go to agents
        </Link>
      </div>
    </div>
  );
}

/**
 * Declarative routes on BrowserRouter: the data router (createBrowserRouter) would add ~16 KiB gzip
 * to the first load for loaders and actions this app does not use. The unsaved-changes guard that
 * its useBlocker offers lives in features/agents/unsaved-changes-guard.tsx instead.
 */
export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<SignedOutLayout />}>
          <Route path="sign-in" element={<SignInPage />} />
          <Route path="setup" element={<SetupPage />} />
          <Route path="accept-invitation" element={<AcceptInvitationPage />} />
        </Route>
        <Route element={<AppLayout />}>
          <Route index element={<Navigate to="/agents" replace />} />
          <Route path="agents" element={<AgentsListPage />} />
          <Route path="agents/new" element={<AgentCreatePage />} />
          <Route path="agents/:agentId" element={<AgentPage />} />
          <Route path="phone-numbers" element={<PhoneNumbersPage />} />
          <Route path="calls" element={<CallsPage />} />
          <Route path="calls/:sessionId" element={<CallDetailPage />} />
          <Route path="settings/members" element={<MembersPage />} />
          <Route path="settings/keys" element={<KeysPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="api-reference" element={<ApiReferencePage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
