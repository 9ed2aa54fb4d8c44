"""Find an optional module in every installed app (`<app>.demo`, `<app>.dashboard`, ...), so the
core can call into the apps without importing them."""

from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[ModuleType]:
    """`<app>.<name>` of every installed app that has one, in INSTALLED_APPS order. An import
    error inside such a module is raised, not mistaken for its absence."""
    modules = []
    for config in apps.get_app_configs():
        try:
            modules.append(import_module(f"{config.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return modules
