import {
  ConnectionState,
  createAudioAnalyser,
  LogLevel,
  ParticipantKind,
  Room,
  RoomEvent,
  setLogLevel,
  Track,
  type Participant,
  type RemoteAudioTrack,
  type RemoteParticipant,
  type RemoteTrack,
} from 'livekit-client';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { describeApiError } from '../../lib/api-error.ts';
import { formatDuration } from '../../lib/format.ts';
import { trpc, type RouterOutputs } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { CALL_ENDED_REASON_LABELS } from '../calls/call-labels.ts';
import {
  AGENT_JOIN_TIMEOUT_MS,
  connectProblemMessage,
  connectProblemOf,
  micProblemMessage,
  micProblemOf,
  type MicProblem,
} from './call-errors.ts';
import { listenToTranscription, upsertSegment, type LiveSegment } from './live-transcript.ts';

// This module (and livekit-client with it) loads only when a call starts: see talk-panel.tsx.

export type StartedSession = RouterOutputs['session']['start'];

setLogLevel(LogLevel.warn);

const LEVEL_SAMPLE_MS = 100;

interface AgentPresence {
  identity: string;
  name: string;
  /** `lk.agent.state` (listening, thinking, speaking, …) when the worker publishes it. */
  state: string | null;
}

interface CallState {
  connection: ConnectionState;
  /** Set when connecting failed: the call cannot go on. */
  failure: string | null;
  micEnabled: boolean;
  micProblem: MicProblem | null;
  micBusy: boolean;
  agent: AgentPresence | null;
  /** An agent has been in the room at some point of this call. */
  agentSeen: boolean;
  agentLevel: number;
  micLevel: number;
  connectedAt: number | null;
  ended: boolean;
  /** What the agent publishes on `lk.transcription`, in the order segments began. */
  transcript: LiveSegment[];
}

const INITIAL: CallState = {
  connection: ConnectionState.Connecting,
  failure: null,
  micEnabled: false,
  micProblem: null,
  micBusy: false,
  agent: null,
  agentSeen: false,
  agentLevel: 0,
  micLevel: 0,
  connectedAt: null,
  ended: false,
  transcript: [],
};

/** An agent participant: LiveKit's kind, or the `agent-` identity prefix older workers use. */
export function isAgentParticipant(participant: Participant): boolean {
  return participant.kind === ParticipantKind.AGENT || participant.identity.startsWith('agent-');
}

function presenceOf(participant: RemoteParticipant): AgentPresence {
  return {
    identity: participant.identity,
    name: participant.name || participant.identity,
    state: participant.attributes['lk.agent.state'] ?? null,
  };
}

/**
 * Joins the session's room and keeps React state in step with it: connection, microphone, the
 * agent's presence and both audio levels. The room is left when the component unmounts.
 */
