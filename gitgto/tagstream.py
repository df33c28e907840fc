"""Every tag's record from a refs listing and one `git cat-file --batch` of
the objects the refs name, parsed while git is still writing. Pure: git.py
runs git and feeds the output in.

Why not for-each-ref for the whole registry: it computes every field of
every ref before it prints the first line (it sorts them all first), so git
works, then Python parses, one after the other, and git holds every tag's
fields in memory at once. cat-file answers object by object: on two cores,
git reads tag objects while Python parses the ones before them, and neither
holds more than it needs. Per-artifact reads stay with for-each-ref and its
patterns (a handful of refs, no listing of all of them).

The records are those of records.parse_tag_records, field for field: a tag
object's headers come in the order git writes and fsck enforces (object,
type, tag, tagger), and its message is what for-each-ref calls %(contents)."""

import re

from .records import TagRecord, parse_raw_date, tag_message

_LISTED_TAG = re.compile(r"^([0-9a-f]+) refs/tags/(.*)$", re.M)
# `<oid> <type> <size>` before each object's content (`<oid> missing` does not match).
_OBJECT = re.compile(rb"[0-9a-f]+ ([a-z]+) ([0-9]+)\n")
# A tag object's headers, in the order git writes them and fsck requires.
_TAG_HEADERS = re.compile(rb"object ([0-9a-f]+)\ntype ([a-z]+)(?:\ntag ([^\n]*))?(?:\ntagger ([^\n]*))?(?:\n|\Z)")


class Unexpected(Exception):
    """Output this parser does not vouch for (a missing object, a malformed
    tag): the caller reads with for-each-ref instead, whose answer (or error)
    is the reference."""


def listed_tags(listing):
    """[(object id, tag name)] of the `refs/tags/` lines of an `oid refname`
    listing (git.Repo.ref_listing), in its order (git's: by refname)."""
    return _LISTED_TAG.findall(bytes(listing).decode("utf-8", "surrogateescape"))  # C-level: no loop per line


def _person(line):
    """(name, email, raw date) of a `tagger` header's value, as for-each-ref's
    %(taggername), %(taggeremail) without <>, %(taggerdate:raw)."""
    lt = line.find("<")
    gt = line.find(">", lt + 1) if lt >= 0 else -1
    name = line[: line.find(" <")] if " <" in line else line
    if lt < 0 or gt < 0:
        return name, "", ""
    return name, line[lt + 1 : gt], line[gt + 1 :].strip()


class TagObjectStream:
    """A file-like sink for `git cat-file --batch` output of the objects of
    `tags` ([(oid, name)], in the order they were asked for): TagRecords as
    soon as each object is complete. `fields`: "state" or "full", as
    git.Repo.read_tags. Content that no record needs (commits, trees and
    blobs that lightweight tags name) is skipped, never buffered."""

    def __init__(self, tags, fields="state", parse=None):
        self.tags = tags
        self.full = fields == "full"
        self.parse = parse
        self.records = []
        self.buffer = b""
        self.skip = 0  # bytes of the current object's content still to drop
        self.error = None
        self._commits = {}  # one string per commit: tens of tags name each

    def flush(self):
        pass

    def write(self, chunk):
        if self.error is not None:
            return
        if self.skip:
            dropped = min(self.skip, len(chunk))
            self.skip -= dropped
            chunk = chunk[dropped:]
        try:
            self._consume(self.buffer + chunk if self.buffer else chunk)
        except Unexpected as exc:
            self.error = exc

    def finish(self):
        if self.error is None and (self.buffer or self.skip or len(self.records) != len(self.tags)):
            self.error = Unexpected("cat-file's output ended early")
        if self.error is not None:
            raise self.error
        return self.records

    def _consume(self, data):
        pos, end_of_data = 0, len(data)
        tags, records = self.tags, self.records
        while pos < end_of_data:
            header = _OBJECT.match(data, pos)
            if header is None:
                if data.find(b"\n", pos) < 0:  # the header's end has not arrived yet
                    break
                raise Unexpected(data[pos : data.find(b"\n", pos)].decode("utf-8", "replace"))
            if len(records) >= len(tags):
                raise Unexpected("more objects than refs")
            kind, start = header.group(1), header.end()
            end = start + int(header.group(2))  # the object's content, then "\n"
            oid, name = tags[len(records)]
            if kind != b"tag":
                record = TagRecord(name, False, oid, oid if kind == b"commit" else None)
                if end + 1 > end_of_data:  # the rest of an object no record needs
                    self.skip = end + 1 - end_of_data
                    pos = end_of_data
                else:
                    pos = end + 1
            elif end + 1 > end_of_data:  # an incomplete tag object: wait for the rest
                break
            else:
                record = self._tag_record(name, oid, data, start, end)
                pos = end + 1
            if self.parse is not None:
                record.parsed = self.parse(record)
            records.append(record)
        self.buffer = data[pos:]

    def _tag_record(self, name, oid, data, start, end):
        """The record of the tag object in data[start:end] (offsets: no copy
        of the object; this runs once per tag)."""
        head = _TAG_HEADERS.match(data, start, end)
        if head is None:
            raise Unexpected(f"tag object {oid} has no object and type headers")
        peeled, kind, signed, tagger = head.groups()
        peeled = peeled.decode()
        commit = self._commits.setdefault(peeled, peeled) if kind == b"commit" else None
        if not self.full and tagger:  # the date alone, from the usual `Name <email> 1700000000 +0100`
            _, bracket, date = tagger.rpartition(b"> ")
            stamp, _, zone = date.partition(b" ")
            if bracket and stamp.isdigit() and len(stamp) < 19 and len(zone) == 5 and zone[:1] in (b"+", b"-") \
                    and tagger.count(b">") == 1:
                return TagRecord(name, True, oid, commit, "", "", int(stamp), zone.decode())
        person, email, date = _person(tagger.decode("utf-8", "surrogateescape") if tagger else "")
        ts, tz = parse_raw_date(date)
        if not self.full:
            return TagRecord(name, True, oid, commit, "", "", ts, tz)
        body = data.find(b"\n\n", start, end)
        message = tag_message(data[body + 2 : end].decode("utf-8", "surrogateescape") if body >= 0 else "")
        return TagRecord(name, True, oid, commit, person, email, ts, tz, message,
                         signed_name=signed.decode("utf-8", "surrogateescape") if signed else "")
