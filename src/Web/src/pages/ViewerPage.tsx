import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { unwrap } from "../api/client";
import { ApiError } from "../api/problem";
import { api } from "../session";
import { ProblemView } from "../components/ProblemView";
import type { DisplayInfo, InputControlState } from "../gen/guruconnect_pb";
import { SessionNoticeKind } from "../gen/guruconnect_pb";
import { reconnectDelay } from "../viewer/backoff";
import { cursorCss } from "../viewer/cursor";
import { buttonsMask, ctrlAltDel, HeldKeys, InputPacer, keyMessage, pointerToRemote, WheelAccumulator, type KeyMessage } from "../viewer/input";
import type { FromWorker, OutgoingPayload, Stats, ToWorker } from "../viewer/messages";

type Phase =
  | { kind: "checking" }
  | { kind: "offline" }
  | { kind: "connecting" }
  | { kind: "waiting" }
  | { kind: "streaming" }
  | { kind: "reconnecting"; inMs: number; attempt: number }
  | { kind: "ended"; reason: string }
  | { kind: "failed"; error: unknown };

interface ChatLine {
  from: string;
  text: string;
  at: number;
  mine: boolean;
}

type Quality = "auto" | "lossless" | "speed";

export default function ViewerPage() {
  const { sessionId = "" } = useParams();
  const stageRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const workerRef = useRef<Worker | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "checking" });
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [fit, setFit] = useState(true);
  const [displays, setDisplays] = useState<DisplayInfo[]>([]);
  const [displayId, setDisplayId] = useState<number | null>(null);
  const [control, setControl] = useState<InputControlState | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [showStats, setShowStats] = useState(false);
  const [chatOpen, setChatOpen] = useState(false);
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [chatText, setChatText] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const [quality, setQuality] = useState<Quality>("auto");
  const [fullscreen, setFullscreen] = useState(false);
  const [cursor, setCursor] = useState<string>("default");
  const [tick, setTick] = useState(0);
  const attempt = useRef(0);
  const closing = useRef(false);
  const controlRef = useRef(false);
  controlRef.current = !!control?.youHaveControl;
  const displayRef = useRef<DisplayInfo | null>(null);
  displayRef.current = displays.find((d) => d.id === displayId) ?? null;
  const sizeRef = useRef(size);
  sizeRef.current = size;

  const post = useCallback((m: ToWorker, transfer: Transferable[] = []) => workerRef.current?.postMessage(m, transfer), []);
  const send = useCallback((payload: OutgoingPayload) => post({ type: "send", payload }), [post]);

  // One worker and one canvas per page: transferControlToOffscreen works once per canvas.
  useEffect(() => {
    const canvas = document.createElement("canvas");
    canvas.tabIndex = 0;
    canvas.setAttribute("aria-label", "Remote screen");
    canvas.dataset.testid = "remote-screen";
    stageRef.current!.appendChild(canvas);
    canvasRef.current = canvas;
    const worker = new Worker(new URL("../viewer/worker.ts", import.meta.url), { type: "module" });
    workerRef.current = worker;
    const offscreen = canvas.transferControlToOffscreen();
    worker.postMessage({ type: "init", canvas: offscreen } satisfies ToWorker, [offscreen]);
    // window.guruconnectViewer.snapshot(): the canvas pixels (RGBA) for tests and support tooling.
    let next = 0;
    const waiting = new Map<number, (s: { width: number; height: number; rgba: Uint8ClampedArray }) => void>();
    worker.addEventListener("message", (e: MessageEvent<FromWorker>) => {
      if (e.data.type === "snapshot") {
        waiting.get(e.data.id)?.(e.data);
        waiting.delete(e.data.id);
      }
    });
    (window as unknown as { guruconnectViewer: unknown }).guruconnectViewer = {
      snapshot: () =>
        new Promise((resolve) => {
          const id = ++next;
          waiting.set(id, resolve);
          worker.postMessage({ type: "snapshot", id } satisfies ToWorker);
        }),
    };
    return () => {
      worker.postMessage({ type: "close" } satisfies ToWorker);
      setTimeout(() => worker.terminate(), 200);
      canvas.remove();
      workerRef.current = null;
    };
  }, []);

  // Connect: is the agent there? mint a single-use viewer token, open /ws/viewer.
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    closing.current = false;
    async function go() {
      setPhase((p) => (p.kind === "reconnecting" ? p : { kind: "checking" }));
      try {
        const sessions = await unwrap(api.client.GET("/api/sessions"));
        const session = sessions.find((s) => s.id === sessionId);
        if (cancelled) return;
        if (!session) {
          setPhase({ kind: "ended", reason: "This session no longer exists: the machine was removed or the support session ended." });
          return;
        }
        if (!session.agentOnline) {
          setPhase({ kind: "offline" });
          timer = setTimeout(go, 5000);
          return;
        }
        const token = await unwrap(api.client.POST("/api/sessions/{id}/viewer-token", { params: { path: { id: sessionId } } }));
        if (cancelled) return;
        const scheme = location.protocol === "https:" ? "wss:" : "ws:";
        setPhase({ kind: "connecting" });
        post({ type: "connect", url: `${scheme}//${location.host}/ws/viewer?session=${encodeURIComponent(sessionId)}&token=${encodeURIComponent(token.token)}` });
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ApiError && error.status === 0) retry();
        else setPhase({ kind: "failed", error });
      }
    }
    function retry() {
      const inMs = reconnectDelay(attempt.current);
      setPhase({ kind: "reconnecting", inMs, attempt: attempt.current });
      attempt.current++;
      timer = setTimeout(go, inMs);
    }
    const worker = workerRef.current!;
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      switch (m.type) {
        case "open":
          attempt.current = 0;
          setPhase({ kind: "waiting" });
          break;
        case "firstFrame":
          setPhase({ kind: "streaming" });
          break;
        case "size":
          setSize({ width: m.width, height: m.height });
          setDisplayId((id) => id ?? m.displayId);
          break;
        case "stats":
          setStats(m.stats);
          break;
        case "decodeError":
          setNotice(`A frame could not be decoded (${m.message}); asked the agent for a fresh picture.`);
          break;
        case "closed":
          setControl(null);
          if (closing.current || cancelled) break;
          if (m.code === 1000 && /removed|session-ended|revoked/.test(m.reason)) setPhase({ kind: "ended", reason: m.reason });
          else retry();
          break;
        case "message":
          onMessage(m.payload);
          break;
        case "snapshot":
          break;
      }
    };
    go();
    const onVisible = () => {
      if (document.visibilityState === "visible" && timer !== undefined) setTick((t) => t + 1);
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
    // tick: "Reconnect now" and a tab coming back restart the cycle at once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId, post, tick]);

  function onMessage(payload: Extract<FromWorker, { type: "message" }>["payload"]) {
    switch (payload.case) {
      case "displayList":
        setDisplays(payload.value.displays);
        setDisplayId((id) => (id !== null && payload.value.displays.some((d) => d.id === id) ? id : payload.value.displays.find((d) => d.primary)?.id ?? payload.value.displays[0]?.id ?? null));
        break;
      case "inputControlState":
        setControl(payload.value);
        break;
      case "chatMessage":
        setChat((c) => [...c.slice(-199), { from: payload.value.from || "remote", text: payload.value.text, at: Number(payload.value.at) || Date.now(), mine: false }]);
        setChatOpen(true);
        break;
      case "clipboardText":
        navigator.clipboard
          .writeText(payload.value.text)
          .then(() => setNotice("The remote clipboard was copied to yours."))
          .catch(() => setNotice("The remote clipboard changed, but this browser refused to write yours (click the page first)."));
        break;
      case "sessionNotice":
        setNotice(payload.value.text);
        if (payload.value.kind === SessionNoticeKind.AGENT_OFFLINE) setPhase({ kind: "offline" });
        if (payload.value.kind === SessionNoticeKind.AGENT_ONLINE) setPhase({ kind: "waiting" });
        break;
      case "cursorShape": {
        const css = cursorCss(payload.value);
        if (css) setCursor(css);
        break;
      }
      case "disconnect":
        setNotice(`The session ended: ${payload.value.reason}`);
        break;
      default:
        break;
    }
  }

  // Canvas size on screen: fit (keep the aspect ratio, fill the stage) or 1:1 physical pixels.
  useEffect(() => {
    const stage = stageRef.current!;
    const layout = () => {
      const canvas = canvasRef.current;
      const s = sizeRef.current;
      if (!canvas || !s) return;
      if (fit) {
        const scale = Math.min(stage.clientWidth / s.width, stage.clientHeight / s.height);
        canvas.style.width = `${Math.floor(s.width * scale)}px`;
        canvas.style.height = `${Math.floor(s.height * scale)}px`;
      } else {
        canvas.style.width = `${s.width / devicePixelRatio}px`;
        canvas.style.height = `${s.height / devicePixelRatio}px`;
      }
    };
    layout();
    const observer = new ResizeObserver(layout);
    observer.observe(stage);
    return () => observer.disconnect();
  }, [fit, size]);

  // Input: only the viewer holding control sends; the relay drops the others' input anyway.
  useEffect(() => {
    const canvas = canvasRef.current!;
    const pacer = new InputPacer();
    const wheel = new WheelAccumulator();
    const held = new HeldKeys();
    let buttons = 0;
    const geometry = () => displayRef.current ?? (sizeRef.current ? { x: 0, y: 0, width: sizeRef.current.width, height: sizeRef.current.height } : null);
    const at = (e: MouseEvent) => {
      const g = geometry();
      return g ? pointerToRemote(e.clientX, e.clientY, canvas.getBoundingClientRect(), g) : null;
    };
    const mouse = (x: number, y: number, b: number, wheelX = 0, wheelY = 0) => send({ case: "mouseInput", value: { x, y, buttons: b, wheelX, wheelY } });
    const flush = setInterval(() => {
      const move = pacer.flush(performance.now());
      if (move && controlRef.current) mouse(move.x, move.y, move.buttons);
    }, 8);
    const onMove = (e: PointerEvent) => {
      if (!controlRef.current) return;
      const p = at(e);
      if (!p) return;
      const go = pacer.move(p.x, p.y, buttonsMask(e.buttons), performance.now());
      if (go) mouse(go.x, go.y, go.buttons);
    };
    const onButton = (e: PointerEvent) => {
      canvas.focus();
      if (!controlRef.current) return;
      e.preventDefault();
      if (e.type === "pointerdown") canvas.setPointerCapture(e.pointerId);
      const p = at(e);
      buttons = buttonsMask(e.buttons);
      if (!p) return;
      pacer.must(performance.now());
      mouse(p.x, p.y, buttons);
    };
    const onWheel = (e: WheelEvent) => {
      if (!controlRef.current) return;
      e.preventDefault();
      const p = at(e);
      const w = wheel.push(e.deltaX, e.deltaY, e.deltaMode);
      if (!p || (w.wheelX === 0 && w.wheelY === 0)) return;
      pacer.must(performance.now());
      mouse(p.x, p.y, buttonsMask(e.buttons), w.wheelX, w.wheelY);
    };
    const key = (down: boolean) => (e: KeyboardEvent) => {
      if (!controlRef.current) return;
      const msg = keyMessage(e, down);
      if (!msg) return;
      e.preventDefault();
      held.track(msg);
      pacer.must(performance.now());
      send({ case: "keyInput", value: msg });
    };
    const onDown = key(true);
    const onUp = key(false);
    const onBlur = () => held.releaseAll().forEach((k: KeyMessage) => send({ case: "keyInput", value: k }));
    const noMenu = (e: Event) => e.preventDefault();
    canvas.addEventListener("pointermove", onMove);
    canvas.addEventListener("pointerdown", onButton);
    canvas.addEventListener("pointerup", onButton);
    canvas.addEventListener("wheel", onWheel, { passive: false });
    canvas.addEventListener("keydown", onDown);
    canvas.addEventListener("keyup", onUp);
    canvas.addEventListener("blur", onBlur);
    canvas.addEventListener("contextmenu", noMenu);
    return () => {
      clearInterval(flush);
      canvas.removeEventListener("pointermove", onMove);
      canvas.removeEventListener("pointerdown", onButton);
      canvas.removeEventListener("pointerup", onButton);
      canvas.removeEventListener("wheel", onWheel);
      canvas.removeEventListener("keydown", onDown);
      canvas.removeEventListener("keyup", onUp);
      canvas.removeEventListener("blur", onBlur);
      canvas.removeEventListener("contextmenu", noMenu);
    };
  }, [send]);

  useEffect(() => {
    if (canvasRef.current) canvasRef.current.style.cursor = control?.youHaveControl ? cursor : "not-allowed";
  }, [cursor, control]);

  useEffect(() => {
    const onChange = () => {
      const on = document.fullscreenElement === rootRef.current;
      setFullscreen(on);
      // Keyboard Lock (Chromium): in full screen, Alt+Tab, Win and Esc go to the remote machine.
      const keyboard = (navigator as Navigator & { keyboard?: { lock(): Promise<void>; unlock(): void } }).keyboard;
      if (on) keyboard?.lock().catch(() => undefined);
      else keyboard?.unlock();
    };
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);

  function pickDisplay(value: string) {
    if (value === "all") {
      send({ case: "selectAllDisplays", value: {} });
      return;
    }
    const id = Number(value);
    setDisplayId(id);
    post({ type: "show", displayId: id });
    send({ case: "selectDisplay", value: { id } });
  }

  function pickQuality(q: Quality) {
    setQuality(q);
    send({ case: "qualityRequest", value: q === "lossless" ? { preferLossless: true, maxFps: 0, quality: 0 } : q === "speed" ? { preferLossless: false, maxFps: 30, quality: 60 } : { preferLossless: false, maxFps: 0, quality: 0 } });
  }

  async function sendClipboard() {
    try {
      const text = await navigator.clipboard.readText();
      if (new TextEncoder().encode(text).length > 1024 * 1024) {
        setNotice("Your clipboard is over 1 MiB; it was not sent.");
        return;
      }
      send({ case: "clipboardText", value: { text } });
      setNotice("Your clipboard was sent to the remote machine.");
    } catch {
      setNotice("This browser refused to read your clipboard: allow clipboard access for this site.");
    }
  }

  function sendChat(e: FormEvent) {
    e.preventDefault();
    const text = chatText.trim();
    if (!text) return;
    send({ case: "chatMessage", value: { from: "", text, at: BigInt(Date.now()) } });
    setChat((c) => [...c, { from: "you", text, at: Date.now(), mine: true }]);
    setChatText("");
  }

  const controlLabel = !control
    ? "…"
    : control.youHaveControl
      ? "You have control"
      : control.controllerUsername
        ? `${control.controllerUsername} has control`
        : "Nobody has control";

  return (
    <div className="viewer" ref={rootRef}>
      <div className="viewer-bar" role="toolbar" aria-label="Viewer">
        <Link to="/machines" className="muted">‹ Console</Link>
        <select aria-label="Display" value={displayId ?? ""} onChange={(e) => pickDisplay(e.target.value)} disabled={displays.length === 0}
          title={displayRef.current ? displayLabel(displayRef.current) : undefined}>
          {displays.length === 0 && <option value="">No displays yet</option>}
          {displays.map((d) => (
            <option key={d.id} value={d.id}>
              {displayLabel(d)}
            </option>
          ))}
          {displays.length > 1 && <option value="all">All displays</option>}
        </select>
        <span className="segmented" role="group" aria-label="Scale">
          <button type="button" className={fit ? "on" : ""} onClick={() => setFit(true)} aria-pressed={fit} title="Fit the screen to the window">Fit</button>
          <button type="button" className={!fit ? "on" : ""} onClick={() => setFit(false)} aria-pressed={!fit} title="One screen pixel per CSS pixel">1:1</button>
        </span>
        <select aria-label="Quality" value={quality} onChange={(e) => pickQuality(e.target.value as Quality)}>
          <option value="auto">Quality: auto</option>
          <option value="lossless">Lossless</option>
          <option value="speed">Speed (JPEG)</option>
        </select>
        <button type="button" onClick={() => ctrlAltDel().forEach((k) => send({ case: "keyInput", value: k }))} disabled={!control?.youHaveControl}>Ctrl+Alt+Del</button>
        <button type="button" onClick={sendClipboard}>Send clipboard</button>
        <button type="button" className={chatOpen ? "on" : ""} onClick={() => setChatOpen(!chatOpen)} aria-pressed={chatOpen}>Chat{chat.length ? ` (${chat.length})` : ""}</button>
        <button type="button" className={showStats ? "on" : ""} onClick={() => setShowStats(!showStats)} aria-pressed={showStats}>Stats</button>
        <button type="button" onClick={() => (fullscreen ? document.exitFullscreen() : rootRef.current?.requestFullscreen())}>{fullscreen ? "Exit full screen" : "Full screen"}</button>
        <span className="spacer" />
        <span className="control-state" data-testid="control-state" title={controlLabel}>{controlLabel}</span>
        {control && !control.youHaveControl && <button type="button" onClick={() => send({ case: "inputControlRequest", value: { release: false } })}>Request control</button>}
        {control?.youHaveControl && <button type="button" onClick={() => send({ case: "inputControlRequest", value: { release: true } })}>Release</button>}
        <button type="button" className="danger" onClick={() => { closing.current = true; post({ type: "close" }); setPhase({ kind: "ended", reason: "You disconnected." }); }}>Disconnect</button>
      </div>
      {notice && <div className="notice-line" role="status">{notice} <button type="button" className="link" onClick={() => setNotice(null)}>dismiss</button></div>}
      <div className="viewer-body">
        <div ref={stageRef} className={fit ? "viewer-stage fit" : "viewer-stage"}>
          <PhaseOverlay phase={phase} onReconnect={() => { attempt.current = 0; closing.current = false; setTick((t) => t + 1); }} />
          {showStats && stats && (
            <div className="stats" data-testid="stats">
              {stats.fps} fps · {stats.kbps} kbit/s · rtt {stats.rttMs === null ? "—" : `${Math.round(stats.rttMs)} ms`}
              <br />decode {stats.decodeMs.toFixed(1)} ms · {stats.frames} frames{size ? ` · ${size.width}×${size.height}` : ""}
            </div>
          )}
        </div>
        {chatOpen && (
          <aside className="chat" aria-label="Chat">
            <div className="chat-log">
              {chat.length === 0 && <span className="muted">Messages you send appear on the remote screen.</span>}
              {chat.map((c, i) => (
                <div key={i}><b>{c.mine ? "You" : c.from}:</b> {c.text}</div>
              ))}
            </div>
            <form onSubmit={sendChat}>
              <input aria-label="Chat message" value={chatText} onChange={(e) => setChatText(e.target.value)} maxLength={4000} />
              <button type="submit">Send</button>
            </form>
          </aside>
        )}
      </div>
    </div>
  );
}

/** The display switcher's text; the switcher is narrow at 1280×720, so the whole text is its tooltip too. */
function displayLabel(d: DisplayInfo): string {
  return `${d.name || `Display ${d.id}`} ${d.width}×${d.height}${d.primary ? " (primary)" : ""}`;
}

function PhaseOverlay({ phase, onReconnect }: { phase: Phase; onReconnect: () => void }) {
  if (phase.kind === "streaming") return null;
  let body: React.ReactNode;
  switch (phase.kind) {
    case "checking":
      body = "Checking the session…";
      break;
    case "offline":
      body = <>Agent offline. <span className="muted">Waiting for it to connect; this page retries by itself.</span></>;
      break;
    case "connecting":
      body = "Connecting…";
      break;
    case "waiting":
      body = <>Connected. <span className="muted">Waiting for the agent's first picture…</span></>;
      break;
    case "reconnecting":
      body = (
        <>
          Disconnected — reconnecting in {Math.ceil(phase.inMs / 1000)} s (attempt {phase.attempt + 1}).
          <button type="button" onClick={onReconnect}>Reconnect now</button>
        </>
      );
      break;
    case "ended":
      body = (
        <>
          Disconnected. <span className="muted">{phase.reason}</span>
          <button type="button" onClick={onReconnect}>Reconnect</button>
        </>
      );
      break;
    case "failed":
      body = (
        <>
          <ProblemView error={phase.error} />
          <button type="button" onClick={onReconnect}>Try again</button>
        </>
      );
      break;
  }
  return (
    <div className="viewer-state" data-testid="viewer-state" role="status">
      {body}
    </div>
  );
}