function useCall(session: StartedSession) {
  const [state, setState] = useState<CallState>(INITIAL);
  const roomRef = useRef<Room | null>(null);
  const audioHost = useRef<HTMLDivElement>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const room = new Room({ adaptiveStream: true, dynacast: true });
    roomRef.current = room;
    let disposed = false;
    const update = (patch: Partial<CallState> | ((s: CallState) => Partial<CallState>)) => {
      if (disposed) return;
      setState((current) => ({
        ...current,
        ...(typeof patch === 'function' ? patch(current) : patch),
      }));
    };
    setState(INITIAL);

    let agentAnalyser: ReturnType<typeof createAudioAnalyser> | null = null;
    let micAnalyser: ReturnType<typeof createAudioAnalyser> | null = null;

    const findAgent = () => [...room.remoteParticipants.values()].find(isAgentParticipant) ?? null;
    const refreshAgent = () => {
      const agent = findAgent();
      update((current) => ({
        agent: agent ? presenceOf(agent) : null,
        agentSeen: current.agentSeen || agent !== null,
        ...(agent ? {} : { agentLevel: 0 }),
      }));
    };

    const attachAgentAudio = (track: RemoteTrack, participant: RemoteParticipant) => {
      if (track.kind !== Track.Kind.Audio) return;
      const element = track.attach();
      element.dataset.participant = participant.identity;
      audioHost.current?.append(element);
      if (isAgentParticipant(participant)) {
        void agentAnalyser?.cleanup();
        agentAnalyser = createAudioAnalyser(track as RemoteAudioTrack, { cloneTrack: true });
      }
    };

    const refreshMicAnalyser = () => {
      void micAnalyser?.cleanup();
      micAnalyser = null;
      const track = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.audioTrack;
      if (track && !track.isMuted) micAnalyser = createAudioAnalyser(track, { cloneTrack: true });
    };

    room
      .on(RoomEvent.ConnectionStateChanged, (connection) => {
        update((current) => ({
          connection,
          ...(connection === ConnectionState.Connected && current.connectedAt === null
            ? { connectedAt: Date.now() }
            : {}),
        }));
      })
      .on(RoomEvent.ParticipantConnected, refreshAgent)
      .on(RoomEvent.ParticipantDisconnected, refreshAgent)
      .on(RoomEvent.ParticipantAttributesChanged, refreshAgent)
      .on(RoomEvent.TrackSubscribed, (track, _publication, participant) =>
        attachAgentAudio(track, participant),
      )
      .on(RoomEvent.TrackUnsubscribed, (track, _publication, participant) => {
        track.detach().forEach((element) => element.remove());
        if (isAgentParticipant(participant) && track.kind === Track.Kind.Audio) {
          void agentAnalyser?.cleanup();
          agentAnalyser = null;
          update({ agentLevel: 0 });
        }
      })
      .on(RoomEvent.LocalTrackPublished, refreshMicAnalyser)
      .on(RoomEvent.TrackMuted, refreshMicAnalyser)
      .on(RoomEvent.TrackUnmuted, refreshMicAnalyser)
      .on(RoomEvent.Disconnected, () =>
        update({ ended: true, agent: null, agentLevel: 0, micLevel: 0 }),
      );

    listenToTranscription(room, (segment) =>
      update((current) => ({ transcript: upsertSegment(current.transcript, segment) })),
    );

    const levels = window.setInterval(() => {
      const agentLevel = agentAnalyser ? round(agentAnalyser.calculateVolume()) : 0;
      const micLevel = micAnalyser ? round(micAnalyser.calculateVolume()) : 0;
      update((current) =>
        current.agentLevel === agentLevel && current.micLevel === micLevel
          ? {}
          : { agentLevel, micLevel },
      );
    }, LEVEL_SAMPLE_MS);

    const run = async () => {
      try {
        // No ICE servers: the browser never asks public STUN servers; LiveKit hands out its own.
        await room.connect(session.serverUrl, session.participantToken, {
          rtcConfig: { iceServers: [] },
        });
      } catch (error) {
        if (disposed) return;
        const problem = connectProblemOf(error);
        update({
          failure: connectProblemMessage(problem, session.serverUrl),
          connection: ConnectionState.Disconnected,
        });
        return;
      }
      if (disposed) return;
      refreshAgent();
      update({ micBusy: true });
      try {
        await room.localParticipant.setMicrophoneEnabled(true);
        update({ micEnabled: true, micProblem: null, micBusy: false });
      } catch (error) {
        update({ micEnabled: false, micProblem: micProblemOf(error), micBusy: false });
      }
    };
    void run();

    return () => {
      disposed = true;
      window.clearInterval(levels);
      void agentAnalyser?.cleanup();
      void micAnalyser?.cleanup();
      void room.disconnect();
      roomRef.current = null;
    };
  }, [session, attempt]);

  const toggleMic = async () => {
    const room = roomRef.current;
    if (!room || state.micBusy) return;
    const enable = !state.micEnabled;
    setState((current) => ({ ...current, micBusy: true }));
    try {
      await room.localParticipant.setMicrophoneEnabled(enable);
      setState((current) => ({ ...current, micEnabled: enable, micProblem: null, micBusy: false }));
    } catch (error) {
      setState((current) => ({
        ...current,
        micEnabled: false,
        micProblem: micProblemOf(error),
        micBusy: false,
      }));
    }
  };

  const end = async () => {
    await roomRef.current?.disconnect();
  };

  return { state, audioHost, toggleMic, end, retry: () => setAttempt((n) => n + 1) };
}

function round(level: number): number {
  return Math.round(Math.min(1, Math.max(0, level)) * 100) / 100;
}

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  [ConnectionState.Connecting]: 'Connecting…',
  [ConnectionState.Connected]: 'Connected',
  [ConnectionState.Reconnecting]: 'Reconnecting…',
  [ConnectionState.SignalReconnecting]: 'Reconnecting…',
  [ConnectionState.Disconnected]: 'Disconnected',
};

