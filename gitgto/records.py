"""Tag records and the pure parsing of what git prints about tags: the
for-each-ref records git.py asks for, raw dates, tag objects and ref
listings. Below the door to git: git.py runs git and hands the output here,
tagstream.py builds the same records from cat-file's stream; this module
imports neither."""

# One record per tag; fields end with NUL, for-each-ref ends each record with "\n".
# The "state" fields are all the registry needs; "full" adds who wrote the tag and why.
STATE_FIELDS = ("%(refname:strip=2)", "%(objecttype)", "%(objectname)", "%(*objectname)",
                "%(*objecttype)", "%(taggerdate:raw)")
# %(tag): the name written inside the tag object (what a signature covers).
TAG_FIELDS = STATE_FIELDS + ("%(taggername)", "%(taggeremail)", "%(tag)")
MESSAGE_FIELD = "%(contents)"


class TagRecord:
    """One tag as git stores it. `commit` is the peeled target when the tag is
    annotated and points at a commit, else None; `annotated` is False for
    lightweight tags. `parsed`: what read_tags' `parse` hook made of it."""

    __slots__ = ("name", "annotated", "oid", "commit", "tagger", "email", "timestamp", "tz", "message", "parsed",
                 "signed_name")

    def __init__(self, name, annotated, oid, commit, tagger="", email="", timestamp=0, tz="+0000", message="",
                 signed_name=None):
        self.name = name
        self.annotated = annotated
        self.oid = oid
        self.commit = commit
        self.tagger = tagger
        self.email = email
        self.timestamp = timestamp
        self.tz = tz
        self.message = message
        self.parsed = None
        self.signed_name = signed_name  # the `tag` header of the object ("full" reads only)

    def __repr__(self):
        return f"TagRecord({self.name!r})"


def parse_raw_date(raw):
    """`1700000000 +0100` -> (1700000000, "+0100"); empty or broken -> (0, "+0000").
    `18446744073709546616 +0000` (how git prints -5000) -> (-5000, "+0000")."""
    stamp, _, tz = raw.partition(" ")
    if len(tz) == 5 and tz[0] in "+-" and stamp.isdigit() and len(stamp) < 19:  # the usual case, first
        return int(stamp), tz
    parts = raw.split()
    try:
        ts = int(parts[0])
    except (IndexError, ValueError):
        return 0, "+0000"
    if ts >= 1 << 63:  # git prints a date before 1970 as an unsigned 64-bit number
        ts -= 1 << 64
    tz = parts[1] if len(parts) > 1 and len(parts[1]) == 5 and parts[1][0] in "+-" else "+0000"
    return ts, tz


def tag_message(contents):
    """A tag's message from what for-each-ref calls %(contents): without
    the signature git appends, and without surrounding blank space."""
    if "-----BEGIN " in contents:
        from .signatures import strip_signature

        contents = strip_signature(contents)
    return contents.strip()


def parse_tag_records(output, fields="full"):
    """Parse the output of `for-each-ref` with the fields of `read_tags` (pure)."""
    n = {"state": len(STATE_FIELDS), "full": len(TAG_FIELDS) + 1}[fields]
    values = output.split("\0")
    count = len(values) // n
    records = []
    append = records.append
    commits = {}  # one string per commit: tens of tags name each
    # Columns by C-level strided slices: no per-record slicing.
    columns = [values[k : count * n : n] for k in range(n)]
    for i, (name, objtype, oid, peeled, peeled_type, date) in enumerate(zip(*columns[:6])):
        if name[:1] == "\n":
            name = name[1:]
        if objtype != "tag":  # lightweight: no event, but it counts for counters
            append(TagRecord(name, False, oid, oid if objtype == "commit" else None))
            continue
        ts, tz = parse_raw_date(date)
        commit = commits.setdefault(peeled, peeled) if peeled_type == "commit" else None
        record = TagRecord(name, True, oid, commit, "", "", ts, tz)
        if n > 6:
            email = columns[7][i]
            record.tagger = columns[6][i]
            record.email = email[1:-1] if email.startswith("<") and email.endswith(">") else email
            record.signed_name = columns[8][i]
            record.message = tag_message(columns[9][i])
        append(record)
    return records


class RecordStream:
    """Parse for-each-ref output chunk by chunk, as sh hands it over (sh
    takes it as a file: byte chunks, without the latency of a callback).
    for-each-ref prints nothing before it has read every ref it lists:
    whole reads stream cat-file instead (tagstream.py)."""

    def __init__(self, fields, parse=None):
        self.fields = fields
        self.parse = parse
        self.records = []
        self.rest = b""

    def write(self, chunk):
        data = self.rest + chunk
        end = data.rfind(b"\0\n")  # the end of the last complete record
        if end < 0:
            self.rest = data
            return
        self._add(data[: end + 1])
        self.rest = data[end + 1 :]

    def flush(self):
        pass

    def finish(self):
        if self.rest.strip(b"\n"):
            self._add(self.rest)
        return self.records

    def _add(self, data):
        records = parse_tag_records(data.decode("utf-8", "surrogateescape"), self.fields)
        if self.parse is not None:
            for record in records:
                record.parsed = self.parse(record)
        self.records.extend(records)

def lines_under(data, prefix):
    """The lines of a sorted `oid refname` listing whose refname starts with
    `prefix`, as a view (no copy; found by C-level searches, no loop over a
    million lines)."""
    first = data.find(b" " + prefix)
    if first < 0:
        return memoryview(b"")
    last = data.rfind(b" " + prefix)
    start = data.rfind(b"\n", 0, first) + 1
    end = data.find(b"\n", last)
    return memoryview(data)[start:len(data) if end < 0 else end + 1]


def parse_tag_object(name, oid, kind, data):
    """A TagRecord from a raw object (what for-each-ref would say of the
    ref `name` pointing at it)."""
    if kind != "tag":
        return TagRecord(name, False, oid, oid if kind == "commit" else None)
    text = data.decode("utf-8", "surrogateescape")
    head, _, body = text.partition("\n\n")
    fields = {}
    for line in head.split("\n"):
        key, _, value = line.partition(" ")
        fields.setdefault(key, value)
    tagger = fields.get("tagger", "")
    who, _, when = tagger.rpartition(">")
    author, _, email = who.partition(" <")
    ts, tz = parse_raw_date(when)
    from .signatures import strip_signature

    commit = fields.get("object") if fields.get("type") == "commit" else None
    return TagRecord(name, True, oid, commit, author, email, ts, tz, strip_signature(body).strip(),
                     signed_name=fields.get("tag", ""))
