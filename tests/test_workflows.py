"""The GitHub Actions workflows: actionlint-clean, least privilege, actions pinned by commit SHA,
and the deploy workflow's guards against publishing a preview build.

The guards are not only looked for: their shell scripts are taken out of deploy.yml and run
with bash, the way the runner runs them, against the cases they must refuse and accept.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
EXPECTED = {"benchmarks.yml", "ci.yml", "deploy.yml", "drift.yml"}
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
MARKER = "Preview: not executed"
# owner/repo[/path]@<40 hex>: a commit, not a tag or branch that can be moved.
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+(?:\.\d+)*\s*$")
PAGES_SCOPES = {"pages", "id-token"}


# --------------------------------------------------------------------------------- helpers
def workflow_paths() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path.name}: not a mapping"
    # PyYAML follows YAML 1.1, where a bare `on` key is the boolean true.
    if True in doc:
        doc["on"] = doc.pop(True)
    return doc


def triggers(doc: dict) -> dict:
    on = doc.get("on")
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), f"unexpected `on`: {on!r}"
    return on


def jobs(doc: dict) -> dict[str, dict]:
    found = doc.get("jobs")
    assert isinstance(found, dict) and found, "no jobs"
    return found


def steps(job: dict) -> list[dict]:
    return job.get("steps") or []


def uses_of(step: dict) -> str:
    return str(step.get("uses", ""))


def action_name(ref: str) -> str:
    return ref.split("@", 1)[0]


def index_of(job_steps: list[dict], predicate, what: str) -> int:
    matches = [i for i, step in enumerate(job_steps) if predicate(step)]
    assert matches, f"no step {what}"
    assert len(matches) == 1, f"{len(matches)} steps {what}, expected one"
    return matches[0]


def run_step_script(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a step's `run:` as the runner does for `shell: bash` (bash -eo pipefail on a file)."""
    assert "${{" not in script, "the step uses expressions; it cannot be run as it stands"
    path = cwd / "step.sh"
    path.write_text(script, encoding="utf-8")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)],
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )


def find_actionlint() -> str | None:
    beside = Path(sys.executable).parent / "actionlint"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("actionlint")


@pytest.fixture(scope="module")
def deploy() -> dict:
    return load(WORKFLOWS / "deploy.yml")


@pytest.fixture(scope="module")
def build_steps(deploy) -> list[dict]:
    return steps(jobs(deploy)["build"])


def refuse_preview_index(build_steps: list[dict]) -> int:
    return index_of(
        build_steps,
        lambda s: "SNIPPETS_EXECUTE" in str(s.get("run", "")),
        "that checks SNIPPETS_EXECUTE",
    )


def marker_check_index(build_steps: list[dict]) -> int:
    return index_of(build_steps, lambda s: MARKER in str(s.get("run", "")), f"that looks for {MARKER!r}")


# ----------------------------------------------------------------------------- all workflows
def test_the_four_workflows_exist():
    names = {path.name for path in workflow_paths()}
    assert names >= EXPECTED, f"missing: {sorted(EXPECTED - names)}"


