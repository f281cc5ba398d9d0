"""Read an upload body as it arrives, chunk by chunk, into a staging writer: never the whole body in memory.

Two shapes: a raw body (the file's bytes; its name in ``X-Filename``), or ``multipart/form-data``
with one file part, decoded incrementally with Werkzeug's sans-IO ``MultipartDecoder`` (fields up to
64 KiB each are kept; the file's data goes straight to the writer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from engine.errors import InvalidInput
from engine.record.evidence.files import Staged, StagingWriter

CHUNK = 1024 * 1024
FIELD_LIMIT = 64 * 1024


@dataclass
class Received:
    staged: Staged | None = None
    filename: str | None = None
    content_type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def read_raw(stream: IO[bytes], writer: StagingWriter) -> Staged:
    try:
        while chunk := stream.read(CHUNK):
            writer.write(chunk)
    except BaseException:
        writer.abort()
        raise
    return writer.finish()


class _Parts:
    """Routes decoder events: field data to memory (bounded), the one file's data to the writer."""

    def __init__(self, new_writer: Callable[[], StagingWriter]) -> None:
        self.new_writer = new_writer
        self.received = Received()
        self.writer: StagingWriter | None = None
        self._field: tuple[str, bytearray] | None = None

    def on(self, event: Field | File | Data) -> None:
        if isinstance(event, File):
            if self.writer is not None:
                raise InvalidInput(
                    "每次只能上传一个文件", "Upload one file per request", code="evidence-one-file"
                )
            self.received.filename, self._field = event.filename, None
            self.received.content_type = event.headers.get("Content-Type")
            self.writer = self.new_writer()
        elif isinstance(event, Field):
            self._field = (event.name, bytearray())
        elif self._field is not None:
            name, value = self._field
            value += event.data
            if len(value) > FIELD_LIMIT:
                raise InvalidInput(
                    "表单字段过大", "A form field is too large", code="evidence-field-too-large"
                )
            if not event.more_data:
                self.received.fields[name] = value.decode("utf-8", "replace")
        elif self.writer is not None:
            self.writer.write(event.data)

    def finish(self) -> Received:
        if self.writer is None:
            raise InvalidInput("请求中没有文件", "The request holds no file part", code="evidence-no-file")
        self.received.staged = self.writer.finish()
        return self.received


def read_multipart(stream: IO[bytes], boundary: bytes, new_writer: Callable[[], StagingWriter]) -> Received:
    decoder = MultipartDecoder(boundary)  # fields are bounded by _Parts; file data is never buffered
    parts = _Parts(new_writer)
    try:
        while True:
            chunk = stream.read(CHUNK)
            decoder.receive_data(chunk or None)
            event = decoder.next_event()
            while not isinstance(event, NeedData | Epilogue):
                if isinstance(event, Field | File | Data):  # a Preamble carries nothing of ours
                    parts.on(event)
                event = decoder.next_event()
            if not chunk or isinstance(event, Epilogue):
                break
        return parts.finish()
    except ValueError as exc:
        if parts.writer is not None:
            parts.writer.abort()
        raise InvalidInput(
            "multipart 请求格式错误", f"Malformed multipart body: {exc}", code="evidence-bad-body"
        ) from exc
    except BaseException:
        if parts.writer is not None:
            parts.writer.abort()
        raise
