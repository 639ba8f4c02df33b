-- When the machine's logged-on user last touched keyboard or mouse, from the agent's AgentStatus
-- user_idle_seconds (docs/api.md "Machines"): NULL while the user is active or the idle time is unknown.
ALTER TABLE machines ADD COLUMN user_idle_since timestamptz NULL;
