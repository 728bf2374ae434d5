import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './did-route-store.mongoose.ts';

/**
 * The record that a one-time change happened to a document — an invitation spent, an API key
 * revoked — kept for good: `_id` is the changed document's id, `how` and `at` what was done.
 *
 * Inserting a unique `_id` is the one compare-and-set that is atomic on FerretDB v1 as on
 * MongoDB. A conditional `updateOne` (`{ _id, acceptedAt: null }` + `$set`) is NOT atomic on
 * FerretDB v1.24: it reads, filters in Go, then rewrites the document by `_id` alone and counts it
 * modified (measured: 5 racing `updateOne`s had more than one `modifiedCount: 1` in 28 rounds of
 * 30; `findOneAndUpdate` likewise). So the claim decides who changed the document, and the update
 * that follows copies the winner's `how`/`at` onto it for reads and queries. A writer that dies
 * between the two leaves a claimed document that still looks unchanged; the next attempt to
 * change it loses the claim and copies the recorded change over (`settle`), so it heals on use.
 * The `_id` index is the only one needed.
 */
export interface OnceClaimDocument {
  _id: string;
  how: string;
  at: Date;
}

const onceClaimMongooseSchema = (collection: string) =>
  new Schema(
    {
      _id: { type: String, required: true },
      how: { type: String, required: true },
      at: { type: Date, required: true },
    },
    { collection, versionKey: false, autoIndex: false, autoCreate: false, strict: true },
  );

export function onceClaimModel(
  connection: Connection,
  modelName: string,
  collection: string,
): Model<OnceClaimDocument> {
  return (
    (connection.models[modelName] as Model<OnceClaimDocument> | undefined) ??
    connection.model<OnceClaimDocument>(modelName, onceClaimMongooseSchema(collection))
  );
}

/** Records the change; false when the document was already claimed (by this or another writer). */
export async function claimOnce(
  Claims: Model<OnceClaimDocument>,
  claim: OnceClaimDocument,
): Promise<boolean> {
  try {
    await Claims.create(claim);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** The recorded change of a document, for copying it over after a writer died (see above). */
export async function findClaim(
  Claims: Model<OnceClaimDocument>,
  id: string,
): Promise<OnceClaimDocument | null> {
  return Claims.findOne({ _id: id }).lean<OnceClaimDocument>().exec();
}
