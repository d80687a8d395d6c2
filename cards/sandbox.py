"""The sandbox every layout runs in, and how much a layout may make.

Jinja's immutable sandbox keeps a layout from code and files; this adds
bounds, since a deck's own layouts come from strangers and a few lines can
build gigabytes or loop for hours. Every way a layout can make text counts
against ``MAX_MADE_LENGTH``: repeating (``*``), joining (``~`` and ``+``),
widths (``center``, ``format``, ``%``), ``replace``, ``join``, ``indent``;
what it writes out counts against ``MAX_OUTPUT``; powers against
``MAX_POWER_BITS``; rendering one layout against ``LAYOUT_SECONDS``. Past
any of them the build stops naming the layout and the line it was on.
"""

from __future__ import annotations

import math
import re
import signal
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# What a layout may make in one expression: enough for any page, too little to
# exhaust memory ("x" * 10**9 is refused, not attempted).
MAX_MADE_LENGTH = 100_000
# What one layout may write out: a booklet's contents for 5,000 techniques is
# under a megabyte of markup.
MAX_OUTPUT = 5_000_000
MAX_EXPONENT = 64
MAX_POWER_BITS = 4_096  # a number a layout may make by a power: 1,233 digits
LAYOUT_SECONDS = 5.0  # rendering one layout; a card takes about a millisecond

# Widths in a %-format or a format spec: "%999999999s", "{:>999999999}".
WIDTHS = re.compile(r"\d+")
PERCENT_SPECS = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")


class LayoutBound(SecurityError):
    """A layout went past one of its bounds (README, Limits)."""


class LayoutTimeout(LayoutBound):
    """Rendering a layout took longer than ``LAYOUT_SECONDS``."""


def too_long(what: str) -> LayoutBound:
    return LayoutBound(f"{what} past {MAX_MADE_LENGTH:,} characters is not allowed in a layout")


