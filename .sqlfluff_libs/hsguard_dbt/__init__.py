"""What sqlfluff's jinja templater needs, beyond its dbt builtins (ref, source, config,
return), to render hsguard's models for linting: ``var`` with the values of
dbt_project.yml, ``env_var``, ``adapter.dispatch`` (the project's ``duckdb__`` /
``default__`` macro, as dbt picks it), package-qualified calls (``hsguard.<macro>``)
and the cross-database macros of the ``dbt`` namespace the models call. Lint only: the
rendered SQL is never run; it only has to parse like the SQL dbt compiles."""

from pathlib import Path

import yaml
from jinja2 import pass_context
from sqlfluff.core.templaters.builtins.dbt import DbtMacroWrapper

_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"
_VARS = (yaml.safe_load(_PROJECT.read_text(encoding="utf-8")) or {}).get("vars") or {}


def var(name: str, default=None):
    """dbt's var: the value in dbt_project.yml, else the default."""
    return _VARS.get(name, default if default is not None else name)


def env_var(name: str, default: str = "") -> str:
    """dbt's env_var: the default (linting reads no environment)."""
    return default or name.lower()


class _Package:
    """``hsguard.<macro>(...)``: the project's macro of that name."""

    def __getattr__(self, name: str):
        @pass_context
        def call(context, *args, **kwargs):
            return DbtMacroWrapper(context[name])(*args, **kwargs)

        return call


hsguard = _Package()
