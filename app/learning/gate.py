"""The quality gate: a version reads the trusted reference set no worse than the versions served before it,
or it is not served (unless an admin forces it, which is logged).

Compared on the whole reference set (real handwriting drawn on a canvas and the held-out load_digits), figure
by figure (overall, then each digit), with the best figure of any version that was ever live (the first one
shipped, the active one and every one served in between), not only the active one's: a version that loses a
little on one digit, then another a little more, and so on, would pass a comparison with the active version
every time while the digit drifts down for good. Against the best live figure:
- overall: a drop of more than GATE_MARGIN points is refused;
- per digit: a digit has about 236 reference drawings, so one drawing moves it by ~0.4 points and its
  figure is only known to within its binomial standard error. A digit's drop is refused when it exceeds
  both GATE_MARGIN and GATE_DIGIT_Z standard errors of the best live figure on that digit
  (Agresti-Coull, so a digit read perfectly still has a non-zero error). At 97 % that allows ~2.5 points
  (6 drawings), at 99 % ~1.7 (4 drawings), at 100 % ~1.2 (2 drawings); a poisoned digit falls by tens of points.
Versions that were never live (refused, or trained and left) do not raise the bar.
"""
import logging
import math
from dataclasses import dataclass
from functools import lru_cache

from ..exceptions import ModelIntegrityError, ModelUnavailableError, QualityGateError
from ..storage import versions

log = logging.getLogger(__name__)

PART = "all"  # the reference figures the gate reads: both parts of the reference set together


@dataclass(frozen=True)
class Shortfall:
    """One figure on which the candidate falls short: what, its value, the best live one's, which version that
    was, the allowed drop."""

    what: str
    candidate: float
    best: float
    version: int
    allowed: float

    def __str__(self):
        return (f"{self.what} {self.candidate:.2%} vs {self.best:.2%} of version {self.version} "
                f"(a drop of {100 * (self.best - self.candidate):.2f} points; {100 * self.allowed:.2f} allowed)")


@lru_cache(maxsize=1)
def digit_counts():
    """Reference drawings of each digit: the real validation digits in every style plus the held-out load_digits."""
    import numpy as np

    from ..recognition.handwriting import VALIDATION_PER_DIGIT
    from ..recognition.reference import STYLES
    from ..recognition.training_set import heldout_indices, load_base_digits

    held = np.bincount(load_base_digits()[1][heldout_indices()], minlength=10)
    return tuple(int(VALIDATION_PER_DIGIT * len(STYLES) + count) for count in held)


def digit_allowance(active_share, count, margin, z):
    """The largest drop (share) a digit may show: the margin, or z standard errors when that is more."""
    adjusted = (active_share * count + 2) / (count + 4)  # Agresti-Coull
    return max(margin, z * math.sqrt(adjusted * (1 - adjusted) / (count + 4)))


def best_of(live):
    """{figure: (best share, version)} over the ``live`` versions' reports ({version: report}), for "overall"
    and each digit; the older version wins a tie."""
    best = {}
    for version, report in sorted(live.items()):
        figures = {"overall": report[PART]["overall"],
                   **{f"digit {digit}": share for digit, share in enumerate(report[PART]["per_digit"])}}
        for what, share in figures.items():
            if what not in best or share > best[what][0]:
                best[what] = (share, version)
    return best


def shortfalls(candidate, live, margin, z, counts):
    """Every figure (overall, then each digit) on which ``candidate`` falls below the best of the ``live``
    versions by more than allowed.

    ``candidate``: a reference report ({"all": {"overall": x, "per_digit": [...]}, ...}); ``live``: {version:
    report} of the versions that were served; ``margin``: points / 100; ``counts``: reference drawings per digit.
    """
    new = candidate[PART]
    found = []
    for what, (share, version) in best_of(live).items():
        if what == "overall":
            value, allowed = new["overall"], margin
        else:
            digit = int(what.split()[1])
            value, allowed = new["per_digit"][digit], digit_allowance(share, counts[digit], margin, z)
        if share - value > allowed + 1e-9:
            found.append(Shortfall(what, value, share, version, allowed))
    return found


def reference_of(session, registry, version, measure=True):
    """Version ``version``'s reference figures: from its row, else its model file's metadata, else measured
    now (the first time in a process builds the reference set: up to a minute or two), unless not
    ``measure`` (then None). Stored on the row."""
    row = versions.find(session, version)
    if row.reference is not None:
        return row.reference
    model, metadata = registry.load(version)
    reference = metadata.get("reference")
    if reference is None and not measure:
        return None
    if reference is None:
        from ..recognition.reference import reference_accuracy  # training-side code: only when needed

        log.info("Measuring model version %s on the reference set", version)
        reference = reference_accuracy(model)
    versions.set_reference(session, version, reference)
    return reference


def live_figures(session, registry, active, measure):
    """{version: reference figures} of the versions that were live: the active one's measured when missing
    (unless not ``measure``); any other's only when stored (row or model file), else left out."""
    live = {}
    for version in {*versions.live_versions(session), active}:
        try:
            figures = reference_of(session, registry, version, measure=measure and version == active)
        except (ModelUnavailableError, ModelIntegrityError) as error:
            if version == active:
                raise
            log.warning("Quality gate: live version %s left out (%s)", version, error)
            continue
        if figures is not None:
            live[version] = figures
    return live


def refusal(version, active, found):
    """The refusal (409 quality_gate) of a version the gate refuses, with both figures of every shortfall."""
    return QualityGateError(f"Version {version} reads the reference set worse than the versions served so far "
                            f"(active: {active}): " + "; ".join(map(str, found))
                            + f". Activate it anyway with {{\"force\": true}} (manage.py models activate {version} --force).")


def activate(session, registry, version, config, force=False, who="admin"):
    """Activate ``version`` if it passes the gate against the versions that were live (or ``force``) -> its row."""
    row = versions.find(session, version)
    active = versions.active_version(session)
    if active is not None and active != version and row.status == "ready":
        # forced: compare the figures already known, measure nothing (an admin's override must not wait minutes)
        try:
            live = live_figures(session, registry, active, measure=not force)
        except (ModelUnavailableError, ModelIntegrityError) as error:  # nothing usable is served: nothing to keep
            log.warning("Quality gate: active version %s cannot be measured (%s); not comparing", active, error)
            return versions.activate(session, version)
        candidate = reference_of(session, registry, version, measure=not force)
        found = None if candidate is None or active not in live else shortfalls(
            candidate, live, config["GATE_MARGIN"] / 100, config["GATE_DIGIT_Z"], digit_counts())
        if found and not force:
            raise refusal(version, active, found)
        if force and found is None:
            log.warning("Quality gate overridden by %s: version %s activated in place of %s without comparing "
                        "(reference figures not measured yet)", who, version, active)
        elif found:
            log.warning("Quality gate overridden by %s: version %s activated in place of %s although %s",
                        who, version, active, "; ".join(map(str, found)))
    return versions.activate(session, version)
