import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { unwrap } from "../api/client";
import { api } from "../session";
import { Modal } from "./Modal";
import { ProblemView } from "./ProblemView";

function typingInField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

/** Ctrl+K (or "/" outside a text field) anywhere in the console: type a name, Enter opens that machine. */
export function JumpToMachine() {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const navigate = useNavigate();

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setOpen(true);
      } else if (e.key === "/" && !typingInField(e.target)) {
        e.preventDefault();
        setOpen(true);
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const term = text.trim();
  const results = useQuery({
    queryKey: ["jump", term],
    enabled: open && term.length > 0,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => unwrap(api.client.GET("/api/machines", { params: { query: { q: term, pageSize: 8 } }, signal })),
  });
  const items = term ? results.data?.items ?? [] : [];

  function go(id: string) {
    setOpen(false);
    setText("");
    navigate(`/machines/${id}`);
  }

  return (
    <Modal open={open} onOpenChange={setOpen} title="Jump to a machine">
      <input
        aria-label="Machine name"
        placeholder="Hostname, user, IP…"
        value={text}
        autoFocus
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") setActive((a) => Math.min(a + 1, items.length - 1));
          else if (e.key === "ArrowUp") setActive((a) => Math.max(a - 1, 0));
          else if (e.key === "Enter" && items[active]) go(items[active].id);
        }}
      />
      <ProblemView error={results.error} />
      <ul className="jump-list" role="listbox" aria-label="Matching machines">
        {items.map((m, i) => (
          <li key={m.id} role="option" aria-selected={i === active} className={i === active ? "active" : ""} onMouseDown={() => go(m.id)}>
            <span className={m.online ? "dot online" : "dot"} /> {m.displayName || m.hostname}
            <span className="muted"> {m.site?.siteCode ?? ""} {m.inventory.loggedOnUser ?? ""}</span>
          </li>
        ))}
        {term && results.isSuccess && items.length === 0 && <li className="muted">No machine matches “{term}”.</li>}
      </ul>
    </Modal>
  );
}
