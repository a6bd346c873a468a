"""A clean install: the wheel holds lexwatch and nothing else at the top, and `lexwatch demo` runs from
a fresh virtual environment outside the checkout.

- pyproject's `packages` list is exactly the folders holding an __init__.py under lexwatch/ and the
  design card's folders (crawler/, nlp/, index/, dashboards/, installed as lexwatch.crawler, …), plus
  the bundled data folders of lexwatch/bundled.py, mapped by package-dir as that module says.
- Slow: build the wheel from a copy of the tree, install it with its dependencies into a new venv
  (no system or shared site-packages: honest, about 2.5 minutes here, mostly downloading), run the
  demo from a directory outside the checkout and read its store back.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from lexwatch.bundled import BUNDLED

ROOT = Path(__file__).resolve().parent.parent
DESIGN_FOLDERS = {"crawler": "lexwatch.crawler", "nlp": "lexwatch.nlp", "index": "lexwatch.index",
                  "dashboards": "lexwatch.dashboards"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _packages_on_disk() -> set[str]:
    found = set()
    for folder, name in {"lexwatch": "lexwatch", **DESIGN_FOLDERS}.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            if "__pycache__" not in parts:
                found.add(".".join((name, *parts)))
    return found


def test_the_packages_list_is_every_package_folder_and_the_bundled_data():
    setuptools = _pyproject()
    bundled = {f"lexwatch.{name}" for name in BUNDLED}
    assert set(setuptools["packages"]) == _packages_on_disk() | bundled
    assert len(setuptools["packages"]) == len(set(setuptools["packages"]))
    package_dir = setuptools["package-dir"]
    assert {k: v for k, v in package_dir.items() if k in DESIGN_FOLDERS.values()} == \
        {name: folder for folder, name in DESIGN_FOLDERS.items()}
    assert {k.removeprefix("lexwatch."): v for k, v in package_dir.items() if k in bundled} == BUNDLED
    for folder in BUNDLED.values():
        assert (ROOT / folder).is_dir() and not (ROOT / folder / "__init__.py").exists()


def _free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (the demo serves one replica site on each)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            held = []
            for port in range(first, first + count):
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError("no run of free ports")


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith("LEXWATCH_")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_the_wheel_installs_into_a_fresh_venv_and_runs_the_demo_outside_the_checkout(tmp_path):
    # Build from a copy: a build/ folder an earlier build left in the checkout could add stale files.
    source = tmp_path / "source"
    scratch = {".git", "build", "data", ".venv", ".pytest_cache", ".hypothesis"}   # at the top only

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == ROOT
        return {n for n in names if n == "__pycache__" or n.endswith(".egg-info") or (top and n in scratch)}
    shutil.copytree(ROOT, source, ignore=ignore)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, timeout=600)
    wheel = next(wheels.glob("lexwatch-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"lexwatch", wheel.name.split("-py3")[0] + ".dist-info"}, top   # no crawler/, nlp/, …
    assert not set(DESIGN_FOLDERS) & top
    assert "lexwatch/replicas/report/routes.json" in names and "lexwatch/eval_data/labels.json" in names

    venv = tmp_path / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True, timeout=300)
    env = _clean_env(venv)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], env=env,
                             capture_output=True, text=True, timeout=1200)
    assert install.returncode == 0, install.stderr[-2000:]

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    python = str(venv / "bin" / "python")
    where = subprocess.run([python, "-c", "import lexwatch.nlp, importlib.util as u; print(lexwatch.nlp.__file__); "
                            "print([m for m in ('crawler', 'nlp', 'index', 'dashboards') if u.find_spec(m)])"],
                           cwd=outside, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.splitlines() == [str(venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
                                             / "site-packages" / "lexwatch" / "nlp" / "__init__.py"), "[]"]

    data = tmp_path / "demo"
    demo = subprocess.run([str(venv / "bin" / "lexwatch"), "demo", "--no-serve", "--data", str(data),
                           "--replica-port", str(_free_ports(4))],
                          cwd=outside, env=env, capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "Latest developments:" in demo.stdout and "0 errors" in demo.stderr
    count = subprocess.run(
        [python, "-c", "import sys; from lexwatch.index import Filters, open_store; "
                       "s = open_store(sys.argv[1]); print(s.count(), s.count('', Filters(relevant=True)))",
         f"sqlite:///{data / 'lexwatch.db'}"], cwd=outside, env=env, capture_output=True, text=True, check=True)
    stored, relevant = map(int, count.stdout.split())
    assert stored >= 100 and relevant >= 20, (stored, relevant)
    assert not (outside / "data").exists()   # nothing written to the working directory
