"""The quality gate: a version reads the trusted reference set no worse than the active one, or it is not
served (unless an admin forces it, which is logged).

Compared on the whole reference set (real handwriting drawn on a canvas and the held-out load_digits):
- overall: a drop of more than GATE_MARGIN points is refused;
- per digit: a digit has about 236 reference drawings, so one drawing moves it by ~0.4 points and its
  figure is only known to within its binomial standard error. A digit's drop is refused when it exceeds
  both GATE_MARGIN and GATE_DIGIT_Z standard errors of the active version's figure on that digit
  (Agresti-Coull, so a digit read perfectly still has a non-zero error). At 97 % that allows ~2.5 points
  (6 drawings), at 99 % ~1.7 (4 drawings), at 100 % ~1.2 (2 drawings); a poisoned digit falls by tens of points.
"""
import logging
import math
from dataclasses import dataclass
from functools import lru_cache

from ..errors import ApiError
from ..exceptions import ModelIntegrityError, ModelUnavailableError
from ..storage import versions

log = logging.getLogger(__name__)

PART = "all"  # the reference figures the gate reads: both parts of the reference set together


@dataclass(frozen=True)
class Shortfall:
    """One figure on which the candidate falls short: what, its value, the active one's, the allowed drop."""

    what: str
    candidate: float
    active: float
    allowed: float

    def __str__(self):
        return (f"{self.what} {self.candidate:.2%} vs {self.active:.2%} "
                f"(a drop of {100 * (self.active - self.candidate):.2f} points; {100 * self.allowed:.2f} allowed)")


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


def shortfalls(candidate, active, margin, z, counts):
    """Every figure (overall, then each digit) on which ``candidate`` falls below ``active`` by more than allowed.

    ``candidate``/``active``: reference reports ({"all": {"overall": x, "per_digit": [...]}, ...});
    ``margin``: points / 100; ``counts``: reference drawings per digit.
    """
    new, old = candidate[PART], active[PART]
    found = []
    if old["overall"] - new["overall"] > margin + 1e-9:
        found.append(Shortfall("overall", new["overall"], old["overall"], margin))
    for digit, (new_share, old_share, count) in enumerate(zip(new["per_digit"], old["per_digit"], counts)):
        allowed = digit_allowance(old_share, count, margin, z)
        if old_share - new_share > allowed + 1e-9:
            found.append(Shortfall(f"digit {digit}", new_share, old_share, allowed))
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


def refusal(version, active, found):
    """The 409 for a version the gate refuses, with both figures of every shortfall."""
    return ApiError(409, "quality_gate",
                    f"Version {version} reads the reference set worse than active version {active}: "
                    + "; ".join(map(str, found))
                    + f". Activate it anyway with {{\"force\": true}} (manage.py models activate {version} --force).")


def activate(session, registry, version, config, force=False, who="admin"):
    """Activate ``version`` if it passes the gate against the active version (or ``force``) -> its row."""
    row = versions.find(session, version)
    active = versions.active_version(session)
    if active is not None and active != version and row.status == "ready":
        # forced: compare the figures already known, measure nothing (an admin's override must not wait minutes)
        try:
            served = reference_of(session, registry, active, measure=not force)
        except (ModelUnavailableError, ModelIntegrityError) as error:  # nothing usable is served: nothing to keep
            log.warning("Quality gate: active version %s cannot be measured (%s); not comparing", active, error)
            return versions.activate(session, version)
        candidate = reference_of(session, registry, version, measure=not force)
        found = None if candidate is None or served is None else shortfalls(
            candidate, served, config["GATE_MARGIN"] / 100, config["GATE_DIGIT_Z"], digit_counts())
        if found and not force:
            raise refusal(version, active, found)
        if force and found is None:
            log.warning("Quality gate overridden by %s: version %s activated in place of %s without comparing "
                        "(reference figures not measured yet)", who, version, active)
        elif found:
            log.warning("Quality gate overridden by %s: version %s activated in place of %s although %s",
                        who, version, active, "; ".join(map(str, found)))
    return versions.activate(session, version)
