import { describe, expect, test } from 'vitest';
import type { AgentPublishOutput } from '../../../shared/agent-version.schema.ts';
import type { ApiErrorInfo } from '../../lib/api-error.ts';
import {
  callVersionLabel,
  deleteVersionProblem,
  describeAuthor,
  diffValue,
  parseSide,
  publishOutcome,
  restoreOutcome,
  routeVersionLabel,
  sideLabel,
  sideValue,
  summarizeChanges,
} from './version-labels.ts';

function publishResult(status: 'published' | 'unchanged', version: number): AgentPublishOutput {
  return {
    status,
    version: {
      agentId: '0123456789abcdef01234567',
      version,
      configHash: 'f'.repeat(64),
      parentVersion: version > 1 ? version - 1 : null,
      restoredFrom: null,
      note: null,
      publishedBy: { kind: 'user', id: 'u1' },
      publishedAt: '2026-12-01T04:00:00.000Z',
    },
  };
}

describe('sides of a comparison', () => {
  test('a side round-trips through its select value and reads as people name it', () => {
    for (const side of ['draft', 'published', 1, 12] as const) {
      expect(parseSide(sideValue(side))).toBe(side);
    }
    expect([sideLabel('draft'), sideLabel('published'), sideLabel(3)]).toEqual([
      'Draft',
      'Published',
      'v3',
    ]);
  });

  test('anything but a side is refused, not guessed', () => {
    for (const value of ['', '0', '-1', '1.5', 'v2', '01', '99999999', 'Draft']) {
      expect(parseSide(value)).toBeNull();
    }
  });
});

describe('who published', () => {
  const names = {
    selfId: 'me',
    members: new Map([['u2', 'Ada']]),
    keys: new Map([['k1', 'CI deploys']]),
  };

  test('people and keys by name when known, by kind otherwise', () => {
    expect(describeAuthor({ kind: 'user', id: 'me' }, names)).toBe('you');
    expect(describeAuthor({ kind: 'user', id: 'u2' }, names)).toBe('Ada');
    expect(describeAuthor({ kind: 'user', id: 'u3' }, names)).toBe('a member');
    expect(describeAuthor({ kind: 'api-key', id: 'k1' }, names)).toBe('API key “CI deploys”');
    expect(describeAuthor({ kind: 'api-key', id: 'k2' }, { selfId: 'me' })).toBe('an API key');
    expect(describeAuthor({ kind: 'local', id: 'local' }, names)).toBe('the local owner');
    expect(describeAuthor({ kind: 'system', id: 'migration' }, names)).toMatch(/^Switchboard/);
  });
});

describe('diffs', () => {
  test('a summary counts each kind, changed first, and is empty without changes', () => {
    expect(
      summarizeChanges([
        { kind: 'added' },
        { kind: 'changed' },
        { kind: 'changed' },
        { kind: 'removed' },
      ]),
    ).toBe('2 changed, 1 added, 1 removed');
    expect(summarizeChanges([])).toBe('');
  });

  test('values keep strings apart from numbers, say what is missing and stay short', () => {
    expect(diffValue('0.4')).toBe('"0.4"');
    expect(diffValue(0.4)).toBe('0.4');
    expect(diffValue(undefined)).toBe('(not set)');
    expect(diffValue(null)).toBe('null');
    expect(diffValue({ a: 1 })).toBe('{\n "a": 1\n}');
    const long = diffValue('x'.repeat(1000), 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('outcomes', () => {
  test('a publish says which version went live, or that nothing new was published', () => {
    expect(publishOutcome(publishResult('published', 4), 'Front desk')).toBe(
      'Published v4 of “Front desk”: numbers that follow “Published” run it now.',
    );
    expect(publishOutcome(publishResult('unchanged', 3), 'Front desk')).toBe(
      'Nothing new to publish: the draft is the same as v3, which stays published.',
    );
  });

  test('a restore says whether it was published, and as which version', () => {
    expect(restoreOutcome(1, null)).toBe('Restored v1 into the draft. Publish it to make it live.');
    expect(restoreOutcome(1, publishResult('published', 3))).toBe(
      'Restored v1 and published it as v3.',
    );
    expect(restoreOutcome(2, publishResult('unchanged', 2))).toMatch(/same as v2/);
  });
});

describe('versions in numbers and calls', () => {
  test('a number follows "Published" or names its pinned version', () => {
    expect(routeVersionLabel(null)).toBe('Published');
    expect(routeVersionLabel(2)).toBe('v2 (pinned)');
  });

  test('a call names the version it ran, the draft, or nothing without a saved agent', () => {
    expect(callVersionLabel({ agentId: 'a', agentVersion: 3, draft: false })).toBe('v3');
    expect(callVersionLabel({ agentId: 'a', agentVersion: null, draft: true })).toBe('Draft');
    expect(callVersionLabel({ agentId: null, agentVersion: null, draft: false })).toBeNull();
  });
});

describe('deleting a version', () => {
  const refusal = (details: ApiErrorInfo['details']): ApiErrorInfo => ({
    code: 'CONFLICT',
    message: 'the server’s words',
    issues: [],
    details,
  });

  test('a refusal names the numbers pinned to the version, or says it is the published one', () => {
    const agentId = '0123456789abcdef01234567';
    expect(
      deleteVersionProblem(
        'v2',
        refusal({ reason: 'version-pinned', agentId, version: 2, numbers: ['+14155550100'] }),
      ),
    ).toBe(
      'Could not delete v2: the number +14155550100 is pinned to it. Move it to another version under Phone numbers first.',
    );
    expect(
      deleteVersionProblem(
        'v2',
        refusal({
          reason: 'version-pinned',
          agentId,
          version: 2,
          numbers: ['+1', '+2', '+3', '+4', '+5'],
        }),
      ),
    ).toMatch(/the numbers \+1, \+2, \+3 and 2 more are pinned to it\. Move them/);
    expect(
      deleteVersionProblem(
        'v3',
        refusal({ reason: 'version-published', agentId, version: 3, numbers: [] }),
      ),
    ).toMatch(/it is the published version/);
    expect(deleteVersionProblem('v1', refusal(null))).toBe(
      'Could not delete v1: the server’s words',
    );
  });
});
