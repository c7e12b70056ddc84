"""Submissions from files: an instance XML, a folder of them (Collect's instances/, Briefcase's
export, each beside its media), or ODK Central's CSV export (a .csv, or the .zip holding it)."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

from fieldkit.central.odk_submission import (
    REPEATS,
    SUBMISSION_MAX,
    Submission,
    SubmissionError,
    read_submission,
)

#: The most submissions one import reads, and the largest export (zip or csv) opened.
FILES_MAX = 100_000
EXPORT_MAX = 256 * 1024 * 1024


def read_path(path: Path) -> tuple[list[Submission], list[str]]:
    """The submissions under `path` and the reasons the unreadable ones were left out."""
    if not path.exists():
        raise SubmissionError(f"{path}: no such file or folder")
    if path.is_dir():
        return _folder(path)
    if path.stat().st_size > EXPORT_MAX:
        raise SubmissionError(f"{path}: larger than {EXPORT_MAX} bytes")
    if path.suffix.lower() == ".zip":
        return _zip(path), []
    if path.suffix.lower() == ".csv":
        return _csv(path.stem, {path.name: path.read_bytes()}), []
    return [_file(path)], []


def _file(path: Path) -> Submission:
    if path.stat().st_size > SUBMISSION_MAX:
        raise SubmissionError(f"{path}: larger than {SUBMISSION_MAX} bytes, not a submission")
    sub = read_submission(path.read_bytes(), str(path))
    sub.media = sorted(p.name for p in path.parent.iterdir() if p.is_file() and p != path)
    return sub


def _folder(root: Path) -> tuple[list[Submission], list[str]]:
    subs, bad = [], []
    for n, path in enumerate(sorted(root.rglob("*.xml"))):
        if n >= FILES_MAX:
            bad.append(f"{root}: more than {FILES_MAX} submissions; the rest were not read")
            break
        try:
            subs.append(_file(path))
        except SubmissionError as exc:
            bad.append(str(exc))
    return subs, bad


def _zip(path: Path) -> list[Submission]:
    try:
        with zipfile.ZipFile(path) as archive:
            texts = {}
            for info in archive.infolist():
                if info.filename.lower().endswith(".csv"):
                    if info.file_size > EXPORT_MAX:
                        raise SubmissionError(f"{path}: {info.filename} is too large")
                    texts[Path(info.filename).name] = archive.read(info)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{path}: not a readable ZIP export ({exc})") from None
    mains = [n for n in texts if not any(n.endswith(f"-{r}.csv") for r in REPEATS)]
    if len(mains) != 1:
        raise SubmissionError(f"{path}: expected one form's CSV export, found {mains or 'none'}")
    return _csv(Path(mains[0]).stem, texts)


def _rows(name: str, raw: bytes) -> list[dict[str, str]]:
    try:
        return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SubmissionError(f"{name}: not a readable CSV export ({exc})") from None


def _csv(form: str, texts: dict[str, bytes]) -> list[Submission]:
    """ODK Central's CSV export: one row per submission, repeats in FORM-REPEAT.csv by KEY."""
    main = _rows(f"{form}.csv", texts[f"{form}.csv"])
    repeats = {r: _rows(f"{form}-{r}.csv", texts.get(f"{form}-{r}.csv", b"")) for r in REPEATS}
    subs = []
    for n, row in enumerate(main, start=2):
        subs.append(_csv_submission(form, row, repeats, f"{form}.csv:{n}"))
    return subs


def _csv_submission(
    form: str, row: dict[str, str], repeats: dict[str, list[dict[str, str]]], where: str
) -> Submission:
    answers = {k: (v or "").strip() for k, v in row.items() if k and "-" not in k}
    lat, lon = row.get("location-Latitude", ""), row.get("location-Longitude", "")
    if lat and lon:
        answers["location"] = " ".join(
            (lat, lon, row.get("location-Altitude") or "0", row.get("location-Accuracy") or "0")
        )
    for meta in ("KEY", "SubmissionDate", "SubmitterID", "SubmitterName", "FormVersion"):
        answers.pop(meta, None)
    key = row.get("KEY") or row.get("meta-instanceID") or ""
    sub = Submission(
        where=where,
        form_id=form,
        version=row.get("FormVersion") or "",
        instance_id=row.get("meta-instanceID") or key,
        digest=_row_digest(row),
        answers=answers,
        deprecated_id=row.get("meta-deprecatedID") or None,
        submitter=row.get("SubmitterName") or None,
        submitted_at=row.get("SubmissionDate") or None,
    )
    if not sub.instance_id:
        raise SubmissionError(f"{where}: no meta-instanceID")
    for name, rows in repeats.items():
        for r in rows:
            parent = r.get("PARENT_KEY") or ""
            if parent == key or parent.startswith(f"{key}/"):
                items = r.items()
                getattr(sub, name).append({k: (v or "").strip() for k, v in items if k})
    return sub


def _row_digest(row: dict[str, str]) -> str:
    text = "\x1f".join(f"{k}={v}" for k, v in row.items())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
