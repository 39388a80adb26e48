import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// jsdom has no canvas: a recording 2D context and a fixed PNG export stand in for it.
export const FAKE_PNG = 'data:image/png;base64,ZmFrZQ==';

function fakeContext(canvas) {
  const calls = [];
  const record =
    (name) =>
    (...args) =>
      calls.push([name, ...args]);
  return {
    canvas,
    calls,
    clearRect: record('clearRect'),
    beginPath: record('beginPath'),
    moveTo: record('moveTo'),
    lineTo: record('lineTo'),
    quadraticCurveTo: record('quadraticCurveTo'),
    arc: record('arc'),
    stroke: record('stroke'),
    fill: record('fill'),
  };
}

// Pure-logic tests run in the faster node environment, which has no DOM at all.
const hasDom = typeof window !== 'undefined';

if (hasDom) {
  const contexts = new WeakMap();
  HTMLCanvasElement.prototype.getContext = function getContext(type) {
    if (type !== '2d') return null;
    if (!contexts.has(this)) contexts.set(this, fakeContext(this));
    return contexts.get(this);
  };
  HTMLCanvasElement.prototype.toDataURL = function toDataURL() {
    return FAKE_PNG;
  };
  HTMLElement.prototype.setPointerCapture ??= function setPointerCapture() {};
  HTMLElement.prototype.releasePointerCapture ??= function releasePointerCapture() {};
}

afterEach(() => {
  vi.useRealTimers();
  if (!hasDom) return;
  cleanup();
  sessionStorage.clear();
  window.history.replaceState({}, '', '/');
});
