"""Start a call with a saved Switchboard agent over the REST API.

    SWITCHBOARD_URL=http://127.0.0.1:4000 SWITCHBOARD_KEY=sb_sk_... \
        python3 examples/python/start_session.py <agentId>

Prints the room, the participant identity and the LiveKit URL; the participant token is in the
answer too (hand it to the client that joins; keep it out of logs). On an error it prints the
error's code, message and issues (Switchboard's error contract) and exits 1.
"""

import os
import sys

import requests


def start_session(base_url: str, key: str, agent_id: str) -> dict:
    answer = requests.post(
        f"{base_url.rstrip('/')}/api/v1/session",
        headers={"Authorization": f"Bearer {key}"},
        json={"agentId": agent_id},
        timeout=30,
    )
    body = answer.json()
    if not answer.ok:
        # Branch on `code` and `data.details.reason`; messages are for people.
        issues = "; ".join(
            f"{'.'.join(issue['path']) or '(input)'}: {issue['message']}"
            for issue in body["data"]["issues"]
        )
        raise RuntimeError(f"{answer.status_code} {body['code']}: {body['message']} {issues}".strip())
    return body


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: start_session.py <agentId>", file=sys.stderr)
        return 2
    try:
        session = start_session(
            os.environ.get("SWITCHBOARD_URL", "http://127.0.0.1:4000"),
            os.environ["SWITCHBOARD_KEY"],
            sys.argv[1],
        )
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"room={session['roomName']}")
    print(f"identity={session['participantIdentity']}")
    print(f"server_url={session['serverUrl']}")
    print(f"session_id={session['sessionId']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
