import type { Connection } from 'mongoose';
import type { LeaseAcquireOutcome, LeaseStore } from '../../ports/lease-store.port.ts';
import { ignoreAlreadyExists, translate } from './agent-store.mongoose.ts';
import { isDuplicateKey } from './did-route-store.mongoose.ts';
import {
  leaseClaimModel,
  leaseModel,
  type LeaseClaimDocument,
  type LeaseDocument,
} from './lease.model.ts';

export interface MongooseLeaseStore extends LeaseStore {
  /** Creates the collections (idempotent); `_id` is their only index. */
  ensureIndexes(): Promise<void>;
}

/** Claims skipped over at most in one acquire (each a claimer that died before its lease write). */
const MAX_DEAD_CLAIMS = 3;

/**
 * Leases in MongoDB / FerretDB without transactions, TTL indexes or atomic conditional updates
 * (see lease.model.ts). acquire:
 * 1. read the lease by `_id`; held by another holder and not expired → not acquired;
 * 2. insert the claim `<key>#<fence+1>`; a duplicate means a racer won that acquisition → not
 *    acquired, unless that claim has expired (its winner died before step 3: skip past it);
 * 3. write the lease (holder, fence, expiresAt) unless it already shows a higher fence, read it
 *    back, and hold it only if it names this acquisition; delete the previous claim.
 * renew and release write the lease by `_id` and holder. Like any lease, a holder that overruns
 * its TTL may overlap with the next one: TTLs are chosen well above what the holder does.
 */
export function createMongooseLeaseStore(
  connection: Connection,
  options: { now?: () => Date } = {},
): MongooseLeaseStore {
  const Leases = leaseModel(connection);
  const Claims = leaseClaimModel(connection);
  const now = options.now ?? (() => new Date());
  const claimId = (key: string, fence: number) => `${key}#${fence}`;

  const insertClaim = async (claim: LeaseClaimDocument): Promise<boolean> => {
    try {
      await Claims.create(claim);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  };

  const acquire = async (
    key: string,
    holder: string,
    ttlMs: number,
  ): Promise<LeaseAcquireOutcome> => {
    const at = now();
    const expiresAt = new Date(at.getTime() + ttlMs);
    const lease = await Leases.findOne({ _id: key }).lean<LeaseDocument>().exec();
    if (lease && lease.holder !== holder && lease.expiresAt >= at) return { acquired: false };
    let fence = (lease?.fence ?? 0) + 1;
    for (let skipped = 0; ; skipped++) {
      if (await insertClaim({ _id: claimId(key, fence), holder, expiresAt })) break;
      const taken = await Claims.findOne({ _id: claimId(key, fence) })
        .lean<LeaseClaimDocument>()
        .exec();
      // Gone: its winner has moved the lease on since step 1 (and deleted it) — someone holds it.
      if (!taken || taken.expiresAt >= at || skipped === MAX_DEAD_CLAIMS)
        return { acquired: false };
      fence += 1;
    }
    await Leases.updateOne(
      { _id: key, $or: [{ fence: { $lt: fence } }, { fence: { $exists: false } }] },
      { $set: { holder, fence, expiresAt } },
      { upsert: !lease },
    )
      .exec()
      .catch((error: unknown) => {
        // Created meanwhile by a later acquisition: the read-back below tells.
        if (!isDuplicateKey(error)) throw error;
      });
    const written = await Leases.findOne({ _id: key }).lean<LeaseDocument>().exec();
    if (written?.fence !== fence || written.holder !== holder) return { acquired: false };
    await Claims.deleteOne({ _id: claimId(key, fence - 1) }).exec();
    return { acquired: true, fence };
  };

  return {
    ensureIndexes: () =>
      translate(async () => {
        await Leases.createCollection().catch(ignoreAlreadyExists);
        await Claims.createCollection().catch(ignoreAlreadyExists);
      }),

    acquire: (key, holder, ttlMs) => translate(() => acquire(key, holder, ttlMs)),

    renew: (key, holder, ttlMs) =>
      translate(async () => {
        const result = await Leases.updateOne(
          { _id: key, holder },
          { $set: { expiresAt: new Date(now().getTime() + ttlMs) } },
        ).exec();
        return result.matchedCount === 1;
      }),

    release: (key, holder) =>
      translate(async () => {
        // Expired rather than deleted: the fence goes on growing.
        await Leases.updateOne({ _id: key, holder }, { $set: { expiresAt: new Date(0) } }).exec();
      }),
  };
}
