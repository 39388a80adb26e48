"""Learning from users without being poisoned: who sent feedback (clients), which feedback waits for an
admin (review), how much of one training run a client may fill (share), the feedback a run trains on
(examples), and the quality gate on activation (gate)."""
