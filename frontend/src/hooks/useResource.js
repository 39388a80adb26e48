import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Load data from the API on mount. Returns { status: 'loading' | 'ready' | 'error',
 * data, error, reload }; reload keeps the old data on screen while it fetches.
 */
export function useResource(load) {
  const [state, setState] = useState({ status: 'loading', data: null, error: null });
  const mounted = useRef(true);
  const loadRef = useRef(load);

  const reload = useCallback(async () => {
    try {
      const data = await loadRef.current();
      if (mounted.current) setState({ status: 'ready', data, error: null });
    } catch (error) {
      if (mounted.current) setState((old) => ({ status: 'error', data: old.data, error }));
    }
  }, []);

  useEffect(() => {
    mounted.current = true;
    reload();
    return () => {
      mounted.current = false;
    };
  }, [reload]);

  return { ...state, reload };
}
