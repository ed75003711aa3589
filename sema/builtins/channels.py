"""``channel/*``: bounded FIFO channels between async tasks (loaded on first use).

Inside a task, ``channel/send`` on a full channel and ``channel/recv`` on an
empty one wait (letting other tasks run); outside any task they raise an
error instead, as in Sema, since nothing else would run to unblock them.
Receivers waiting longest are served first; after ``channel/close`` sends
fail and receives drain what is left, then give nil.
"""

from __future__ import annotations

from collections import deque

from ..errors import LispValueError
from ..runtime.registry import builtin, interp_builtin
from ..runtime.registry import typing_names as typing
from .argcheck import type_error
from .scheduler import scheduler_for

Any = typing.Any


class Channel:
    __slots__ = ("capacity", "items", "closed", "sched")
    sema_type = "channel"

    def __init__(self, capacity: int, sched):
        self.capacity = capacity
        self.items: deque = deque()
        self.closed = False
        self.sched = sched

    def sema_print(self, out, print_value):
        state = "closed" if self.closed else f"{len(self.items)}/{self.capacity}"
        out.append(f"<channel {state}>")


def _chan(who: str, ch) -> Channel:
    if ch.__class__ is Channel:
        return ch
    raise type_error(who, "a channel", ch)


@interp_builtin("channel/new")
def make_new(interp):
    """A channel holding up to CAPACITY values (1 by default).

    (channel/count (channel/new 4)) ; => 0
    """
    def new(capacity: Any = 1) -> Channel:
        if capacity.__class__ is not int or capacity < 1:
            raise type_error("channel/new", "a capacity of at least 1", capacity)
        return Channel(capacity, scheduler_for(interp))
    return new


@builtin("channel/send")
def send(ch: Channel, value: Any) -> None:
    """Put VALUE into the channel, waiting for room inside a task; an error once it is closed.

    (let ((ch (channel/new))) (channel/send ch 1) (channel/recv ch)) ; => 1
    """
    ch = _chan("channel/send", ch)
    sched = ch.sched
    runner = sched.enter()
    while True:
        if ch.closed:
            raise LispValueError("channel/send: the channel is closed")
        if len(ch.items) < ch.capacity:
            ch.items.append(value)
            sched.notify()
            return None
        if runner is sched.main:
            raise LispValueError("channel/send: the channel is full (outside an async task nothing can empty it)")
        sched.block(runner, lambda: ch.closed or len(ch.items) < ch.capacity, who="channel/send")


@builtin("channel/recv")
def recv(ch: Channel) -> Any:
    """The next value from the channel, waiting for one inside a task; nil once it is closed and empty.

    (let ((ch (channel/new 2))) (channel/send ch :a) (channel/close ch) (list (channel/recv ch) (channel/recv ch))) ; => (:a nil)
    """
    ch = _chan("channel/recv", ch)
    sched = ch.sched
    runner = sched.enter()
    while True:
        if ch.items:
            value = ch.items.popleft()
            sched.notify()
            return value
        if ch.closed:
            return None
        if runner is sched.main:
            raise LispValueError("channel/recv: the channel is empty (outside an async task nothing can fill it)")
        sched.block(runner, lambda: ch.closed or bool(ch.items), who="channel/recv")


@builtin("channel/try-recv")
def try_recv(ch: Channel) -> Any:
    """The next value from the channel, or nil at once if it is empty.

    (channel/try-recv (channel/new)) ; => nil
    """
    ch = _chan("channel/try-recv", ch)
    if not ch.items:
        return None
    value = ch.items.popleft()
    ch.sched.notify()
    return value


@builtin("channel/close")
def close(ch: Channel) -> None:
    """Close the channel: later sends fail, waiting receivers wake with nil.

    (let ((ch (channel/new))) (channel/close ch) (channel/closed? ch)) ; => #t
    """
    ch = _chan("channel/close", ch)
    ch.closed = True
    ch.sched.notify()
    return None


@builtin("channel/closed?")
def closed_p(ch: Channel) -> bool:
    """True once the channel is closed.

    (channel/closed? (channel/new)) ; => #f
    """
    return _chan("channel/closed?", ch).closed


@builtin("channel/count")
def count(ch: Channel) -> int:
    """The number of values waiting in the channel.

    (let ((ch (channel/new 3))) (channel/send ch 1) (channel/count ch)) ; => 1
    """
    return len(_chan("channel/count", ch).items)


@builtin("channel/empty?")
def empty_p(ch: Channel) -> bool:
    """True when no value is waiting in the channel.

    (channel/empty? (channel/new)) ; => #t
    """
    return not _chan("channel/empty?", ch).items


@builtin("channel/full?")
def full_p(ch: Channel) -> bool:
    """True when the channel holds as many values as it can.

    (let ((ch (channel/new 1))) (channel/send ch 1) (channel/full? ch)) ; => #t
    """
    ch = _chan("channel/full?", ch)
    return len(ch.items) >= ch.capacity


@builtin("channel?")
def channel_p(x: Any) -> bool:
    """True for a channel.

    (channel? (channel/new)) ; => #t
    (channel? 1) ; => #f
    """
    return x.__class__ is Channel
