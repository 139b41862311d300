"""Demo data for the embedded platform: an invented county like 温县 and a term's rounds,
loaded through the public REST APIs with a progress bar (``load_demo``,
``run_demo_against``)."""

from xuncha.demo.context import DemoContext, DemoError, Step, TokenFor
from xuncha.demo.county import FULL, SMALL, CountySize, build_county
from xuncha.demo.rounds import ROUND_HOOKS
from xuncha.demo.runner import DemoResult, build_steps, load_demo, run_demo_against

__all__ = [
    "FULL",
    "ROUND_HOOKS",
    "SMALL",
    "CountySize",
    "DemoContext",
    "DemoError",
    "DemoResult",
    "Step",
    "TokenFor",
    "build_county",
    "build_steps",
    "load_demo",
    "run_demo_against",
]
