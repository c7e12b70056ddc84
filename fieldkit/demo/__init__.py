"""`fieldkit demo`: the Barnet week of action replayed end to end in a fresh workspace."""

from fieldkit.demo.progress import STEPS, QuietProgress, StepProgress
from fieldkit.demo.run import default_folder, run_demo
from fieldkit.demo.summary import DEMO_FORMAT, DemoDevice, DemoResult
from fieldkit.demo.workspace import OPERATION, PLAYBOOK, DemoError, DemoFailed

__all__ = [
    "DEMO_FORMAT",
    "OPERATION",
    "PLAYBOOK",
    "STEPS",
    "DemoDevice",
    "DemoError",
    "DemoFailed",
    "DemoResult",
    "QuietProgress",
    "StepProgress",
    "default_folder",
    "run_demo",
]