interface CallViewProps {
  session: StartedSession;
  agentLabel: string;
  /** Leaves the call view (after it ended or failed). */
  onClose: () => void;
}

/** The live call: state, the agent's presence and level, the mic switch and the end button. */
export function CallView({ session, agentLabel, onClose }: CallViewProps) {
  const { state, audioHost, toggleMic, end, retry } = useCall(session);
  const elapsed = useElapsed(state.connectedAt, state.ended || state.failure !== null);
  const noWorker = useOverdue(
    state.connection === ConnectionState.Connected && !state.agentSeen && !state.ended
      ? state.connectedAt
      : null,
    AGENT_JOIN_TIMEOUT_MS,
  );
  const connection = state.failure
    ? 'Not connected'
    : state.ended
      ? 'Call ended'
      : CONNECTION_LABELS[state.connection];
  const tone = state.failure
    ? 'error'
    : state.ended
      ? 'idle'
      : state.connection === ConnectionState.Connected
        ? 'ok'
        : 'pending';

  return (
    <section className="call" aria-label={`Call with ${agentLabel}`}>
      <div className="call__header">
        <p className={`status-pill status-pill--${tone}`} role="status" aria-live="polite">
          <span className="status-pill__dot" aria-hidden="true" />
          <span>{connection}</span>
        </p>
        {elapsed && (
          <span className="call__timer" aria-label={`Call time ${elapsed}`}>
            {elapsed}
          </span>
        )}
      </div>

      {state.failure ? (
        <div className="callout callout--error" role="alert">
          <p>{state.failure}</p>
          <div className="callout__actions">
            <button type="button" className="button button--small" onClick={retry}>
              Try again
            </button>
            <button type="button" className="button button--ghost button--small" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      ) : state.ended ? (
        <div className="call__ended">
          <CallOutcome sessionId={session.sessionId} />
          <button type="button" className="button button--primary" onClick={onClose}>
            Done
          </button>
        </div>
      ) : (
        <>
          <div className="call__agent">
            <div className={`avatar${state.agent ? ' avatar--present' : ''}`} aria-hidden="true">
              <span
                className="avatar__ring"
                style={{
                  transform: `scale(${1 + state.agentLevel * 0.6})`,
                  opacity: state.agent ? 0.25 + state.agentLevel : 0,
                }}
              />
              <span className="avatar__initial">{agentLabel.slice(0, 1).toUpperCase()}</span>
            </div>
            <div className="call__agent-text">
              <p className="call__agent-status" role="status" aria-live="polite">
                {state.agent
                  ? `Agent joined${state.agent.state ? ` · ${state.agent.state}` : ''}`
                  : noWorker
                    ? 'No agent has joined'
                    : state.connection === ConnectionState.Connected
                      ? 'Waiting for the agent to join…'
                      : 'The agent joins once you are connected'}
              </p>
              {state.agent && <p className="call__agent-identity mono">{state.agent.identity}</p>}
            </div>
          </div>
          {noWorker && !state.agent && (
            <div className="callout callout--warning" role="alert">
              <p>
                No agent worker took this call in {AGENT_JOIN_TIMEOUT_MS / 1000} seconds: LiveKit
                asked for one registered as <code>{session.agentName}</code> and none answered.
                Check that your worker is running, that it registers with that{' '}
                <code>agent_name</code> (the server’s <code>AGENT_NAME</code>), and that it connects
                to the same LiveKit server as this dashboard. Then end this call and start a new
                one: a worker that starts later is not offered this call.
              </p>
            </div>
          )}
          <LevelMeter label="Agent audio level" level={state.agentLevel} />
          <LevelMeter
            label={state.micEnabled ? 'Your microphone level' : 'Your microphone is off'}
            level={state.micLevel}
          />

          {state.micProblem && (
            <div className="callout callout--warning" role="alert">
              <p>{micProblemMessage(state.micProblem)}</p>
            </div>
          )}

          <div className="call__controls">
            <button
              type="button"
              className={`button${state.micEnabled ? '' : ' button--muted'}`}
              onClick={() => void toggleMic()}
              disabled={state.micBusy || state.connection !== ConnectionState.Connected}
            >
              {state.micEnabled ? 'Turn microphone off' : 'Turn microphone on'}
            </button>
            <button type="button" className="button button--danger" onClick={() => void end()}>
              End call
            </button>
          </div>
        </>
      )}

      {!state.failure && <LiveTranscript segments={state.transcript} agentLabel={agentLabel} />}

      <dl className="call__details">
        <div>
          <dt>Room</dt>
          <dd className="mono" data-testid="call-room">
            {session.roomName}
          </dd>
        </div>
        <div>
          <dt>You</dt>
          <dd className="mono" data-testid="call-identity">
            {session.participantIdentity}
          </dd>
        </div>
        <div>
          <dt>Worker</dt>
          <dd className="mono">{session.agentName}</dd>
        </div>
      </dl>
      {/* The agent's voice plays through audio elements LiveKit creates. */}
      <div ref={audioHost} hidden />
    </section>
  );
}

