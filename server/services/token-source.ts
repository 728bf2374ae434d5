import type { ApiIssue } from '../../shared/errors.ts';
import { agentConfigOverridesSchema } from '../../shared/session.schema.ts';
import type { TokenSourceRequest, TokenSourceResponse } from '../../shared/token-source.schema.ts';
import { AppError, invalidInput, parseWith } from '../errors.ts';
import type { SessionService, SessionStarter } from './session.service.ts';

const METADATA_PATH = ['room_config', 'agents', '0', 'metadata'];
/** `session.start`'s fields as the token endpoint's caller named them. */
const FIELD_NAMES: Readonly<Record<string, string[]>> = {
  roomName: ['room_name'],
  userIdentity: ['participant_identity'],
  agentConfig: METADATA_PATH,
};

/**
 * LiveKit's token endpoint over `session.start`: the same checks (a publishable key's origin and
 * agents), room rules, dispatch and call record. The dispatch metadata a client sends is per-call
 * overrides, validated as `agentConfig` is; it never replaces the saved config.
 */
export async function startForTokenSource(
  deps: { session: SessionService; agentName: string },
  starter: SessionStarter,
  input: TokenSourceRequest,
): Promise<TokenSourceResponse> {
  const dispatch = input.room_config?.agents?.[0];
  if (dispatch?.agent_name && dispatch.agent_name !== deps.agentName) {
    throw invalidInput(
      ['room_config', 'agents', '0', 'agent_name'],
      `This server dispatches the agent worker "${deps.agentName}": leave agent_name out or send that`,
    );
  }
  let agentConfig;
  if (dispatch?.metadata !== undefined && dispatch.metadata.trim() !== '') {
    let overrides: unknown;
    try {
      overrides = JSON.parse(dispatch.metadata);
    } catch {
      throw invalidInput(METADATA_PATH, 'metadata must be a JSON object of agentConfig overrides');
    }
    agentConfig = parseWith(agentConfigOverridesSchema, overrides, METADATA_PATH);
  }
  try {
    const started = await deps.session.start(starter, {
      agentId: input.agentId,
      ...(input.room_name !== undefined && { roomName: input.room_name }),
      ...(input.participant_identity !== undefined && {
        userIdentity: input.participant_identity,
      }),
      ...(agentConfig !== undefined && { agentConfig }),
    });
    return {
      server_url: started.serverUrl,
      participant_token: started.participantToken,
      room_name: started.roomName,
      participant_identity: started.participantIdentity,
      session_id: started.sessionId,
    };
  } catch (error) {
    throw error instanceof AppError ? renamed(error) : error;
  }
}

/** The error with its issues' paths in the request's own field names. */
function renamed(error: AppError): AppError {
  const issues: ApiIssue[] = error.issues.map((issue) => {
    const [first, ...rest] = issue.path;
    const renamedFirst = first === undefined ? undefined : FIELD_NAMES[first];
    return renamedFirst ? { ...issue, path: [...renamedFirst, ...rest] } : issue;
  });
  error.issues.splice(0, error.issues.length, ...issues);
  return error;
}
