"""Tamper evidence for the lab journal: each signed entry stores the SHA-256 of its canonical
content together with the hash of the team's previous signed entry (a hash chain). Changing any
stored entry, its files' digests or its links breaks the chain from that entry on."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC


def canonical(entry, links: dict | None = None) -> bytes:
    """The signed content as canonical JSON (sorted keys, no whitespace). The links (milestone
    and co-author ids, file names and digests) come from the saved entry's relations (prefetched
    when present) unless given, as the bulk scale generator does for entries without links."""
    links = links if links is not None else {
        "milestones": sorted(m.pk for m in entry.milestones.all()),
        "coauthors": sorted(u.pk for u in entry.coauthors.all()),
        "files": sorted([f.original_name, f.sha256] for f in entry.files.all()),
    }
    content = {
        "team": entry.team_id, "author": entry.author_id, "kind": entry.kind, "title": entry.title,
        "aim": entry.aim, "method": entry.method, "samples": entry.samples, "results": entry.results,
        "measurements": entry.measurements, "conclusion": entry.conclusion,
        **links, "version": entry.version, "previous_version": entry.previous_version_id, "root": entry.root_id,
        "signed_at": entry.signed_at.astimezone(UTC).isoformat(), "chain_index": entry.chain_index,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(entry, previous_hash: str, links: dict | None = None) -> str:
    return hashlib.sha256(canonical(entry, links) + b"\n" + previous_hash.encode("ascii")).hexdigest()


NO_LINKS = {"milestones": [], "coauthors": [], "files": []}


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    count: int
    broken: object = None  # the first entry whose stored hash does not match
    reason: str = ""


def verify(entries, links: dict | None = None) -> ChainCheck:
    """`entries`: the team's signed entries ordered by `chain_index`; `links`: each entry's
    links by its id, as `canonical` takes them (without it, read from each entry's relations)."""
    previous, count = "", 0
    for count, entry in enumerate(entries, start=1):
        if entry.previous_hash != previous:
            return ChainCheck(False, count, entry, "link")
        if entry_hash(entry, previous, links[entry.pk] if links is not None else None) != entry.content_hash:
            return ChainCheck(False, count, entry, "content")
        previous = entry.content_hash
    return ChainCheck(True, count)
