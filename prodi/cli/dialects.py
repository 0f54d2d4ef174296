"""Every way users invoke `run-layer`, turned into Hydra arguments.

- Hydra overrides: `layer=raw cloud=aws env=prod dry_run=true`, `-m`, `--cfg job`, `hydra.*`
- Seed shorthand: `raw -c cfg/raw/example.yml`
- Databricks wheel-task flags: `--layer raw --config dbfs:/cfg/raw/aws.prod.yml`
- Databricks named parameters: `--layer=raw --config=dbfs:/cfg/raw/aws.prod.yml`
- Job-parameter flags: `--env prod`, `--cloud aws`, `--dry-run`, `--run-date 2026-01-01`
- Backfills: `--from 2026-01-01 --to 2026-01-07` or `--dates a,b`, `--layers bronze,silver`, `--fail-fast`
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prodi.config.layers import layer_catalog
from prodi.config.legacy import read_legacy_file
from prodi.config.option_files import group_options
from prodi.model.errors import ConfigError
from prodi.model.words import parse_bool_word

# Hydra's own flags, with whether they take a value.
HYDRA_FLAGS = {
    "-m": False, "--multirun": False, "--resolve": False, "-i": True, "--info": True,
    "-p": True, "--package": True, "-cp": True, "--config-path": True, "-cn": True,
    "--config-name": True, "-cd": True, "--config-dir": True, "--cfg": True,
    "-sc": True, "--shell-completion": True, "--hydra-help": False, "--experimental-rerun": True,
    "-r": False, "--run": False,
}
CFG_CHOICES = ("job", "hydra", "all")
# Legacy flag -> override key; the value follows (spaced) or is joined with `=`.
VALUE_FLAGS = {
    "--layer": "layer", "--env": "env", "--cloud": "cloud", "--pipeline": "pipeline",
    "--run-date": "run.date", "--plan-format": "plan_format", "--datasets": "datasets",
}
# Date-range backfills, from the shell or as Databricks task parameters.
BACKFILL_FLAGS = {"--from": "from", "--to": "to", "--dates": "dates", "--layers": "layers",
                  "--fail-fast": "fail_fast"}


@dataclass
class Invocation:
    """Hydra flags and overrides, ready for the Hydra app, plus what the CLI itself needs."""

    hydra_flags: list[str] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    legacy_config: str | None = None
    backfill: dict[str, str] = field(default_factory=dict)  # --from/--to/--dates/--layers/--fail-fast

    @property
    def args(self) -> list[str]:
        return [*self.hydra_flags, *self.overrides]

    def flag_value(self, *names: str) -> str | None:
        for i, token in enumerate(self.hydra_flags):
            if token in names and i + 1 < len(self.hydra_flags):
                return self.hydra_flags[i + 1]
        return None

    @property
    def config_dir(self) -> str | None:
        """A user's config dir (`-cd/--config-dir`), added to Hydra's search path."""
        return self.flag_value("-cd", "--config-dir")

    def has_flag(self, *names: str) -> bool:
        return any(t in names for t in self.hydra_flags)


def _bad(arg: str, expected: str, got: str) -> ConfigError:
    return ConfigError(arg, expected, got, source="command line")


def translate(argv: list[str]) -> Invocation:
    """Turn any supported dialect into Hydra flags and overrides; raise ConfigError on bad input."""
    inv = Invocation()
    explicit: dict[str, str] = {}
    i = 0
    tokens = [t for t in argv if t != ""]  # Databricks passes empty strings for unset parameters
    while i < len(tokens):
        token = tokens[i]
        name, eq, inline = token.partition("=")
        if token.startswith("-") and name in VALUE_FLAGS:
            value, i = _flag_value(tokens, i, name, inline if eq else None)
            key = VALUE_FLAGS[name]
            if key == "datasets":
                value = "[" + ",".join(v.strip() for v in value.strip("[]").split(",") if v.strip()) + "]"
            explicit[key] = value
            inv.overrides.append(f"{key}={value}")
        elif token.startswith("-") and name in ("--config", "-c") and not \
                (name == "-c" and not eq and i + 1 < len(tokens) and tokens[i + 1] in CFG_CHOICES):
            value, i = _flag_value(tokens, i, name, inline if eq else None)
            inv.legacy_config = value
        elif token.startswith("-") and name in BACKFILL_FLAGS:
            if name == "--fail-fast":
                inv.backfill["fail_fast"] = "true"
                i += 1
            else:
                value, i = _flag_value(tokens, i, name, inline if eq else None)
                inv.backfill[BACKFILL_FLAGS[name]] = value
        elif token.startswith("-") and name == "--dry-run":
            flag = parse_bool_word(inline) if eq else True
            if flag is None:
                raise _bad("--dry-run", "no value, or one of true/false/1/0/yes/no/on/off", repr(inline))
            explicit["dry_run"] = str(flag).lower()
            inv.overrides.append(f"dry_run={str(flag).lower()}")
            i += 1
        elif token in ("-c",):  # `-c job`: Hydra's --cfg
            inv.hydra_flags += ["--cfg", tokens[i + 1]]
            i += 2
        elif token.startswith("-") and name in HYDRA_FLAGS:
            takes_value = HYDRA_FLAGS[name]
            if takes_value and not eq:
                if i + 1 >= len(tokens):
                    raise _bad(name, "a value after the flag", "nothing")
                inv.hydra_flags += [name, tokens[i + 1]]
                i += 2
            else:
                inv.hydra_flags.append(token)
                i += 1
        elif token.startswith("-") and not token.startswith("--") and token[1:2].isdigit():
            inv.overrides.append(token)
            i += 1
        elif token.startswith("-"):
            raise _bad(name, "a known option (--layer, --config/-c, --env, --cloud, --dry-run, "
                       "--run-date, --datasets, --plan-format, or a Hydra flag)", repr(token))
        elif "=" not in token and not token.startswith(("~", "+")):
            layers = layer_catalog(_config_dirs(tokens)).names()
            if token not in layers or "layer" in explicit:
                raise _bad("<positional>", f"a layer name ({', '.join(layers)}) or a "
                           "key=value override", repr(token))
            explicit["layer"] = token
            inv.overrides.append(f"layer={token}")
            i += 1
        else:
            key = token.lstrip("+~").split("=", 1)[0]
            explicit[key] = token
            inv.overrides.append(token)
            i += 1
    if inv.legacy_config is not None:
        legacy = read_legacy_file(inv.legacy_config)
        chosen = {g: c for g, c in legacy.selections.items() if g not in explicit}
        if not any(o.lstrip("+").startswith("hydra.searchpath") for o in inv.overrides):
            _check_selections(chosen, legacy.path, _config_dirs(tokens))  # else Hydra checks
        selections = [f"{g}={c}" for g, c in chosen.items()]
        inv.overrides = [*selections, f"legacy_config={_quoted(inv.legacy_config)}", *inv.overrides]
    return inv


def _check_selections(chosen: dict[str, str], source: str, config_dirs: list[str]) -> None:
    """A legacy file's `layer: x`, `cloud: y`, ... each name an option of the group; the error
    names the file (Hydra would blame the command line it was turned into)."""
    for group, choice in chosen.items():
        options = group_options(group, config_dirs)
        if choice not in options:
            raise ConfigError(group, f"one of: {', '.join(options)}", repr(choice), source=source)


def _flag_value(tokens: list[str], i: int, name: str, inline: str | None) -> tuple[str, int]:
    if inline is not None:
        if not inline:
            raise _bad(name, "a value", "an empty value")
        return inline, i + 1
    if i + 1 >= len(tokens) or tokens[i + 1].startswith("--"):
        raise _bad(name, "a value after the flag", "nothing")
    return tokens[i + 1], i + 2


def _quoted(value: str) -> str:
    """A Hydra-grammar quoted string, so paths with `:` or spaces pass as they are."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _config_dirs(tokens: list[str]) -> list[str]:
    """The `-cd/--config-dir` values on the command line (they may declare more layers)."""
    dirs = []
    for i, token in enumerate(tokens):
        name, eq, value = token.partition("=")
        if name in ("-cd", "--config-dir"):
            dirs.append(value if eq else (tokens[i + 1] if i + 1 < len(tokens) else ""))
    return [d for d in dirs if d]
