"""At most FEEDBACK_CLIENT_SHARE of one training run's feedback examples from any single client.

The cap is the largest number c such that c <= share x (the examples kept when every client keeps at most c):
the bound holds on the set actually trained on, not only on what was offered. A client over the cap keeps
its newest c examples. With fewer than 1 / share clients nothing can satisfy the bound, so no feedback is
used: one client alone never steers a version. Feedback from before client addresses were stored counts as
one unknown client.
"""
import numpy as np

UNKNOWN = "unknown"
EPSILON = 1e-9  # share x total is compared in floating point


def cap(counts, share):
    """The most examples any one client may keep, given each client's example ``counts``."""
    counts = np.sort(np.asarray(counts, dtype=np.int64))
    if not len(counts) or share >= 1:
        return int(counts.max(initial=0))
    best = 0
    below = 0  # examples of the clients entirely under the current interval's cap
    for index, upper in enumerate(counts):
        # For a cap c between the previous count and ``upper``, the kept total is below + c x (clients left).
        left = len(counts) - index
        lower = counts[index - 1] if index else 0
        if share * left >= 1 - EPSILON:
            best = int(upper)  # the bound holds for every c in the interval
        else:
            limit = int(np.floor(share * below / (1 - share * left) + EPSILON))
            if limit >= lower:
                best = max(best, min(limit, int(upper)))
        below += int(upper)
    return best


def keep(clients, share):
    """Boolean mask over feedback rows (oldest first) with the ``clients`` that sent them: the rows to train on."""
    clients = np.asarray([client or UNKNOWN for client in clients], dtype=object)
    names, inverse, counts = np.unique(clients, return_inverse=True, return_counts=True)
    allowed = cap(counts, share)
    mask = np.zeros(len(clients), dtype=bool)
    for index in range(len(names)):
        rows = np.flatnonzero(inverse == index)
        mask[rows[len(rows) - min(allowed, len(rows)):]] = True  # the newest ``allowed``
    return mask
