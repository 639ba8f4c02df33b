import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { unwrap } from "../api/client";
import { api } from "../session";
import { Modal } from "./Modal";
import { ProblemView } from "./ProblemView";

/** POST /api/auth/change-password: the server ends this user's other sessions (docs/api.md). */
export function ChangePassword({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const change = useMutation({
    mutationFn: () => unwrap(api.client.POST("/api/auth/change-password", { body: { currentPassword, newPassword } })),
    onSuccess: () => {
      setCurrent("");
      setNew("");
    },
  });
  return (
    <Modal open={open} onOpenChange={(o) => (onOpenChange(o), change.reset())} title="Change your password">
      <form className="form" onSubmit={(e: FormEvent) => (e.preventDefault(), change.mutate())}>
        <label>Current password<input type="password" autoComplete="current-password" value={currentPassword} onChange={(e) => setCurrent(e.target.value)} required /></label>
        <label>New password (12 characters or more)<input type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNew(e.target.value)} required /></label>
        <ProblemView error={change.error} />
        {change.isSuccess && <p className="ok">Password changed.</p>}
        <div className="actions">
          <button type="button" onClick={() => onOpenChange(false)}>Close</button>
          <button type="submit" className="primary" disabled={change.isPending}>Change password</button>
        </div>
      </form>
    </Modal>
  );
}
