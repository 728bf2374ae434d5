import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const LEASES_COLLECTION = 'leases';
export const LEASE_CLAIMS_COLLECTION = 'lease_claims';

/**
 * `leases` documents: one per key (`room:<name>`, `job:reconcile`), `_id` IS the key: who holds
 * it (`holder`), until when (`expiresAt`, the adapter's clock) and the acquisition number
 * (`fence`). A released lease keeps its document, expired, so the fence goes on growing; there is
 * one per room name ever started, like `rooms`.
 *
 * Who gets a free or expired lease is NOT decided by a conditional update of this document: on the
 * bundled FerretDB 1.x an update reads, filters in Go and rewrites by `_id`, so racing
 * `findOneAndUpdate({ _id, expiresAt: { $lt: now } })`s all "win" (the contract test of racing
 * takeovers showed two and more winners; docs/decisions/one-time-changes-by-claim-insert.md).
 * It is decided by inserting `<key>#<fence>` into `lease_claims` (a unique `_id` insert is atomic
 * on both databases): of racers that read fence n, exactly one inserts `<key>#<n+1>`.
 */
export const leaseMongooseSchema = new Schema(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    fence: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  {
    collection: LEASES_COLLECTION,
    versionKey: false,
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

/**
 * `lease_claims`: `_id` = `<key>#<fence>`, who claimed that acquisition and until when. The winner
 * of acquisition n+1 deletes claim n once the lease document says n+1, so about one claim per key
 * stays.
 */
export const leaseClaimMongooseSchema = new Schema(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  {
    collection: LEASE_CLAIMS_COLLECTION,
    versionKey: false,
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

/** Every query on both collections is by `_id`: the `_id` index is the only one. */
export type LeaseDocument = InferSchemaType<typeof leaseMongooseSchema>;
export type LeaseClaimDocument = InferSchemaType<typeof leaseClaimMongooseSchema>;

export function leaseModel(connection: Connection): Model<LeaseDocument> {
  return (
    (connection.models.Lease as Model<LeaseDocument> | undefined) ??
    connection.model<LeaseDocument>('Lease', leaseMongooseSchema)
  );
}

export function leaseClaimModel(connection: Connection): Model<LeaseClaimDocument> {
  return (
    (connection.models.LeaseClaim as Model<LeaseClaimDocument> | undefined) ??
    connection.model<LeaseClaimDocument>('LeaseClaim', leaseClaimMongooseSchema)
  );
}
