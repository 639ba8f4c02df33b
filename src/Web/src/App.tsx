import { lazy, Suspense } from "react";
import { createBrowserRouter, Navigate, Outlet, useLocation } from "react-router";
import { Layout } from "./components/Layout";
import { LoginPage } from "./pages/LoginPage";
import { MachinesPage } from "./pages/MachinesPage";
import { useSession } from "./session";

// Everything but login and the machines list loads on demand, so the first paint stays small.
const MachineDetailPage = lazy(() => import("./pages/MachineDetailPage"));
const SitesPage = lazy(() => import("./pages/SitesPage"));
const SessionsPage = lazy(() => import("./pages/SessionsPage"));
const CodesPage = lazy(() => import("./pages/CodesPage"));
const UsersPage = lazy(() => import("./pages/UsersPage"));
const AuditPage = lazy(() => import("./pages/AuditPage"));
const TokensPage = lazy(() => import("./pages/TokensPage"));
const ViewerPage = lazy(() => import("./pages/ViewerPage"));

function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return (
    <Suspense fallback={<div className="loading">Loading…</div>}>
      <Outlet />
    </Suspense>
  );
}

export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  {
    element: <RequireSession />,
    children: [
      { path: "/connect/:sessionId", element: <ViewerPage /> },
      {
        element: <Layout />,
        children: [
          { path: "/", element: <Navigate to="/machines" replace /> },
          { path: "/machines", element: <MachinesPage /> },
          { path: "/machines/:id", element: <MachineDetailPage /> },
          { path: "/sites", element: <SitesPage /> },
          { path: "/sessions", element: <SessionsPage /> },
          // Not /support: that is the end user's public page, served by the server (docs/installers.md "Downloads").
          { path: "/codes", element: <CodesPage /> },
          { path: "/users", element: <UsersPage /> },
          { path: "/audit", element: <AuditPage /> },
          { path: "/tokens", element: <TokensPage /> },
          { path: "*", element: <div className="page"><h1>Not found</h1><p>There is no page here. Use the menu above.</p></div> },
        ],
      },
    ],
  },
]);
