import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { setPopHandler } from '../../lib/pop-guard.ts';

type Pending = { kind: 'link'; to: string } | { kind: 'history'; delta: number };

/** BrowserRouter numbers its history entries (`state.idx`); a pop's distance comes from it. */
function entryIndex(state: unknown): number | null {
  const idx = (state as { idx?: unknown } | null)?.idx;
  return typeof idx === 'number' ? idx : null;
}

/**
 * Asks before unsaved edits are left behind: in-app links and the back/forward buttons get a
 * dialog, closing or reloading the tab gets the browser's own prompt. Navigations the page starts
 * itself (`navigate()` after a save) are not intercepted.
 *
 * (The data router's `useBlocker` would do this, but the data router costs ~16 KiB gzip on the
 * first load; see app.tsx.) Links are caught in the capture phase, before React Router's own
 * handler; a history pop is caught before the router's listener (lib/pop-guard.ts), undone, and
 * replayed on "discard".
 */
export function useUnsavedChangesGuard(dirty: boolean) {
  const navigate = useNavigate();
  const location = useLocation();
  const [pending, setPending] = useState<Pending | null>(null);
  const entry = useRef<number | null>(null);
  const pathname = useRef(location.pathname);
  const replaying = useRef(false);

  useEffect(() => {
    entry.current = entryIndex(window.history.state);
    pathname.current = location.pathname;
  }, [location.key, location.pathname]);

  useEffect(() => {
    if (!dirty) return;
    let undoing = false;

    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
      if (!(anchor instanceof HTMLAnchorElement)) return;
      if ((anchor.target && anchor.target !== '_self') || anchor.hasAttribute('download')) return;
      const url = new URL(anchor.href, window.location.href);
      // Another site is the browser's business (beforeunload); the same page is only a hash.
      if (url.origin !== window.location.origin || url.pathname === pathname.current) return;
      event.preventDefault();
      event.stopPropagation();
      setPending({ kind: 'link', to: `${url.pathname}${url.search}${url.hash}` });
    };

    /** True stops the pop before the router sees it. */
    const onPop = (event: PopStateEvent): boolean => {
      if (replaying.current) {
        replaying.current = false;
        return false;
      }
      if (undoing) {
        undoing = false;
        return true;
      }
      const next = entryIndex(event.state);
      const current = entry.current;
      if (next === null || current === null || next === current) return false;
      if (window.location.pathname === pathname.current) return false;
      // The URL has already changed: go back where we were, then ask.
      undoing = true;
      window.history.go(current - next);
      setPending({ kind: 'history', delta: next - current });
      return true;
    };

    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();

    document.addEventListener('click', onClick, true);
    const removePopHandler = setPopHandler(onPop);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      document.removeEventListener('click', onClick, true);
      removePopHandler();
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [dirty]);

  const proceed = () => {
    const target = pending;
    setPending(null);
    if (!target) return;
    if (target.kind === 'link') {
      void navigate(target.to);
    } else {
      replaying.current = true;
      window.history.go(target.delta);
    }
  };

  return (
    <ModalDialog
      open={pending !== null}
      title="Leave without saving?"
      role="alertdialog"
      onClose={() => setPending(null)}
      actions={
        <>
          <button type="button" className="button" onClick={() => setPending(null)} autoFocus>
            Stay on this page
          </button>
          <button type="button" className="button button--danger" onClick={proceed}>
            Discard changes
          </button>
        </>
      }
    >
      <p>This agent has changes that are not saved yet. Leaving this page discards them.</p>
    </ModalDialog>
  );
}
