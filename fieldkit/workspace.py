"""The workspace: a folder with playbooks/, ops/, maps/ and sync/, found from here upwards."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fieldkit.errors import WorkspaceError
from fieldkit.i18n import _
from fieldkit.private_files import private_folder

FOLDERS: dict[str, str] = {
    "playbooks": (
        "# playbooks/\n\nYAML playbooks: the operation templates this workspace plans from, and\n"
        "`playbook.schema.json` for editors. Check them with "
        "`fieldkit playbook check playbooks/*.yaml`.\n"
    ),
    "ops": (
        "# ops/\n\nOne folder per planned operation, written by `fieldkit plan`: `plan.json`, the\n"
        "briefing pack, per-team calendars (`teams/*.ics`) and device loadouts (`loadouts/`).\n"
        "Generated: not kept in git.\n\n"
        "Each operation's `credentials/` holds the device credentials central issued (`fieldkit\n"
        "central enroll-device`): secrets, readable by their owner only.\n"
    ),
    "sync": (
        "# sync/\n\nThe central store `central.db` (made by `fieldkit central init`) and the drop\n"
        "folders for bundles carried by hand from devices with no connection.\n"
        "Generated: not kept in git. It holds engagement records: keep it on an encrypted disk.\n"
    ),
    "maps": (
        "# maps/\n\nRendered hotspot maps, reports and exports, one folder per operation\n"
        "(`fieldkit map`, `fieldkit report`). Generated: not kept in git.\n"
    ),
}

GITIGNORE = "ops/*\n!ops/README.md\nmaps/*\n!maps/README.md\nsync/*\n!sync/README.md\n"


@dataclass(frozen=True)
class Workspace:
    """A workspace folder; every command works on one."""

    root: Path

    @property
    def playbooks(self) -> Path:
        return self.root / "playbooks"

    @property
    def ops(self) -> Path:
        return self.root / "ops"

    @property
    def maps(self) -> Path:
        return self.root / "maps"

    @property
    def sync(self) -> Path:
        return self.root / "sync"

    def playbook_files(self) -> list[Path]:
        return sorted(p for p in self.playbooks.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))

    def shown(self, path: Path) -> str:
        """A path as people read it: relative to the workspace when inside it (ops/OP/plan.json),
        else as given."""
        for inside, root in ((path, self.root), (path.resolve(), self.root.resolve())):
            if inside.is_relative_to(root):
                return inside.relative_to(root).as_posix()
        return str(path)

    def operations(self) -> list[str]:
        """Names of the planned operations (folders of ops/ holding a plan.json)."""
        if not self.ops.is_dir():
            return []
        return sorted(p.name for p in self.ops.iterdir() if (p / "plan.json").is_file())


#: Folders that hold secrets (the central store and its key): made owner-only.
PRIVATE = ("sync",)


def make_folder(folder: Path) -> None:
    """One of a workspace's folders, if missing; `sync/` is its owner's only (0700)."""
    if folder.name in PRIVATE:
        private_folder(folder)
    else:
        folder.mkdir(exist_ok=True)


def is_workspace(path: Path) -> bool:
    return all((path / name).is_dir() for name in FOLDERS)


def find_workspace(start: Path | None = None, explicit: Path | None = None) -> Workspace:
    """The workspace named by --workspace, or the nearest one from `start` upwards."""
    if explicit is not None:
        root = explicit.expanduser().resolve()
        if not root.is_dir():
            raise WorkspaceError(
                _("workspace {explicit}: no such folder").format(explicit=explicit)
            )
        if not is_workspace(root):
            missing = ", ".join(f"{n}/" for n in FOLDERS if not (root / n).is_dir())
            raise WorkspaceError(
                _(
                    "{explicit} is not a fieldkit workspace (missing {missing}); make one "
                    "with: fieldkit init {explicit}"
                ).format(explicit=explicit, missing=missing)
            )
        return Workspace(root)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_workspace(folder):
            return Workspace(folder)
    raise WorkspaceError(
        _(
            "not inside a fieldkit workspace ({here} and its parents have no "
            "playbooks/, ops/, maps/ and sync/ folders); make one with `fieldkit "
            "init DIR` or name one with --workspace DIR"
        ).format(here=here)
    )


def init_workspace(root: Path) -> tuple[Workspace, list[Path]]:
    """Make (or complete) a workspace at `root`; returns it and the paths created."""
    if root.exists() and not root.is_dir():
        raise WorkspaceError(_("{root} exists and is not a folder").format(root=root))
    created: list[Path] = []
    root.mkdir(parents=True, exist_ok=True)
    for name, readme in FOLDERS.items():
        folder = root / name
        if not folder.is_dir():
            make_folder(folder)
            created.append(folder)
        note = folder / "README.md"
        if not note.exists():
            note.write_text(readme, encoding="utf-8")
            created.append(note)
    if not any(root.joinpath("playbooks").glob("*.yaml")):
        for seed in shipped_playbooks():
            target = root / "playbooks" / seed.name
            shutil.copyfile(seed, target)
            created.append(target)
    ignore = root / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
        created.append(ignore)
    return Workspace(root.resolve()), created


def shipped_playbooks() -> list[Path]:
    """The playbooks (and their schema) that come with fieldkit, copied into new workspaces."""
    folder = Path(str(resources.files("fieldkit").joinpath("templates", "playbooks")))
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".json"))
