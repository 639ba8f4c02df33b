/**
 * Browser input → protocol input (docs/protocol.md "Input"). Pure functions over plain numbers
 * and event-shaped objects, so they are unit-tested without a DOM.
 */

export interface DisplayGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BoxLike {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Where a pointer at (clientX, clientY) lands on the remote virtual desktop, given the canvas's
 * on-screen box (whatever it is scaled to) and the display it shows. Clamped to the display, so a
 * drag that leaves the canvas keeps pressing at the edge.
 */
export function pointerToRemote(clientX: number, clientY: number, box: BoxLike, display: DisplayGeometry): { x: number; y: number } {
  const fx = box.width > 0 ? (clientX - box.left) / box.width : 0;
  const fy = box.height > 0 ? (clientY - box.top) / box.height : 0;
  const px = Math.min(display.width - 1, Math.max(0, Math.floor(fx * display.width)));
  const py = Math.min(display.height - 1, Math.max(0, Math.floor(fy * display.height)));
  return { x: display.x + px, y: display.y + py };
}

/** W3C MouseEvent.buttons is already the protocol's mask (1 primary, 2 secondary, 4 middle, 8 back, 16 forward). */
export function buttonsMask(buttons: number): number {
  return buttons & 0x1f;
}

export const DOM_DELTA_PIXEL = 0;
export const DOM_DELTA_LINE = 1;
export const DOM_DELTA_PAGE = 2;

/**
 * Turns WheelEvent deltas into 1/120-notch units. Chromium reports one mouse notch as 100 px in
 * pixel mode (120 on some platforms: rounding either way is one notch), a line as 1/3 notch, a page
 * as a notch. Fractions (touchpads) are carried over so slow scrolling still scrolls.
 */
export class WheelAccumulator {
  private restX = 0;
  private restY = 0;

  push(deltaX: number, deltaY: number, deltaMode: number): { wheelX: number; wheelY: number } {
    const scale = deltaMode === DOM_DELTA_LINE ? 40 : deltaMode === DOM_DELTA_PAGE ? 120 : 1.2;
    this.restX += deltaX * scale;
    this.restY += deltaY * scale;
    // The epsilon keeps float drift (0.6 * 10 = 5.9999…) from losing a unit.
    const wheelX = Math.trunc(this.restX + Math.sign(this.restX) * 1e-9);
    const wheelY = Math.trunc(this.restY + Math.sign(this.restY) * 1e-9);
    this.restX -= wheelX;
    this.restY -= wheelY;
    return { wheelX, wheelY };
  }
}

export interface ModifierSource {
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  getModifierState?(key: string): boolean;
}

/** The protocol's modifier mask: 1 Shift, 2 Control, 4 Alt, 8 Meta, 16 CapsLock, 32 NumLock. */
export function modifiersOf(e: ModifierSource): number {
  let m = 0;
  if (e.shiftKey) m |= 1;
  if (e.ctrlKey) m |= 2;
  if (e.altKey) m |= 4;
  if (e.metaKey) m |= 8;
  if (e.getModifierState?.("CapsLock")) m |= 16;
  if (e.getModifierState?.("NumLock")) m |= 32;
  return m;
}

export interface KeyMessage {
  code: string;
  key: string;
  down: boolean;
  modifiers: number;
}

/**
 * A key event as KeyInput: the physical key (W3C `code`) is what the agent maps; `key` travels
 * for keys it cannot map. Events without a code (some IME / virtual keyboards) are dropped: the
 * agent cannot press a key it cannot name. A held key's auto-repeat is forwarded as more downs.
 */
export function keyMessage(e: ModifierSource & { code: string; key: string; isComposing?: boolean }, down: boolean): KeyMessage | null {
  if (!e.code || e.isComposing) return null;
  return { code: e.code, key: e.key.length <= 32 ? e.key : "", down, modifiers: modifiersOf(e) };
}

/** Ctrl+Alt+Del as the key sequence the agent replays (Windows turns it into the secure attention sequence). */
export function ctrlAltDel(): KeyMessage[] {
  return [
    { code: "ControlLeft", key: "Control", down: true, modifiers: 2 },
    { code: "AltLeft", key: "Alt", down: true, modifiers: 6 },
    { code: "Delete", key: "Delete", down: true, modifiers: 6 },
    { code: "Delete", key: "Delete", down: false, modifiers: 6 },
    { code: "AltLeft", key: "Alt", down: false, modifiers: 2 },
    { code: "ControlLeft", key: "Control", down: false, modifiers: 0 },
  ];
}

/** Keys still held when the canvas loses focus: released so nothing sticks down on the remote. */
export class HeldKeys {
  private readonly held = new Map<string, string>();

  track(msg: KeyMessage): void {
    if (msg.down) this.held.set(msg.code, msg.key);
    else this.held.delete(msg.code);
  }

  releaseAll(): KeyMessage[] {
    const ups = [...this.held.entries()].map(([code, key]) => ({ code, key, down: false, modifiers: 0 }));
    this.held.clear();
    return ups;
  }
}

/**
 * Keeps a viewer under the relay's 240 input messages per second: pointer moves are coalesced
 * (only the newest position is sent once the budget allows), while button changes, wheel and keys
 * always go — they are rare, and dropping one would leave a button or key stuck.
 */
export class InputPacer {
  private tokens: number;
  private last: number;
  private pendingMove: { x: number; y: number; buttons: number } | null = null;

  constructor(private readonly perSecond = 200, now = 0) {
    this.tokens = perSecond / 10;
    this.last = now;
  }

  private refill(now: number) {
    this.tokens = Math.min(this.perSecond / 10, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  /** A pointer move: returns it when it may go now, else keeps it for {@link flush}. */
  move(x: number, y: number, buttons: number, now: number): { x: number; y: number; buttons: number } | null {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.pendingMove = null;
      return { x, y, buttons };
    }
    this.pendingMove = { x, y, buttons };
    return null;
  }

  /** Anything that must go (button, wheel, key): always allowed; it spends budget. */
  must(now: number): void {
    this.refill(now);
    this.tokens -= 1;
    this.pendingMove = null;
  }

  /** The coalesced move, when the budget allows it now. */
  flush(now: number): { x: number; y: number; buttons: number } | null {
    if (!this.pendingMove) return null;
    this.refill(now);
    if (this.tokens < 1) return null;
    this.tokens -= 1;
    const move = this.pendingMove;
    this.pendingMove = null;
    return move;
  }
}
