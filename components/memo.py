"""Compute once: what is derived from the shared data is remembered, not rebuilt per run.

The dataset is loaded once per change of its files and shared by every session
(``components.data.get_dataset``); the filtered views are shared the same way
(``components.filters.filter_dataset``). A table derived from them is the same for every
run that passes the same frames, so ``@shared`` remembers a function's result by its
arguments: frames and other unhashable objects by identity, everything else by value.

Frames are never changed in place (pandas copies on write, and nothing assigns into a shared
frame), so the same frame object always holds the same rows. Each remembered entry keeps its
arguments alive, so an identity is never reused while its result is remembered.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from typing import TypeVar

T = TypeVar("T")


def _token(value: object) -> Hashable:
    if isinstance(value, Hashable) and not hasattr(value, "__array__"):
        try:
            hash(value)
            return (type(value).__name__, value)
        except TypeError:
            pass
    if isinstance(value, list | set | frozenset):
        return (type(value).__name__, tuple(sorted((_token(v) for v in value), key=repr)))
    return ("id", id(value))


def shared(maxsize: int = 256) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Remember up to ``maxsize`` results of a pure function, least recently used first out."""

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        entries: OrderedDict[Hashable, tuple[T, tuple, dict]] = OrderedDict()
        lock = threading.Lock()

        @wraps(function)
        def remembered(*args: object, **kwargs: object) -> T:
            key = (tuple(_token(a) for a in args), tuple((k, _token(v)) for k, v in sorted(kwargs.items())))
            with lock:
                if key in entries:
                    entries.move_to_end(key)
                    return entries[key][0]
            value = function(*args, **kwargs)
            with lock:
                entries[key] = (value, args, kwargs)
                while len(entries) > maxsize:
                    entries.popitem(last=False)
            return value

        remembered.cache_clear = entries.clear  # type: ignore[attr-defined]
        return remembered

    return decorate
