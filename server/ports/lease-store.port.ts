/** What `acquire` answers: the lease and its fence, or that someone else holds it. */
export type LeaseAcquireOutcome =
  | {
      acquired: true;
      /**
       * Grows by one at every acquisition of the key (by anyone): a holder that passes it along
       * lets the receiver refuse an older holder's late write.
       */
      fence: number;
    }
  | { acquired: false };

/**
 * Short-lived mutual exclusion across server instances, by key (`room:<name>`, `job:reconcile`).
 * One atomic write per call, no TTL index and no transaction (FerretDB 1.x has neither): a lease
 * whose `expiresAt` has passed is simply taken over by the next `acquire`. Expiry is judged by the
 * adapter's clock, so instances' clocks must agree to well within a TTL. Adapters translate their
 * driver's failures into AppErrors (an outage is a ServiceUnavailableError).
 */
export interface LeaseStore {
  /**
   * Takes the lease for `ttlMs` from now when it is free, expired or already `holder`'s (which
   * extends it). Of racing acquirers of a free key exactly one gets it.
   */
  acquire(key: string, holder: string, ttlMs: number): Promise<LeaseAcquireOutcome>;
  /** Extends `holder`'s lease to `ttlMs` from now; false when the lease is not (any more) theirs. */
  renew(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if `holder` holds it; anyone else's release changes nothing. */
  release(key: string, holder: string): Promise<void>;
}
