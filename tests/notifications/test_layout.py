"""How the notifications app depends on the others and on itself (issue 14,
item 5): no import cycle between its services and its tasks, none of the
other feature apps imported, no module over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import notifications

PACKAGE = Path(notifications.__file__).parent


def _modules() -> dict[str, Path]:
    return {path.stem: path for path in PACKAGE.glob("*.py") if path.stem != "__init__"}


def _imports(path: Path) -> set[str]:
    """Every module this file imports, anywhere in it (functions included),
    as absolute dotted names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = "notifications" + (f".{base}" if base else "")
            names.add(base)
            # ``from . import tasks`` names the module in the alias.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _local_imports(name: str) -> set[str]:
    modules = _modules()
    found = set()
    for imported in _imports(modules[name]):
        head, _, rest = imported.partition(".")
        if head == "notifications" and rest.split(".")[0] in modules:
            found.add(rest.split(".")[0])
    return found - {name}


def _reachable(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for module in _local_imports(todo.pop()):
            if module not in seen:
                seen.add(module)
                todo.append(module)
    return seen


def test_the_outbox_services_never_import_the_tasks():
    # The send task is enqueued by its name (services.SEND_TASK).
    assert "tasks" not in _reachable("services")
    assert "services" in _local_imports("tasks")


def test_the_send_task_is_registered_under_the_name_the_services_enqueue():
    from celery import current_app

    from notifications.services import SEND_TASK
    from notifications.tasks import notification_send_task

    assert current_app.tasks[SEND_TASK] == notification_send_task  # (a proxy of it)


def test_no_module_imports_itself_back():
    cycles = sorted(name for name in _modules() if name in _reachable(name))
    assert cycles == []


def test_notifications_imports_neither_intake_nor_sla():
    offenders = sorted(
        f"{name}: {imported}"
        for name, path in _modules().items()
        for imported in _imports(path)
        if imported.split(".")[0] in {"intake", "sla"}
    )
    assert offenders == []


def test_no_module_of_the_app_is_over_400_lines():
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