/** What was said so far, as the agent publishes it (interim text greyed until final). */
function LiveTranscript({ segments, agentLabel }: { segments: LiveSegment[]; agentLabel: string }) {
  const list = useRef<HTMLOListElement>(null);
  const count = segments.length;
  const last = segments[count - 1]?.text;
  // The newest words stay in view inside the list (never by scrolling the page).
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [count, last]);
  return (
    <section className="live-transcript" aria-label="Live transcript">
      <h3 className="live-transcript__title">Transcript</h3>
      {segments.length === 0 ? (
        <p className="muted live-transcript__empty">
          What is said appears here, if the agent publishes transcriptions.
        </p>
      ) : (
        <ol className="live-transcript__list" role="log" aria-live="polite" ref={list}>
          {segments.map((segment) => (
            <li
              key={segment.id}
              className={`live-transcript__segment live-transcript__segment--${segment.role}${segment.final ? '' : ' live-transcript__segment--interim'}`}
            >
              <span className="live-transcript__who">
                {segment.role === 'agent' ? agentLabel : 'You'}
              </span>
              <span className="live-transcript__text">{segment.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Ended calls wait this often for the server to record why (LiveKit closes the room first). */
const OUTCOME_POLL_MS = 2000;

/**
 * Why the call ended, from the call history (`sessions.get`): LiveKit closes the room a little
 * after the last person leaves, and the server records the end from its webhook.
 */
function CallOutcome({ sessionId }: { sessionId: string | null }) {
  const canRead = useCan('sessions:read');
  const enabled = canRead && sessionId !== null;
  const call = trpc.sessions.get.useQuery(
    { sessionId: sessionId ?? '' },
    {
      enabled,
      refetchInterval: (query) => (query.state.data?.status === 'ended' ? false : OUTCOME_POLL_MS),
    },
  );
  const data = call.data;
  return (
    <div className="call__outcome">
      <p>The call has ended.</p>
      {enabled && (
        <p className="call__outcome-detail" role="status" aria-live="polite">
          {data?.status === 'ended' ? (
            <>
              {data.endedReason ? CALL_ENDED_REASON_LABELS[data.endedReason] : 'Ended'}
              {data.durationSeconds !== null && ` · ${formatDuration(data.durationSeconds)}`}
              {' · '}
              <Link to={`/calls/${data.id}`}>Call details</Link>
            </>
          ) : call.isError ? (
            <>Could not read the call record: {describeApiError(call.error)}</>
          ) : (
            <>
              Recording the end of the call…{' '}
              {sessionId && <Link to={`/calls/${sessionId}`}>Call details</Link>}
            </>
          )}
        </p>
      )}
    </div>
  );
}

function LevelMeter({ label, level }: { label: string; level: number }) {
  const percent = Math.round(level * 100);
  return (
    <div className="meter">
      <span className="meter__label">{label}</span>
      <div
        className="meter__track"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <span className="meter__fill" style={{ width: `${Math.max(percent, 0)}%` }} />
      </div>
    </div>
  );
}

/** True once `timeoutMs` have passed since `since` (null: not waiting, never overdue). */
function useOverdue(since: number | null, timeoutMs: number): boolean {
  const [overdueFor, setOverdueFor] = useState<number | null>(null);
  useEffect(() => {
    if (since === null) return;
    const timer = window.setTimeout(
      () => setOverdueFor(since),
      Math.max(0, since + timeoutMs - Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [since, timeoutMs]);
  return since !== null && overdueFor === since;
}

function useElapsed(since: number | null, stopped: boolean): string | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null || stopped) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [since, stopped]);
  if (since === null) return null;
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
