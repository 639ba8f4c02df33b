import { describe, expect, it } from "vitest";
import { buttonsMask, ctrlAltDel, DOM_DELTA_LINE, DOM_DELTA_PAGE, DOM_DELTA_PIXEL, HeldKeys, InputPacer, keyMessage, modifiersOf, pointerToRemote, WheelAccumulator } from "../src/viewer/input";

const noMods = { shiftKey: false, ctrlKey: false, altKey: false, metaKey: false };

describe("pointer mapping", () => {
  const display = { x: 0, y: 0, width: 1920, height: 1080 };

  it("maps 1:1 when the canvas is shown at its size", () => {
    expect(pointerToRemote(110, 60, { left: 10, top: 10, width: 1920, height: 1080 }, display)).toEqual({ x: 100, y: 50 });
  });

  it("scales when the canvas is fitted to a smaller window", () => {
    // 1920×1080 shown as 960×540: one CSS pixel is two remote pixels.
    expect(pointerToRemote(480, 270, { left: 0, top: 0, width: 960, height: 540 }, display)).toEqual({ x: 960, y: 540 });
    expect(pointerToRemote(0.4, 0.4, { left: 0, top: 0, width: 960, height: 540 }, display)).toEqual({ x: 0, y: 0 });
  });

  it("adds the display's place on the virtual desktop (second monitor, negative origin)", () => {
    expect(pointerToRemote(50, 50, { left: 0, top: 0, width: 100, height: 100 }, { x: -1280, y: 0, width: 1280, height: 1024 })).toEqual({ x: -640, y: 512 });
  });

  it("clamps a drag outside the canvas to the display's edge", () => {
    expect(pointerToRemote(-50, 5000, { left: 0, top: 0, width: 960, height: 540 }, display)).toEqual({ x: 0, y: 1079 });
    expect(pointerToRemote(5000, -3, { left: 0, top: 0, width: 960, height: 540 }, display)).toEqual({ x: 1919, y: 0 });
  });

  it("passes the W3C buttons mask through and drops unknown bits", () => {
    expect(buttonsMask(1 | 2 | 4 | 8 | 16)).toBe(31);
    expect(buttonsMask(32 | 1)).toBe(1);
  });
});

describe("wheel", () => {
  it("turns one Chromium notch (100 px) into 120 units", () => {
    expect(new WheelAccumulator().push(0, 100, DOM_DELTA_PIXEL)).toEqual({ wheelX: 0, wheelY: 120 });
  });

  it("keeps the sign: negative scrolls up / left", () => {
    expect(new WheelAccumulator().push(-100, -100, DOM_DELTA_PIXEL)).toEqual({ wheelX: -120, wheelY: -120 });
  });

  it("scales lines and pages", () => {
    expect(new WheelAccumulator().push(0, 3, DOM_DELTA_LINE)).toEqual({ wheelX: 0, wheelY: 120 });
    expect(new WheelAccumulator().push(1, 0, DOM_DELTA_PAGE)).toEqual({ wheelX: 120, wheelY: 0 });
  });

  it("carries fractions so a slow touchpad still scrolls", () => {
    const w = new WheelAccumulator();
    let total = 0;
    for (let i = 0; i < 10; i++) total += w.push(0, 0.5, DOM_DELTA_PIXEL).wheelY;
    expect(total).toBe(6);
  });
});

describe("keyboard", () => {
  it("sends the W3C code, the key and the modifier mask", () => {
    expect(keyMessage({ ...noMods, shiftKey: true, code: "KeyA", key: "A" }, true)).toEqual({ code: "KeyA", key: "A", down: true, modifiers: 1 });
  });

  it("builds the mask from every modifier, lock keys included", () => {
    const e = { shiftKey: true, ctrlKey: true, altKey: true, metaKey: true, getModifierState: (k: string) => k === "CapsLock" || k === "NumLock" };
    expect(modifiersOf(e)).toBe(63);
    expect(modifiersOf({ ...noMods, ctrlKey: true, altKey: true })).toBe(6);
  });

  it("drops events with no physical code and IME composition", () => {
    expect(keyMessage({ ...noMods, code: "", key: "é" }, true)).toBeNull();
    expect(keyMessage({ ...noMods, code: "KeyE", key: "Process", isComposing: true }, true)).toBeNull();
  });

  it("sends Ctrl+Alt+Del as presses then releases in reverse", () => {
    const seq = ctrlAltDel();
    expect(seq.map((k) => `${k.down ? "+" : "-"}${k.code}`)).toEqual(["+ControlLeft", "+AltLeft", "+Delete", "-Delete", "-AltLeft", "-ControlLeft"]);
  });

  it("releases every held key when focus leaves", () => {
    const held = new HeldKeys();
    held.track({ code: "ShiftLeft", key: "Shift", down: true, modifiers: 1 });
    held.track({ code: "KeyQ", key: "Q", down: true, modifiers: 1 });
    held.track({ code: "KeyQ", key: "Q", down: false, modifiers: 1 });
    expect(held.releaseAll()).toEqual([{ code: "ShiftLeft", key: "Shift", down: false, modifiers: 0 }]);
    expect(held.releaseAll()).toEqual([]);
  });
});

describe("input pacing under the relay's 240 messages per second", () => {
  it("coalesces a flood of moves to the budget and keeps the newest position", () => {
    const pacer = new InputPacer(200, 0);
    let sent = 0;
    for (let i = 0; i < 1000; i++) if (pacer.move(i, i, 0, i)) sent++; // 1000 moves in 1 s
    expect(sent).toBeLessThanOrEqual(240);
    expect(sent).toBeGreaterThan(150);
    expect(pacer.flush(2000)).toEqual({ x: 999, y: 999, buttons: 0 });
    expect(pacer.flush(3000)).toBeNull();
  });

  it("never holds back a button or key, and a click drops the stale move", () => {
    const pacer = new InputPacer(200, 0);
    for (let i = 0; i < 100; i++) pacer.move(i, 0, 0, 0);
    pacer.must(0);
    expect(pacer.flush(1000)).toBeNull();
  });
});
