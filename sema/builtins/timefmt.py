"""``time/*``: formatting, parsing, splitting and shifting UTC timestamps, and timing a thunk.

Loaded on first use.  As in Sema, a timestamp is a float of seconds since
1970-01-01 00:00:00 UTC and everything is UTC (no time zones).  Formats are
strftime directives as Sema's chrono reads them (``%Y-%m-%d %H:%M:%S``,
``%F``, ``%T``, ``%A``, ``%b`` ... plus ``%s``, ``%Z`` = ``UTC`` and chrono's
``%.3f``-style fractional seconds).
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from fractions import Fraction

from ..errors import LispValueError
from ..runtime.registry import Callable_, Real, builtin
from ..values import Keyword, Map, make_map
from .argcheck import type_error

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_DIRECTIVE = re.compile(r"%(\.?\d*f|:z|.)", re.S)


def _ts(who: str, x) -> float:
    if x.__class__ not in (int, float, Fraction):
        raise type_error(who, "a number of seconds", x)
    return float(x)


def _moment(who: str, ts) -> datetime:
    try:
        return _EPOCH + timedelta(seconds=_ts(who, ts))
    except OverflowError:
        raise LispValueError(f"{who}: timestamp {ts} is out of range") from None


def _format(dt: datetime, fmt: str) -> str:
    def one(m: re.Match) -> str:
        d = m.group(1)
        if d == "s":
            return str(int((dt - _EPOCH) // timedelta(seconds=1)))
        if d == "Z":
            return "UTC"
        if d == "z":
            return "+0000"
        if d == ":z":
            return "+00:00"
        if d.endswith("f"):  # chrono: %f nanoseconds, %.3f / %.6f / %.9f a fraction with its dot
            digits = d.strip(".f") or ("9" if not d.startswith(".") else "")
            ns = f"{dt.microsecond:06d}000"
            if d.startswith("."):
                return "." + ns[:int(digits)] if digits else ("." + ns[:3] if dt.microsecond else "")
            return ns[:int(digits)] if digits else ns
        return dt.strftime("%" + d)
    return _DIRECTIVE.sub(one, fmt)


@builtin("time/format")
def time_format(ts: Real, fmt: str) -> str:
    """The UTC timestamp TS written with the strftime FORMAT.

    (time/format 1736943000.0 "%Y-%m-%d %H:%M:%S") ; => "2025-01-15 12:10:00"
    (time/format 1736943000.0 "%A, %B %d, %Y") ; => "Wednesday, January 15, 2025"
    (time/format 0 "%F %T") ; => "1970-01-01 00:00:00"
    (time/format -86400.0 "%Y-%m-%d") ; => "1969-12-31"
    """
    if fmt.__class__ is not str:
        raise type_error("time/format", "a format string", fmt)
    return _format(_moment("time/format", ts), fmt)


def _python_format(fmt: str) -> str:
    return fmt.replace("%F", "%Y-%m-%d").replace("%T", "%H:%M:%S").replace("%R", "%H:%M")


@builtin("time/parse")
def time_parse(text: str, fmt: str) -> float:
    """The UTC timestamp (whole seconds) that TEXT denotes under the strftime FORMAT.

    The wall-clock time in TEXT is taken as UTC.

    (time/parse "2025-01-15 12:10:00" "%Y-%m-%d %H:%M:%S") ; => 1736943000.0
    (time/parse "15/01/2025 14:30:00" "%d/%m/%Y %H:%M:%S") ; => 1736951400.0
    """
    for x, what in ((text, "a date string"), (fmt, "a format string")):
        if x.__class__ is not str:
            raise type_error("time/parse", what, x)
    try:
        dt = datetime.strptime(text, _python_format(fmt)).replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise LispValueError(f"time/parse: {text!r} does not match the format {fmt!r} ({exc})") from None
    return float((dt - _EPOCH) // timedelta(seconds=1))


_K = Keyword


@builtin("time/date-parts")
def date_parts(ts: Real) -> Map:
    """The parts of the UTC timestamp TS: ``{:year :month :day :hour :minute :second :weekday}``.

    (time/date-parts 0.0) ; => {:day 1 :hour 0 :minute 0 :month 1 :second 0 :weekday "Thursday" :year 1970}
    (:weekday (time/date-parts 1736943000.0)) ; => "Wednesday"
    """
    dt = _moment("time/date-parts", ts)
    return make_map([(_K("year"), dt.year), (_K("month"), dt.month), (_K("day"), dt.day),
                     (_K("hour"), dt.hour), (_K("minute"), dt.minute), (_K("second"), dt.second),
                     (_K("weekday"), dt.strftime("%A"))])


@builtin("time/add")
def time_add(ts: Real, seconds: Real) -> float:
    """The timestamp SECONDS after TS (before it when negative).

    (time/add 1736943000.0 3600) ; => 1736946600.0
    """
    return _ts("time/add", ts) + _ts("time/add", seconds)


@builtin("time/diff")
def time_diff(t1: Real, t2: Real) -> float:
    """T1 minus T2, in seconds (negative when T1 is earlier).

    (time/diff 1736943000.0 1736935800.0) ; => 7200.0
    (time/diff 1736935800.0 1736943000.0) ; => -7200.0
    """
    return _ts("time/diff", t1) - _ts("time/diff", t2)


@builtin("time/ms")
def time_ms(thunk: Callable_) -> float:
    """How long calling THUNK took, in milliseconds (its value is dropped).

    (>= (time/ms (lambda () (apply + (range 1000)))) 0) ; => #t
    """
    start = time.perf_counter()
    thunk()
    return (time.perf_counter() - start) * 1000.0


@builtin("time/tick")
def time_tick(ms: int) -> Map:
    """A timer source for an event loop: the map ``{:type :timer :ms MS}``.

    (time/tick 16) ; => {:ms 16 :type :timer}
    """
    if ms.__class__ is not int or ms < 0:
        raise type_error("time/tick", "a non-negative number of milliseconds", ms)
    return make_map([(_K("type"), _K("timer")), (_K("ms"), ms)])
