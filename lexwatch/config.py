"""lexwatch's settings file, for what must not go on a command line (credentials, trust).

LEXWATCH_CONFIG names a TOML file with one table per service: [elasticsearch], [kibana],
[frontier]. Each service's module says which keys its table takes and which LEXWATCH_* variable
overrides each key (the environment wins over the file). A secret passed as an argument is
readable by every user of the machine (`ps`) and lands in shell history; a file can be chmod 600.
"""
from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Mapping


class ConfigError(Exception):
    """The settings file or a setting cannot be used as given."""


def service_settings(table: str, env_keys: Mapping[str, str],
                     environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The [table] of the LEXWATCH_CONFIG file, overridden key by key by env_keys' variables."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    path = env.get("LEXWATCH_CONFIG")
    if path:
        try:
            values.update(tomllib.loads(Path(path).read_text(encoding="utf-8")).get(table, {}))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read the settings file {path} (LEXWATCH_CONFIG): "
                              f"{exc.strerror if isinstance(exc, OSError) else exc}") from None
    unknown = set(values) - set(env_keys)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} in [{table}] "
                          f"(known: {', '.join(env_keys)})")
    values.update({key: env[name] for key, name in env_keys.items() if env.get(name)})
    return {k: str(v) for k, v in values.items()}


def is_true(value: str | None) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def warn_unverified(service: str, shown_url: str, setting: str) -> None:
    """Said on every run, on stderr, as long as verification is off: it must never become silent."""
    print(f"lexwatch: warning: TLS certificate verification is OFF for {service} at {shown_url} ({setting}); "
          "anyone on the network path can impersonate the server and read the credentials",
          file=sys.stderr, flush=True)
