/**
 * Call `fn` at most once every `wait` ms: the first call runs at once, later
 * calls within the window collapse into one trailing call at the window's end.
 * `cancel()` drops a pending trailing call. Timers are injectable for tests.
 */
export function throttle(fn, wait, { now = () => Date.now(), setTimer = setTimeout, clearTimer = clearTimeout } = {}) {
  let last = -Infinity;
  let timer = null;

  function run() {
    timer = null;
    last = now();
    fn();
  }

  function throttled() {
    const remaining = last + wait - now();
    if (remaining <= 0) {
      if (timer !== null) clearTimer(timer);
      run();
    } else if (timer === null) {
      timer = setTimer(run, remaining);
    }
  }

  throttled.cancel = () => {
    if (timer !== null) clearTimer(timer);
    timer = null;
  };
  return throttled;
}
