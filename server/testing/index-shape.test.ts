import mongoose from 'mongoose';
import { describe, expect, test } from 'vitest';
import { servingIndex, type IndexKeys } from './index-shape.ts';

const LIST: IndexKeys = [
  ['workspaceId', 1],
  ['deletedAt', 1],
  ['createdAt', -1],
  ['_id', -1],
];
const BY_HASH: IndexKeys = [['hash', 1]];

describe('servingIndex', () => {
  test('an equality or $in on _id is the _id index', () => {
    const id = new mongoose.Types.ObjectId();
    expect(servingIndex({ filter: { _id: id, workspaceId: 'w' } }, [])).toBe('_id');
    expect(servingIndex({ filter: { _id: { $in: [id] } } }, [])).toBe('_id');
    expect(servingIndex({ filter: { _id: { $gt: id } } }, [])).toBeUndefined();
  });

  test('pinned leading keys then the sort, in either direction, with ranges walked', () => {
    const filter = { workspaceId: 'w', deletedAt: null };
    expect(servingIndex({ filter, sort: { createdAt: -1, _id: -1 } }, [LIST])).toBe(
      'workspaceId_1_deletedAt_1_createdAt_-1__id_-1',
    );
    expect(servingIndex({ filter, sort: { createdAt: 1, _id: 1 } }, [LIST])).toBeDefined();
    expect(
      servingIndex(
        { filter: { ...filter, createdAt: { $lt: new Date() } }, sort: { createdAt: -1 } },
        [LIST],
      ),
    ).toBeDefined();
    expect(servingIndex({ filter: { hash: 'h' } }, [LIST, BY_HASH])).toBe('hash_1');
  });

  test('no index: a sort the index does not continue with, an equality outside it, no pinned key', () => {
    const filter = { workspaceId: 'w', deletedAt: null };
    expect(servingIndex({ filter, sort: { name: 1 } }, [LIST])).toBeUndefined();
    expect(servingIndex({ filter, sort: { createdAt: -1, _id: 1 } }, [LIST])).toBeUndefined();
    expect(servingIndex({ filter: { ...filter, role: 'owner' } }, [LIST])).toBeUndefined();
    expect(servingIndex({ filter: { deletedAt: null } }, [LIST])).toBeUndefined();
    expect(
      servingIndex({ filter: { workspaceId: 'w' }, sort: { createdAt: -1 } }, [LIST]),
    ).toBeUndefined();
  });

  test('an empty filter is answered by the first document only with limit 1 and no sort', () => {
    expect(servingIndex({ filter: {}, limit: 1 }, [])).toBe('first document');
    expect(servingIndex({ filter: {} }, [LIST])).toBeUndefined();
    expect(servingIndex({ filter: {}, limit: 1, sort: { createdAt: -1 } }, [LIST])).toBeUndefined();
  });
});