def test_actionlint_passes():
    actionlint = find_actionlint()
    assert actionlint, "actionlint not found next to the interpreter or on PATH (pip install -e '.[test]')"
    paths = workflow_paths()
    assert paths
    result = subprocess.run(
        [actionlint, "-no-color", *[str(p.relative_to(ROOT)) for p in paths]],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    print(result.stdout)
    assert result.returncode == 0, f"actionlint exited {result.returncode}:\n{result.stdout}"


def test_actionlint_catches_a_broken_workflow(tmp_path):
    """The check above can fail: actionlint rejects an unknown key and an unknown context."""
    actionlint = find_actionlint()
    assert actionlint
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n"
        "    steps:\n      - run: echo ${{ nosuch.context }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [actionlint, "-no-color", str(broken)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_top_level_permissions_are_contents_read(name):
    doc = load(WORKFLOWS / name)
    assert doc.get("permissions") == {"contents": "read"}, f"{name}: permissions {doc.get('permissions')!r}"


def test_only_the_deploy_job_may_write_pages():
    granted = {}
    for path in workflow_paths():
        doc = load(path)
        scopes = [("<workflow>", doc.get("permissions"))]
        scopes += [(job_id, job.get("permissions")) for job_id, job in jobs(doc).items()]
        for where, permissions in scopes:
            if permissions is None:
                continue
            if isinstance(permissions, str) or PAGES_SCOPES & set(
                permissions
            ):  # read-all / write-all cover every scope
                granted[(path.name, where)] = permissions
    assert set(granted) == {("deploy.yml", "deploy")}, f"pages/id-token granted at: {granted}"
    assert granted[("deploy.yml", "deploy")] == {"pages": "write", "id-token": "write"}


def test_every_action_is_pinned_to_a_commit_sha():
    offenders = []
    for path in workflow_paths():
        doc = load(path)
        for job_id, job in jobs(doc).items():
            if "uses" in job and not PINNED.match(str(job["uses"])):  # a reusable workflow
                offenders.append(f"{path.name}: job {job_id}: {job['uses']}")
            for number, step in enumerate(steps(job), 1):
                if "uses" in step and not PINNED.match(uses_of(step)):
                    offenders.append(f"{path.name}: job {job_id} step {number}: {step['uses']}")
    assert not offenders, "not pinned to a 40-hex commit SHA:\n" + "\n".join(offenders)


def test_every_pin_names_its_version():
    """The SHA says nothing to a reader: each `uses:` line ends with `# vX.Y.Z`."""
    offenders = []
    count = 0
    for path in workflow_paths():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = USES_LINE.match(line)
            if not match:
                continue
            count += 1
            if not VERSION_COMMENT.match(match["rest"]):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert count >= 6, f"found only {count} `uses:` lines"
    assert not offenders, "no `# vX.Y.Z` comment:\n" + "\n".join(offenders)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_installs_take_torch_from_the_cpu_index(name):
    doc = load(WORKFLOWS / name)
    for job_id, job in jobs(doc).items():
        if not any("make " in str(s.get("run", "")) or "pip " in str(s.get("run", "")) for s in steps(job)):
            continue
        env = job.get("env") or {}
        assert env.get("PIP_EXTRA_INDEX_URL") == CPU_INDEX, f"{name}: job {job_id} env {env!r}"


# ----------------------------------------------------------------------------------- CI
def test_ci_runs_tests_and_strict_build_on_every_push_and_pull_request():
    doc = load(WORKFLOWS / "ci.yml")
    on = triggers(doc)
    assert "push" in on and "pull_request" in on
    for event in ("push", "pull_request"):
        assert not (on[event] or {}).get("branches"), f"{event} is limited to some branches"
    (job,) = jobs(doc).values()
    runs = [str(s.get("run", "")) for s in steps(job)]
    assert any("make test" in r for r in runs)
    assert any("make build" in r for r in runs)
    assert not any("upload" in action_name(uses_of(s)) for s in steps(job)), "CI uploads something"
    assert job["env"]["SITE_EDIT_URI"] == "edit/main/docs/"
    assert job["env"]["SITE_REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    cache = [s for s in steps(job) if action_name(uses_of(s)) == "actions/cache"]
    assert len(cache) == 1 and cache[0]["with"]["path"] == ".cache/snippets"
    assert cache[0]["with"].get("restore-keys"), "no restore-keys: a partial hit is never used"


# ------------------------------------------------------------------------------- deploy
def test_deploy_triggers_and_concurrency(deploy):
    on = triggers(deploy)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"].get("branches") == ["main"]
    assert deploy.get("concurrency") == {"group": "pages", "cancel-in-progress": False}


def test_deploy_build_steps_are_in_a_safe_order(build_steps):
    refuse = refuse_preview_index(build_steps)
    configure = index_of(
        build_steps, lambda s: action_name(uses_of(s)) == "actions/configure-pages", "configuring Pages"
    )
    build = index_of(build_steps, lambda s: "make build" in str(s.get("run", "")), "running make build")
    marker = marker_check_index(build_steps)
    upload = index_of(
        build_steps,
        lambda s: action_name(uses_of(s)) == "actions/upload-pages-artifact",
        "uploading the Pages artifact",
    )
    assert refuse < build < marker < upload, (refuse, build, marker, upload)
    assert configure < build
    assert build_steps[configure].get("id") == "pages"
    assert build_steps[build]["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert build_steps[upload]["with"]["path"] == "site"


def test_deploy_job_publishes_with_deploy_pages(deploy):
    job = jobs(deploy)["deploy"]
    assert job.get("needs") in ("build", ["build"])
    assert job.get("environment") == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    (step,) = [s for s in steps(job) if action_name(uses_of(s)) == "actions/deploy-pages"]
    assert step.get("id") == "deployment"


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "OFF", " False ", ""])
def test_deploy_refuses_a_preview_build(build_steps, tmp_path, value):
    script = build_steps[refuse_preview_index(build_steps)]["run"]
    result = run_step_script(script, tmp_path, SNIPPETS_EXECUTE=value)
    assert result.returncode != 0, f"SNIPPETS_EXECUTE={value!r} was accepted:\n{result.stdout}"
    assert "SNIPPETS_EXECUTE" in result.stdout and "preview" in result.stdout.lower(), result.stdout


@pytest.mark.parametrize("value", [None, "1", "true", "yes"])
def test_deploy_accepts_an_executing_build(build_steps, tmp_path, value):
    script = build_steps[refuse_preview_index(build_steps)]["run"]
    env = {} if value is None else {"SNIPPETS_EXECUTE": value}
    result = run_step_script(script, tmp_path, **env)
    assert result.returncode == 0, f"SNIPPETS_EXECUTE={value!r} was refused:\n{result.stdout}"


def _site(root: Path, pages: dict[str, str]) -> None:
    for name, text in pages.items():
        page = root / "site" / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, encoding="utf-8")


