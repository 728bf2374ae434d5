import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  connectTestDatabase,
  dropTestDatabase,
  testDatabaseUri,
} from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeCallReportStoreContract } from '../../ports/call-report-store.contract.ts';
import type { CallReportRecord } from '../../ports/call-report-store.port.ts';
import { expectEveryQueryIndexed, recordQueries } from '../../testing/index-shape.ts';
import { CALL_REPORTS_COLLECTION } from './call-report.model.ts';
import { createMongooseCallReportStore } from './call-report-store.mongoose.ts';

const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';

let connection: Connection;
let databaseUri: string;

beforeAll(async () => {
  databaseUri = testDatabaseUri('call_report_store');
  connection = await connectTestDatabase(databaseUri);
  await createMongooseCallReportStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

describeCallReportStoreContract('mongoose', async () => {
  await connection.collection(CALL_REPORTS_COLLECTION).deleteMany({});
  return createMongooseCallReportStore(connection);
});

const buildReport = (overrides: Partial<CallReportRecord> = {}): CallReportRecord => ({
  sessionId: new mongoose.Types.ObjectId().toHexString(),
  workspaceId: WS,
  transcript: [{ role: 'agent', text: 'Hi', startedAt: '2026-01-01T12:00:00Z', endedAt: null }],
  usage: { sttAudioSeconds: 1.5 },
  reportedAt: new Date(Date.UTC(2026, 0, 1, 12, 1)),
  ...overrides,
});

describe('Mongoose call report adapter: what is stored', () => {
  test('reports live in `call_session_reports` with the session id as _id, no __v', async () => {
    const store = createMongooseCallReportStore(connection);
    const report = buildReport();
    await store.save(report);
    const raw = await connection
      .collection<{ _id: string }>(CALL_REPORTS_COLLECTION)
      .findOne({ _id: report.sessionId });
    expect(raw).toEqual({
      _id: report.sessionId,
      workspaceId: WS,
      transcript: [{ role: 'agent', text: 'Hi', startedAt: '2026-01-01T12:00:00Z', endedAt: null }],
      usage: { sttAudioSeconds: 1.5 },
      reportedAt: report.reportedAt,
    });
  });

  test('every query filters on exactly { _id }', async () => {
    const monitored = await connectTestDatabase(databaseUri, { monitorCommands: true });
    const recording = recordQueries(monitored);
    try {
      const store = createMongooseCallReportStore(monitored);
      const report = buildReport();
      await store.save(report);
      await store.save({ ...report, usage: null });
      await Promise.all([store.save(buildReport()), store.get(WS, report.sessionId)]);
      await store.get('bbbbbbbbbbbbbbbbbbbbbbbb', report.sessionId);
    } finally {
      recording.stop();
      await monitored.close();
    }
    const sent = expectEveryQueryIndexed(recording.queries, { [CALL_REPORTS_COLLECTION]: [] });
    expect(new Set(sent.map((query) => query.command))).toEqual(new Set(['find', 'update']));
    for (const query of sent) expect(Object.keys(query.filter)).toEqual(['_id']);
  });
});

describe('Mongoose call report adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected, instead of waiting', async () => {
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseCallReportStore(down);
    await expect(store.get(WS, 'aaaaaaaaaaaaaaaaaaaaaaaa')).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    await expect(store.save(buildReport())).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
