"""``events fetch gdelt``: download GDELT 2.0 event exports listed in the published master file list.

GDELT publishes ``masterfilelist.txt``: one line per file, ``SIZE MD5 URL``.
:func:`plan_gdelt` picks the ``YYYYMMDDHHMMSS.export.CSV.zip`` files of the
asked days and totals their sizes, so the user sees the size before anything
is downloaded. :func:`fetch_gdelt` then downloads each file into
``eventdata/downloads/gdelt/``: into a ``.part`` file first, resumed with an
HTTP range request when a previous run was cut; the finished file must have
the listed size and MD5 or it is removed and reported; only then is it renamed
and its CSV extracted (bounded size, temp file + rename). Files already there
with the right checksum are not downloaded again.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolkit._io import fsync_dir
from toolkit.errors import DataError, Problem

__all__ = ["MASTER_URL", "Listed", "plan_gdelt", "fetch_gdelt"]

#: GDELT 2.0's master list of every file, with sizes and MD5 checksums.
MASTER_URL = "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt"
_LINE = re.compile(r"(\d{1,12}) ([0-9a-f]{32}) (\S+/(\d{14})\.export\.CSV\.zip)")
_MASTER_LIMIT = 1 << 30  # the real list is a few hundred MB
_CSV_LIMIT = 2 << 30  # one 15-minute export unzips to a few MB
_TIMEOUT = 60


@dataclass(frozen=True)
class Listed:
    """One export file of the master list."""

    size: int
    md5: str
    url: str
    stamp: str

    @property
    def name(self) -> str:
        return f"{self.stamp}.export.CSV.zip"


def _open(url: str, headers: dict[str, str] | None = None):
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise ValueError(f"only http and https URLs are fetched, not {url!r}")
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=_TIMEOUT)  # noqa: S310


def plan_gdelt(first: _dt.date, last: _dt.date, master_url: str = MASTER_URL) -> list[Listed]:
    """The export files of days ``first`` to ``last`` (inclusive) in the master list, in time order."""
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    lo, hi = first.strftime("%Y%m%d"), last.strftime("%Y%m%d")
    out = []
    seen = 0
    with _open(master_url) as resp:
        for n, raw in enumerate(resp, start=1):
            seen += len(raw)
            if seen > _MASTER_LIMIT:
                raise DataError.at(master_url, n, None, "the master file list is larger than 1 GB; is this the right URL?")
            line = raw.decode("utf-8", errors="replace").strip()
            m = _LINE.fullmatch(line)
            if m and lo <= m[4][:8] <= hi:
                out.append(Listed(int(m[1]), m[2], urllib.parse.urljoin(master_url, m[3]), m[4]))
    return sorted(out, key=lambda x: x.stamp)


def _md5(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _download(item: Listed, dest: Path, progress: Callable[[int], None]) -> None:
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if have > item.size:
        part.unlink()
        have = 0
    if have < item.size:
        headers = {"Range": f"bytes={have}-"} if have else {}
        with _open(item.url, headers) as resp:
            if have and resp.status != 206:  # the server ignored the range: start again
                have = 0
            progress(have)
            with open(part, "ab" if have else "wb") as out:
                got = have
                while chunk := resp.read(1 << 16):
                    got += len(chunk)
                    if got > item.size:
                        break
                    out.write(chunk)
                    progress(len(chunk))
                out.flush()
                os.fsync(out.fileno())
    size = part.stat().st_size
    if size != item.size or _md5(part) != item.md5:
        part.unlink()
        why = f"{size} bytes, the list says {item.size}" if size != item.size else "its MD5 differs from the master list"
        raise DataError(Problem(item.url, None, None, f"download is corrupt ({why}); it was removed, run the command again"))
    os.replace(part, dest)


def _extract(zipped: Path) -> Path:
    target = zipped.with_suffix("")  # ....export.CSV
    with zipfile.ZipFile(zipped) as zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
        if len(members) != 1 or members[0].file_size > _CSV_LIMIT:
            raise DataError.at(zipped, None, None, "expected one CSV of at most 2 GB inside")
        tmp = target.with_name(f".{target.name}.tmp")
        with zf.open(members[0]) as src, open(tmp, "wb") as out:
            copied = 0
            while chunk := src.read(1 << 20):
                copied += len(chunk)
                if copied > _CSV_LIMIT:
                    raise DataError.at(zipped, None, None, "the CSV inside is larger than it says")
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    os.replace(tmp, target)
    return target


def fetch_gdelt(
    items: list[Listed], folder: str | os.PathLike[str], *, progress: Callable[[int], None] | None = None
) -> list[Path]:
    """Download (or resume) ``items`` into ``folder``, check them, extract them; return the CSV paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    step = progress or (lambda n: None)
    out = []
    for item in items:
        dest = folder / item.name
        if dest.exists() and (dest.stat().st_size != item.size or _md5(dest) != item.md5):
            dest.unlink()  # a changed or damaged file: fetch it again
        if dest.exists():
            step(item.size)
        else:
            _download(item, dest, step)
        csv = dest.with_suffix("")
        out.append(csv if csv.exists() else _extract(dest))
    fsync_dir(folder)
    return out
