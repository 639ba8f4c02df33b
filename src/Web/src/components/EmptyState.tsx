import type { ReactNode } from "react";

/** What a list shows when it has nothing: what this list is, and what to do next. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" data-testid="empty-state">
      <div className="empty-title">{title}</div>
      {children && <div className="empty-next">{children}</div>}
    </div>
  );
}
