"""Figures the reports do not print, computed from figures they do: typed, in Decimal, with their operation.

A `Derived` names its operation and its operands (the stored facts it is computed
from), so the reviewer (review.py) recomputes exactly the declared operation from
the cited operands instead of guessing a formula that happens to give the shown
value. The formula search in verify.py stays for free text (LLM drafts, claims).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from .corpus import StoredFact
from .verify import dimension, to_base


@dataclass(frozen=True)
class Operation:
    """How a value is computed from its operands' values (in base units), and how it is written."""

    compute: Callable[[list[Decimal]], Decimal]
    formula: Callable[[list[str]], str]
    percent: bool            # the result is a percentage, not an amount in the first operand's unit


def _rise(v: list[Decimal]) -> Decimal:
    return (v[0] - v[1]) / v[1] * 100


OPS: dict[str, Operation] = {
    "sum": Operation(lambda v: sum(v, Decimal(0)), lambda s: " + ".join(s), False),
    "difference": Operation(lambda v: v[0] - v[1], lambda s: f"{s[0]} − {s[1]}", False),
    "growth": Operation(_rise, lambda s: f"({s[0]} − {s[1]}) ÷ {s[1]}", True),
    "share": Operation(lambda v: v[0] / v[1] * 100, lambda s: f"{s[0]} ÷ {s[1]}", True),
    # the year before, from this year's figure and the rise (or fall) it states
    "prior_after_rise": Operation(lambda v: v[0] - v[1], lambda s: f"{s[0]} − {s[1]}", False),
    "prior_after_fall": Operation(lambda v: v[0] + v[1], lambda s: f"{s[0]} + {s[1]}", False),
    # the rate of a stated change: change ÷ (this year ∓ change)
    "rate_of_rise": Operation(lambda v: v[1] / (v[0] - v[1]) * 100, lambda s: f"{s[1]} ÷ ({s[0]} − {s[1]})", True),
    "rate_of_fall": Operation(lambda v: v[1] / (v[0] + v[1]) * 100, lambda s: f"{s[1]} ÷ ({s[0]} + {s[1]})", True),
}


@dataclass(frozen=True)
class Derived:
    """A computed figure: `op` over `operands`, giving `value` in `unit`."""

    op: str
    operands: tuple[StoredFact, ...]
    value: Decimal
    unit: str

    @property
    def formula(self) -> str:
        """As written in an answer's sentence, beside the operands it names: 31.13 − 27.30."""
        return OPS[self.op].formula([str(f.value) for f in self.operands])

    @property
    def formula_in_units(self) -> str:
        """As shown with a checked figure, where the operands stand alone: 31.13万元 − 27.30万元."""
        return OPS[self.op].formula([f"{f.value}{f.uom}" for f in self.operands])


def derive(op: str, *operands: StoredFact) -> Derived | None:
    """The operation over the facts, or None when it cannot be computed (a value missing, a zero divisor,
    an amount against a count, a share of percentages)."""
    if not _comparable(op, operands):
        return None
    value = recompute(op, operands)
    if value is None:
        return None
    return Derived(op, tuple(operands), value, "%" if OPS[op].percent else operands[0].uom)


def recompute(op: str, operands: tuple[StoredFact, ...] | list[StoredFact]) -> Decimal | None:
    """The value of the operation over the operands' values, in the first operand's unit (or %)."""
    if not _comparable(op, operands):
        return None
    values = [to_base(f.value, f.uom) for f in operands]
    try:
        value = OPS[op].compute(values)
    except (ArithmeticError, IndexError):
        return None
    return value if OPS[op].percent else value / to_base(Decimal(1), operands[0].uom)


def _comparable(op: str, operands: tuple[StoredFact, ...] | list[StoredFact]) -> bool:
    """Operands of one dimension (万元 with 元, 辆 with 辆); percentages only added or subtracted."""
    if op not in OPS or not operands or any(f.value is None for f in operands):
        return False
    dimensions = {dimension(f.uom) for f in operands}
    return len(dimensions) == 1 and not ("%" in dimensions and OPS[op].percent)
