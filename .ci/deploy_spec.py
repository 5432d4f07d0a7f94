"""Print, as bash assignments, how the deployment starts each process: read from the Dockerfile and the
compose file themselves, so that the smoke test (.ci/smoke) cannot drift from what production runs.

Run with Debian's python3 (it has PyYAML, a dependency of docker-compose), not the project's venv:
    /usr/bin/python3 .ci/deploy_spec.py --replace 0.0.0.0:8000=127.0.0.1:8123 ...

Output (eval'd by .ci/smoke):
    image_env=(K=V ...)             the Dockerfile's ENV lines, in order
    web_env=(K=V ...) web_cmd=(...) and the same for worker and beat: each compose service's
                                    environment and command (web falls back to the Dockerfile's CMD,
                                    as Docker does)

Each --replace OLD=NEW is a textual change of an address or path that cannot be the same outside a
container (the published port, a file in the container's /tmp). An OLD found in no command is an error:
the compose file changed and the smoke test must follow it knowingly.
"""

import argparse
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

SERVICES = ("web", "worker", "beat")


def fail(message: str) -> None:
    sys.exit(f"deploy_spec: {message}")


def dockerfile_spec(path: Path) -> tuple[list[str], list[str]]:
    """(ENV assignments, CMD) of a Dockerfile whose ENV lines use the KEY=VALUE form and whose CMD is the
    exec (JSON) form."""
    text = re.sub(r"\\\n", " ", path.read_text())
    env, cmd = [], None
    for line in text.splitlines():
        words = line.strip().split(None, 1)
        if len(words) < 2:
            continue
        if words[0] == "ENV":
            for item in shlex.split(words[1]):
                if "=" not in item:
                    fail(f"{path}: ENV without '=' ({item}); write ENV KEY=VALUE")
                env.append(item)
        elif words[0] == "CMD":
            cmd = json.loads(words[1])
    if not cmd:
        fail(f"{path}: no CMD in JSON form")
    return env, cmd


def compose_services(path: Path) -> dict:
    """The services as docker-compose resolves them (anchors, ${VAR} interpolation from our environment)."""
    out = subprocess.run(  # noqa: S603 - our own fixed command line
        ["docker-compose", "-f", str(path), "config"],  # noqa: S607 - whichever docker-compose is on PATH
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return yaml.safe_load(out)["services"]


def as_list(command) -> list[str]:
    # Compose takes a string command as a shell would split it.
    return shlex.split(command) if isinstance(command, str) else [str(word) for word in command]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dockerfile", default="Dockerfile", type=Path)
    parser.add_argument("--compose", default="docker-compose.yml", type=Path)
    parser.add_argument("--replace", action="append", default=[], metavar="OLD=NEW")
    args = parser.parse_args()

    image_env, image_cmd = dockerfile_spec(args.dockerfile)
    services = compose_services(args.compose)
    commands, envs = {}, {}
    for name in SERVICES:
        if name not in services:
            fail(f"{args.compose}: no service '{name}'")
        service = services[name]
        commands[name] = as_list(service["command"]) if "command" in service else list(image_cmd)
        envs[name] = [f"{key}={value}" for key, value in (service.get("environment") or {}).items()]

    # The web service may wrap the image's command (migrations first), but must run that very command.
    if shlex.join(image_cmd) not in " ".join(" ".join(commands["web"]).split()):
        fail(
            f"the web service's command ({commands['web']}) does not run the Dockerfile's CMD "
            f"({shlex.join(image_cmd)}); make them one"
        )

    for pair in args.replace:
        old, _, new = pair.partition("=")
        if not any(old in word for cmd in commands.values() for word in cmd):
            fail(f"'{old}' appears in no command; update .ci/smoke to the new compose file")
        for name, cmd in commands.items():
            commands[name] = [word.replace(old, new) for word in cmd]

    print(f"image_env=({shlex.join(image_env)})")
    for name in SERVICES:
        print(f"{name}_env=({shlex.join(envs[name])})")
        print(f"{name}_cmd=({shlex.join(commands[name])})")


if __name__ == "__main__":
    main()
