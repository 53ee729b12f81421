"""Where and when a measurement ran: CPU model, cores, RAM, Python and package versions, date.

No host name: the description is safe to commit with the results.
"""
from __future__ import annotations

import datetime
import os
import platform
import sys
from importlib import metadata

PACKAGES = ("django", "uvicorn", "gunicorn", "granian", "httpx", "psutil", "matplotlib")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def ram_gib() -> float:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def describe() -> dict:
    """A JSON-able description of this machine and interpreter (no host name)."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gib": ram_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "gil_enabled": getattr(sys, "_is_gil_enabled", lambda: True)(),
        "packages": versions(),
        # how busy the machine was when the run started: above the core count, every figure is slowed
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def caption(machine: dict) -> str:
    """One line for plot titles: what ran where and when."""
    packages = machine["packages"]
    return (f"{machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB RAM · "
            f"Python {machine['python']} · Django {packages['django']} · {machine['date']} · "
            f"load avg {machine['load_average_1min']}")


def summary(machine: dict | None = None) -> str:
    """A few lines for a notebook's first output cell."""
    machine = machine or describe()
    packages = ", ".join(f"{name} {version}" for name, version in machine["packages"].items())
    return (f"Machine: {machine['cpu']}, {machine['cores']} cores ({machine['usable_cores']} usable), "
            f"{machine['ram_gib']} GiB RAM, {machine['os']}\n"
            f"Python: {machine['python']} ({machine['python_implementation']}, GIL "
            f"{'enabled' if machine['gil_enabled'] else 'disabled'})\n"
            f"Packages: {packages}\n"
            f"Date: {machine['date']}; load average at start: {machine['load_average_1min']} "
            f"(on {machine['cores']} cores)")
