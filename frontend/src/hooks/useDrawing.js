import { useCallback, useEffect, useRef, useState } from 'react';
import { appendPoint, backingStoreSize, startsStroke, toUnitPoint } from '../geometry.js';
import { EXPORT_SIZE, exportPng, paintStrokes } from '../paint.js';

/**
 * Canvas drawing with Pointer Events (mouse, pen, touch). Strokes are kept as
 * data (arrays of unit points) and the canvas is repainted from them, so undo
 * and resizes redraw exactly. `onChange({ reason, empty, canvas, toDataURL })` fires after
 * the canvas is painted: reason is 'move' while drawing, then 'end', 'undo' or 'clear';
 * `toDataURL()` exports the drawing as it is when called, `exportSize` pixels: EXPORT_SIZE high and `aspect`
 * (width / height, 1 for the square digit canvas) times as wide.
 */
export function useDrawing({ onChange, aspect = 1 } = {}) {
  const [exportSize] = useState(() => ({ width: Math.round(EXPORT_SIZE * aspect), height: EXPORT_SIZE }));
  const canvasRef = useRef(null);
  const [strokes, setStrokes] = useState([]);
  const committed = useRef([]);
  const active = useRef(null);
  const onChangeRef = useRef(onChange);

  useEffect(() => {
    onChangeRef.current = onChange;
  });

  const allStrokes = useCallback(
    () => (active.current ? [...committed.current, active.current.points] : committed.current),
    [],
  );

  const paint = useCallback(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!ctx) return;
    paintStrokes(ctx, allStrokes(), canvas.width, canvas.height);
  }, [allStrokes]);

  const toDataURL = useCallback(
    () => exportPng(allStrokes(), exportSize.width, exportSize.height),
    [allStrokes, exportSize],
  );

  const changed = useCallback(
    (reason) => {
      paint();
      const empty = committed.current.length === 0 && !active.current;
      onChangeRef.current?.({ reason, empty, canvas: canvasRef.current, toDataURL });
    },
    [paint, toDataURL],
  );

  const commit = useCallback((next) => {
    committed.current = next;
    setStrokes(next);
  }, []);

  // Keep the backing store at CSS size x devicePixelRatio so lines stay crisp.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return undefined;
    const resize = () => {
      const cssWidth = canvas.getBoundingClientRect().width;
      const width = backingStoreSize(cssWidth, window.devicePixelRatio);
      const height = backingStoreSize(cssWidth / aspect, window.devicePixelRatio);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      paint();
    };
    resize();
    window.addEventListener('resize', resize);
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(resize);
    observer?.observe(canvas);
    return () => {
      window.removeEventListener('resize', resize);
      observer?.disconnect();
    };
  }, [paint, aspect]);

  const onPointerDown = useCallback(
    (event) => {
      const canvas = canvasRef.current;
      if (active.current || !canvas || !startsStroke(event)) return;
      event.preventDefault();
      // Capture keeps the stroke's events coming (and its end) when it leaves the canvas.
      canvas.setPointerCapture?.(event.pointerId);
      const rect = canvas.getBoundingClientRect();
      active.current = { pointerId: event.pointerId, rect, points: [toUnitPoint(event.clientX, event.clientY, rect)] };
      paint();
    },
    [paint],
  );

  const onPointerMove = useCallback(
    (event) => {
      const stroke = active.current;
      if (!stroke || event.pointerId !== stroke.pointerId) return;
      // Fast pens and mice report several positions per frame; use them all.
      const coalesced = event.nativeEvent?.getCoalescedEvents?.() ?? [];
      const samples = coalesced.length > 0 ? coalesced : [event];
      for (const sample of samples) {
        stroke.points = appendPoint(stroke.points, toUnitPoint(sample.clientX, sample.clientY, stroke.rect));
      }
      changed('move');
    },
    [changed],
  );

  const onPointerEnd = useCallback(
    (event) => {
      const stroke = active.current;
      if (!stroke || event.pointerId !== stroke.pointerId) return;
      if (event.type === 'pointerup') {
        stroke.points = appendPoint(stroke.points, toUnitPoint(event.clientX, event.clientY, stroke.rect));
      }
      active.current = null;
      commit([...committed.current, stroke.points]);
      changed('end');
    },
    [changed, commit],
  );

  const undo = useCallback(() => {
    if (active.current || committed.current.length === 0) return;
    commit(committed.current.slice(0, -1));
    changed('undo');
  }, [changed, commit]);

  /** Remove every stroke; `silent` skips onChange (used when an upload replaces the drawing). */
  const clear = useCallback(
    ({ silent = false } = {}) => {
      active.current = null;
      commit([]);
      if (silent) paint();
      else changed('clear');
    },
    [changed, commit, paint],
  );

  return {
    canvasRef,
    strokes,
    exportSize,
    undo,
    clear,
    handlers: {
      onPointerDown,
      onPointerMove,
      onPointerUp: onPointerEnd,
      onPointerCancel: onPointerEnd,
      onLostPointerCapture: onPointerEnd,
      onContextMenu: (event) => event.preventDefault(),
    },
  };
}
