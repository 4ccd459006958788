"""Event classes by (type, schema_version), and the upcasters that read old versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jobtrail.events.envelope import Envelope, Event
from jobtrail.events.errors import UnknownEventType

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class EventRegistry:
    """Knows every event class and how to bring old payloads up to date."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Event]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        # Types that are read but never appended (an erased event's placeholder).
        self._placeholders: dict[str, type[Event]] = {}

    def register(self, cls: type[Event]) -> None:
        existing = self._classes.get(cls.type)
        if existing is not None and existing is not cls:
            raise ValueError(f"event type {cls.type} is defined twice: {existing} and {cls}")
        self._classes[cls.type] = cls

    def placeholder(self, cls: type[Event]) -> None:
        """A class decoded like an event, but never appended: no schema, no emitter."""
        self._placeholders[cls.type] = cls

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register `fn(data) -> data` that turns version `from_version` into the next one."""

        def decorate(fn: Upcaster) -> Upcaster:
            self._upcasters[(event_type, from_version)] = fn
            return fn

        return decorate

    def classes(self) -> dict[str, type[Event]]:
        return dict(self._classes)

    def upcasters(self) -> dict[tuple[str, int], Upcaster]:
        return dict(self._upcasters)

    def class_for(self, event_type: str) -> type[Event]:
        try:
            return self._classes.get(event_type) or self._placeholders[event_type]
        except KeyError:
            raise UnknownEventType(f"no event class is registered for type {event_type}") from None

    def upcast(self, event_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
        """Apply upcasters from `version` up to the class's current schema version."""
        target = self.class_for(event_type).schema_version
        while version < target:
            step = self._upcasters.get((event_type, version))
            if step is None:
                raise UnknownEventType(
                    f"{event_type} v{version} cannot be read: no upcaster to v{version + 1}"
                )
            data = step(data)
            version += 1
        if version > target:
            raise UnknownEventType(
                f"{event_type} v{version} is newer than this process knows (v{target}); upgrade it"
            )
        return data

    def decode(self, envelope: Envelope) -> Event:
        cls = self.class_for(envelope.type)
        data = self.upcast(envelope.type, envelope.schema_version, envelope.data)
        return cls.model_validate(data)


registry = EventRegistry()
