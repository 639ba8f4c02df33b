import { Suspense, useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { api, setSession, useSession } from "../session";
import { useTheme } from "../theme";
import { JumpToMachine } from "./JumpToMachine";
import { ChangePassword } from "./ChangePassword";

export function Layout() {
  const session = useSession();
  const [theme, toggleTheme] = useTheme();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const admin = session?.user.role === "admin";
  const [passwordOpen, setPasswordOpen] = useState(false);

  async function logout() {
    // The server revokes the token; sign out locally even when that call fails.
    await api.client.POST("/api/auth/logout").catch(() => undefined);
    setSession(null);
    queryClient.clear();
    navigate("/login");
  }

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">GuruConnect</span>
        <nav aria-label="Main">
          <NavLink to="/machines">Machines</NavLink>
          <NavLink to="/sites">Sites</NavLink>
          <NavLink to="/sessions">Sessions</NavLink>
          <NavLink to="/codes">Support codes</NavLink>
          {admin && <NavLink to="/users">Users</NavLink>}
          {admin && <NavLink to="/audit">Audit log</NavLink>}
          <NavLink to="/tokens">API tokens</NavLink>
        </nav>
        <span className="spacer" />
        <span className="muted kbd-hint" title="Jump to a machine">
          <kbd>Ctrl</kbd>+<kbd>K</kbd>
        </span>
        <button type="button" className="ghost" onClick={toggleTheme} aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} theme`}>
          {theme === "dark" ? "☀ Light" : "☾ Dark"}
        </button>
        <button type="button" className="ghost user" data-testid="current-user" title="Change your password" onClick={() => setPasswordOpen(true)}>
          {session?.user.username} <span className="muted">({session?.user.role})</span>
        </button>
        <button type="button" className="ghost" onClick={logout}>
          Sign out
        </button>
      </header>
      <main className="content">
        <Suspense fallback={<div className="loading">Loading…</div>}>
          <Outlet />
        </Suspense>
      </main>
      <JumpToMachine />
      <ChangePassword open={passwordOpen} onOpenChange={setPasswordOpen} />
    </div>
  );
}
