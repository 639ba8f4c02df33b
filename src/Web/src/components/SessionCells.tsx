/** A session's agent, online or not, as the session lists show it. */
export function AgentStatus({ online }: { online: boolean }) {
  return online ? <span className="status"><span className="dot online" /> online</span> : <span className="status"><span className="dot" /> offline</span>;
}

/** Opens the viewer for a session in its own tab (one tab per session: a second click focuses it). */
export function ConnectButton({ sessionId, online }: { sessionId: string; online: boolean }) {
  return (
    <button type="button" className="primary small" disabled={!online} onClick={() => window.open(`/connect/${sessionId}`, `gc-${sessionId}`)}>
      Connect
    </button>
  );
}
