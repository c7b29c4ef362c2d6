"""What running one snippet produced: the one record the runner makes, the cache stores, the
engine checks and the renderer shows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# The key of `measured` under which a snippet whose output does not vary keeps figures that do
# (timings, sizes): never compared with another run, and marked as varying wherever shown.
VARYING = "varies"


def steady(measured: object) -> object:
    """``measured`` without its varying figures: what another run of the snippet must repeat."""
    if isinstance(measured, dict):
        return {key: value for key, value in measured.items() if key != VARYING}
    return measured


@dataclass(frozen=True)
class Failure:
    message: str
    line: int | None  # the snippet's line, when it is known


@dataclass
class Outcome:
    snippet: str  # the snippet's path, relative to the project
    ok: bool = False
    output: str = ""  # as the page shows it (output.clean)
    log_lines_dropped: int = 0  # C++ log lines output.clean removed
    seconds: float = 0.0
    result: dict | None = None  # the encoded `result` (worker.encode), compared between sides
    measured: object = None  # plain data for generated tables, never compared between sides
    versions: dict[str, str] = field(default_factory=dict)  # what the worker reports it ran with
    machine: dict = field(default_factory=dict)  # machine.describe() of where it ran
    error: Failure | None = None
    key: str = ""  # the cache key it is stored under

    def failure(self) -> str:
        """Why it failed, for a message: the snippet's file and line, the error, and the last
        lines it printed."""
        error = self.error
        where = f"{self.snippet}:{error.line}" if error and error.line else self.snippet
        text = f"{where}: {error.message if error else 'failed'}"
        tail = self.output.rstrip().splitlines()[-15:]
        if tail:
            text += "\n  output (last lines):\n" + "\n".join("    " + line for line in tail)
        return text

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> Outcome:
        """The outcome stored as ``data``; ValueError when it is not a whole one."""
        if not isinstance(data, dict) or set(data) != {f for f in cls.__dataclass_fields__}:
            raise ValueError("not an outcome")
        error = data["error"]
        if error is not None and not (isinstance(error, dict) and set(error) == {"message", "line"}):
            raise ValueError("not a failure")
        if not isinstance(data["output"], str) or not isinstance(data["ok"], bool):
            raise ValueError("not an outcome")
        return cls(**{**data, "error": Failure(**error) if error else None})
