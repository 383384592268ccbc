"""State machines of the governance ledgers, declared as data (``data/*.toml``)."""

from qingshan.governance.workflows.machine import (
    GROUPS, MACHINES, ActorView, Machine, MachineError, NotAllowed, State, Step, Transition,
    TransitionError, machine,
)
from qingshan.governance.workflows.runner import apply, apply_step, new_case

__all__ = ["apply", "apply_step", "new_case", "GROUPS", "MACHINES", "ActorView", "Machine",
           "MachineError", "NotAllowed", "State", "Step", "Transition", "TransitionError",
           "machine"]
