import { ApiError } from "../api/problem";

/** Shows a failed call: the problem's title and detail, its field errors, code and trace id. */
export function ProblemView({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const problem =
    error instanceof ApiError ? error : new ApiError({ status: 0, title: "Something went wrong", detail: error instanceof Error ? error.message : String(error) });
  return (
    <div className="problem" role="alert" data-testid="problem">
      <div className="problem-title">{problem.title}</div>
      {problem.detail && <div className="problem-detail">{problem.detail}</div>}
      {problem.errors && (
        <ul className="problem-errors">
          {Object.entries(problem.errors).map(([field, messages]) => (
            <li key={field}>
              <b>{field}</b>: {messages.join(" ")}
            </li>
          ))}
        </ul>
      )}
      <div className="problem-meta">
        {problem.status > 0 && <span>HTTP {problem.status}</span>}
        {problem.code && <span>code <code>{problem.code}</code></span>}
        {problem.traceId && (
          <span>
            trace id <code data-testid="trace-id">{problem.traceId}</code>
          </span>
        )}
        {onRetry && (
          <button type="button" className="link" onClick={onRetry}>
            Retry
          </button>
        )}
      </div>
    </div>
  );
}