def test_deploy_refuses_pages_that_show_the_preview_marker(build_steps, tmp_path):
    script = build_steps[marker_check_index(build_steps)]["run"]
    _site(
        tmp_path,
        {
            "index.html": "<p>Same numbers</p>",
            "graphs/index.html": f'<p class="admonition-title">{MARKER}</p>',
        },
    )
    result = run_step_script(script, tmp_path)
    assert result.returncode != 0, result.stdout
    assert "site/graphs/index.html" in result.stdout, result.stdout


def test_deploy_accepts_a_fully_executed_site(build_steps, tmp_path):
    script = build_steps[marker_check_index(build_steps)]["run"]
    # The marker outside HTML (the search index, say) is not a page that shows it.
    _site(tmp_path, {"index.html": "<p>Same numbers</p>", "search/search_index.json": MARKER})
    result = run_step_script(script, tmp_path)
    assert result.returncode == 0, result.stdout


def test_deploy_refuses_a_missing_site(build_steps, tmp_path):
    script = build_steps[marker_check_index(build_steps)]["run"]
    result = run_step_script(script, tmp_path)
    assert result.returncode != 0, result.stdout


# -------------------------------------------------------------------------------- drift
def test_drift_runs_weekly_against_the_newest_releases():
    doc = load(WORKFLOWS / "drift.yml")
    on = triggers(doc)
    assert "workflow_dispatch" in on
    schedule = on.get("schedule")
    assert isinstance(schedule, list) and schedule, f"no schedule trigger: {on!r}"
    for entry in schedule:
        assert len(str(entry.get("cron", "")).split()) == 5, entry
    (job,) = jobs(doc).values()
    runs = [str(s.get("run", "")) for s in steps(job)]
    install = next(i for i, r in enumerate(runs) if "make install" in r)
    upgrade = next(i for i, r in enumerate(runs) if "install --upgrade" in r)
    assert install < upgrade
    assert {"torch", "tensorflow-cpu", "keras"} <= set(runs[upgrade].split())
    assert any("pytest tests/test_snippets.py" in r for r in runs[upgrade:])
    assert any("SNIPPETS_CACHE_DIR=" in r and "mkdocs build --strict" in r for r in runs[upgrade:])
    assert not any(action_name(uses_of(s)) == "actions/cache" for s in steps(job)), "drift reuses a cache"


# --------------------------------------------------------------------------- benchmarks
def test_timings_are_benchmarked_weekly_and_gate_nothing_in_ci():
    """Lighthouse's performance and the build times vary with the machine's load: the weekly
    benchmarks workflow measures them; CI and the deploy run none of them."""
    doc = load(WORKFLOWS / "benchmarks.yml")
    on = triggers(doc)
    assert set(on) == {"schedule", "workflow_dispatch"}
    (job,) = jobs(doc).values()
    runs = [str(s.get("run", "")) for s in steps(job)]
    assert "make lighthouse" in runs and "make bench" in runs
    assert any(re.search(r"pytest -m timing tests/test_snippets\.py", run) for run in runs)
    for name in ("ci.yml", "deploy.yml", "drift.yml"):
        for step_ in (s for job_ in jobs(load(WORKFLOWS / name)).values() for s in steps(job_)):
            assert not re.search(r"make (lighthouse|bench)|benchmarks/|-m timing", str(step_.get("run", ""))), name
    commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in commands if re.search(r"make (lighthouse|bench)", line)]


def test_only_the_notebooks_job_may_write_the_repository(deploy):
    """Colab reads the notebooks from a branch: one job pushes it, with contents: write and
    nothing broader, after the build, from the notebooks of the built site."""
    writers = {
        (path.name, job_id): job.get("permissions")
        for path in workflow_paths()
        for job_id, job in jobs(load(path)).items()
        if isinstance(job.get("permissions"), dict) and job["permissions"].get("contents") == "write"
    }
    assert writers == {("deploy.yml", "notebooks"): {"contents": "write", "actions": "read"}}
    job = jobs(deploy)["notebooks"]
    assert job["needs"] == "build"
    script = "\n".join(step.get("run", "") for step in steps(job))
    assert "site/notebooks" in script and "notebooks" in script.split("git push")[-1]
