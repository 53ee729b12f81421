"""MIDDLEWARE and INSTALLED_APPS as `django-admin startproject` writes them for the installed Django: read
from Django's own project template, so they follow each release instead of being copied by hand."""
import ast
from pathlib import Path

import django


def template_settings() -> dict:
    template = Path(django.__file__).parent / "conf" / "project_template" / "project_name" / "settings.py-tpl"
    tree = ast.parse(template.read_text(encoding="utf-8"))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in ("MIDDLEWARE", "INSTALLED_APPS")}


SETTINGS = template_settings()
MIDDLEWARE: list = SETTINGS["MIDDLEWARE"]
INSTALLED_APPS: list = SETTINGS["INSTALLED_APPS"]
