import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../api/client";
import { api, useSession } from "../session";
import { ProblemView } from "../components/ProblemView";
import { EmptyState } from "../components/EmptyState";
import { Modal } from "../components/Modal";
import { dateTime } from "../format";

export default function UsersPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ username: "", password: "", role: "technician" });
  const users = useQuery({ queryKey: ["users"], queryFn: ({ signal }) => unwrap(api.client.GET("/api/users", { signal })) });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ["users"] });
  const create = useMutation({
    mutationFn: () => unwrap(api.client.POST("/api/users", { body: form })),
    onSuccess: () => (invalidate(), setOpen(false), setForm({ username: "", password: "", role: "technician" })),
  });
  const setRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: string }) => unwrap(api.client.PATCH("/api/users/{id}", { params: { path: { id } }, body: { role, username: null, password: null } })),
    onSuccess: invalidate,
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.client.DELETE("/api/users/{id}", { params: { path: { id } } })),
    onSuccess: invalidate,
  });
  if (session?.user.role !== "admin") return <div className="page"><h1>Users</h1><p>Only admins manage users.</p></div>;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Users</h1>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setOpen(true)}>New user</button>
      </div>
      <ProblemView error={users.error ?? setRole.error ?? remove.error} />
      {users.isSuccess && users.data.length === 0 ? (
        <EmptyState title="No users.">Create one with “New user”.</EmptyState>
      ) : (
        <table className="simple" aria-label="Users">
          <thead><tr><th>Username</th><th>Role</th><th>Created</th><th /></tr></thead>
          <tbody>
            {(users.data ?? []).map((u) => (
              <tr key={u.id}>
                <td>{u.username}{u.id === session.user.id ? <span className="muted"> (you)</span> : null}</td>
                <td>
                  <select aria-label={`Role of ${u.username}`} value={u.role} onChange={(e) => setRole.mutate({ id: u.id, role: e.target.value })}>
                    <option value="admin">admin</option>
                    <option value="technician">technician</option>
                  </select>
                </td>
                <td>{dateTime(u.createdAt)}</td>
                <td><button type="button" className="danger small" onClick={() => confirm(`Delete ${u.username}?`) && remove.mutate(u.id)}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Modal open={open} onOpenChange={(o) => (setOpen(o), create.reset())} title="New user">
        <form className="form" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
          <label>Username<input value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required /></label>
          <label>Password (12 characters or more)<input type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} required autoComplete="new-password" /></label>
          <label>
            Role
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
              <option value="technician">technician</option>
              <option value="admin">admin</option>
            </select>
          </label>
          <ProblemView error={create.error} />
          <div className="actions">
            <button type="button" onClick={() => setOpen(false)}>Cancel</button>
            <button type="submit" className="primary" disabled={create.isPending}>Create</button>
          </div>
        </form>
      </Modal>
    </div>
  );
}