def within_budget(items: tuple[Any, ...]) -> tuple[Any, ...]:
    """What ``~`` joins, once the join is known to stay within the bound."""
    total = 0
    for item in items:
        total += len(item) if isinstance(item, str) else len(str(item))
        if total > MAX_MADE_LENGTH:
            raise too_long("joining text with ~")
    return items


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every ``~`` checked before it joins."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"{func_name}(environment.within_budget((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


class LayoutSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with everything that makes text or numbers bounded."""

    code_generator_class = BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.within_budget = within_budget
        for name, bounded in BOUNDED_FILTERS.items():
            self.filters[name] = bounded(self.filters[name])

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "**":
            check_power(left, right)
        elif operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, (str, list, tuple)) and _is_number(times)
                if sized and len(seq) * times > MAX_MADE_LENGTH:
                    raise LayoutBound(
                        f"repeating text or a list past {MAX_MADE_LENGTH:,} items "
                        "is not allowed in a layout"
                    )
        elif operator == "+" and isinstance(left, (str, list, tuple)):
            if hasattr(right, "__len__") and len(left) + len(right) > MAX_MADE_LENGTH:
                raise too_long("joining text with +")
        elif operator == "%" and isinstance(left, str):
            check_percent_widths(left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """A call from a layout, with the text methods that grow text bounded
        before they run (``"x".center(10**9)`` is refused, not attempted)."""
        owner = getattr(obj, "__self__", None)
        if isinstance(owner, str):
            check_text_method(owner, getattr(obj, "__name__", ""), args, kwargs)
        return super().call(context, obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` as the sandbox wraps it, its widths checked first (asked
        of every attribute a layout reads: only a format method is wrapped)."""
        wrapped: Callable[..., str] | None = super().wrap_str_format(value)
        if wrapped is not None:
            check_format_widths(value.__self__)
        return wrapped


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_power(base: Any, exponent: Any) -> None:
    if not (_is_number(base) and _is_number(exponent)):
        return
    if abs(exponent) > MAX_EXPONENT:
        raise LayoutBound(f"an exponent over {MAX_EXPONENT} is not allowed in a layout")
    grows = isinstance(base, int) and isinstance(exponent, int) and exponent > 0
    if grows and abs(base).bit_length() * exponent > MAX_POWER_BITS:
        raise LayoutBound(
            f"a power past {MAX_POWER_BITS:,} bits (about 1,200 digits) is not allowed in a layout"
        )


def check_width(width: Any, what: str) -> None:
    if _is_number(width) and width > MAX_MADE_LENGTH:
        raise too_long(what)


def check_format_widths(text: str) -> None:
    """Widths in ``str.format`` fields: "{:>999999999}" or one given as {w}."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # the format itself fails as it would anyway
    for _, _, spec, _ in fields:
        if not spec:
            continue
        if "{" in spec:
            raise LayoutBound("a width given by another field is not allowed in a layout")
        if any(int(n) > MAX_MADE_LENGTH for n in WIDTHS.findall(spec)):
            raise too_long("a width")


def check_percent_widths(text: str, values: Any) -> None:
    """Widths in a %-format: "%999999999s", or "%*s" with the width among the values."""
    given = list(values) if isinstance(values, tuple) else [values]
    for width, precision in PERCENT_SPECS.findall(text):
        for part in (width, precision):
            if part == "*":
                star = given.pop(0) if given else 0
                check_width(star, "a width")
            elif part and int(part) > MAX_MADE_LENGTH:
                raise too_long("a width")


def check_text_method(text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Text methods that can grow text, checked on their arguments first."""
    if name in ("center", "ljust", "rjust", "zfill") and args:
        check_width(args[0], f"{name}()")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if _is_number(size) and len(text) * max(size, 1) > MAX_MADE_LENGTH:
            raise too_long("expandtabs()")
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        count = text.count(old) if old else len(text) + 1
        if len(text) + count * max(len(new) - len(old), 0) > MAX_MADE_LENGTH:
            raise too_long("replace()")
    elif name == "join" and args:
        parts = args[0]
        if isinstance(parts, (list, tuple)):
            size = sum(len(p) for p in parts if isinstance(p, str))
            if size + len(text) * max(len(parts) - 1, 0) > MAX_MADE_LENGTH:
                raise too_long("join()")
    elif name in ("format", "format_map"):
        check_format_widths(text)


def bounded_filter(
    check: Callable[..., None],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A filter that runs only once ``check`` has passed its arguments."""

    def wrap(original: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            check(*args, **kwargs)
            return original(*args, **kwargs)

        run.__dict__.update(original.__dict__)  # keep Jinja's pass_context and like marks
        run.__name__ = original.__name__
        return run

    return wrap


def _centre(value: Any, width: Any = 80, *_: Any, **__: Any) -> None:
    check_width(width, "center")


def _indent(value: Any, width: Any = 4, *_: Any, **__: Any) -> None:
    lines = str(value).count("\n") + 1
    if _is_number(width) and len(str(value)) + width * lines > MAX_MADE_LENGTH:
        raise too_long("indent")


def _replace(*args: Any, **kwargs: Any) -> None:
    values = [a for a in args if not isinstance(a, jinja2.nodes.EvalContext)]
    if len(values) >= 3:
        check_text_method(str(values[0]), "replace", (values[1], values[2]), {})


def _join(*args: Any, **kwargs: Any) -> None:
    values = [a for a in args if not isinstance(a, jinja2.nodes.EvalContext)]
    if values and isinstance(values[0], (list, tuple)):
        separator = str(values[1]) if len(values) > 1 else ""
        check_text_method(separator, "join", ([str(v) for v in values[0]],), {})


def _format(value: Any, *args: Any, **kwargs: Any) -> None:
    if isinstance(value, str):
        if kwargs:
            check_format_widths(value)
        else:
            check_percent_widths(value, tuple(args))


BOUNDED_FILTERS = {
    "center": bounded_filter(_centre),
    "indent": bounded_filter(_indent),
    "replace": bounded_filter(_replace),
    "join": bounded_filter(_join),
    "format": bounded_filter(_format),
}


@contextmanager
def time_budget(seconds: float = LAYOUT_SECONDS) -> Iterator[None]:
    """Stop what runs within after ``seconds`` with ``LayoutTimeout`` (a layout's
    two loops of 100,000 each would otherwise run for hours). Only the main
    thread can take signals; elsewhere nothing is timed. The handler is set
    once and stays, doing nothing while no layout is being rendered, so that
    a render costs two calls of a timer, not four of signal handling."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    if signal.getsignal(signal.SIGALRM) is not _expired:
        _TIMER.previous = signal.signal(signal.SIGALRM, _expired)
    _TIMER.seconds, _TIMER.running = seconds, True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _TIMER.running = False


class _Timer:
    """The state of the render timer in this process."""

    running = False
    seconds = LAYOUT_SECONDS
    previous: Any = signal.SIG_DFL


_TIMER = _Timer()


def _expired(signum: int, frame: Any) -> None:
    if _TIMER.running:
        raise LayoutTimeout(
            f"rendering took longer than {math.ceil(_TIMER.seconds)} seconds; a layout must "
            "not loop for long"
        )
    if callable(_TIMER.previous):  # an alarm of someone else's: theirs
        _TIMER.previous(signum, frame)
