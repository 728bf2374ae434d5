/** Plain JSON helpers shared by the list, the editor and the diff (kept tiny: the list loads first). */

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
