"""Files (upload with local checks and progress, list, retrieve, delete, content download)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from .._download import DOWNLOAD_KEYWORDS, download
from .._resource import (
    M,
    Resource,
    build_model,
    built_locally,
    describe,
    local,
    parse_with,
)
from .._shape import Hook
from .._transport import Call, split_options
from .._upload import LocalFile, MultipartBody

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from together_generated.models import FileResponse

    from .._dataset_check import DatasetReport
    from .._transport import CallOptions


def _content(call: Call[Any], given: dict[str, Any]) -> Call[bytes | Path]:
    """The file's bytes, or with ``output`` the Path it is saved at (see ``download``)."""
    return download(call, given, given.get("id", ""), "files.content")


_CONTENT = Hook(keywords=DOWNLOAD_KEYWORDS, after=_content, returns="bytes | Path", types=(Path,))


class Files(Resource[M]):
    """``content`` (and 1.x's ``retrieve_content``) is derived from the spec, and
    downloads: the file's bytes, or with ``output=`` the Path it is saved at.
    ``with_streaming_response.content(id)`` (3.x) gives the open response to read as it
    arrives."""

    HOOKS: ClassVar[dict[str, Hook]] = {name: _CONTENT for name in ("content", "retrieve_content")}

    @built_locally
    def upload(
        self,
        /,
        file: str | os.PathLike[str] | bytes | IO[bytes],
        *,
        purpose: str = "fine-tune",
        check: bool = True,
        file_name: str | None = None,
        progress: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> Call[FileResponse]:
        """POST /files/upload (multipart: ``purpose``, ``file_name``, ``file_type``, ``file``).

        ``file`` is a path, bytes or a seekable binary file object; it is streamed from
        disk with its size announced, never read into memory whole. ``file_name`` is the
        name sent (default: the file's own name). With ``check=True`` (the default) a
        fine-tuning dataset is checked locally first (see ``check``) and an invalid one
        raises FileTypeError, with each problem and its line number, before anything is
        sent. A progress bar is drawn on stderr when it is a terminal (needs tqdm);
        ``progress=True`` / ``False`` forces it on or off. Returns a FileResponse.
        """
        from .._dataset_check import FileTypeError, check_dataset, file_type_of

        op = describe("files.post_files_upload")
        if op.body is None:  # the spec's multipart form, a model in every version so far
            raise NotImplementedError("files.upload: the spec no longer describes its form")
        where = "files.upload"
        fields, call_options = split_options(dict(options))
        if fields:
            raise TypeError(f"{where}: unexpected arguments: {', '.join(sorted(fields))}")
        source = LocalFile.of(file, f"{where}: file", name=file_name)
        file_type = file_type_of(source)
        if not source.name:  # bytes, or a file object without a name
            source = source._replace(name=f"data.{file_type}")
        extra = dict(call_options.pop("extra_body", None) or {})
        model = build_model(
            op.body,
            {
                "purpose": purpose,
                "file_name": source.name,
                "file_type": file_type,
                "file": b"",
                **extra,
            },
            where,
        )
        if check:
            report = check_dataset(source, purpose=purpose)
            if not report.ok:
                raise FileTypeError(report)
            if not report.checked and purpose == "fine-tune":
                warnings.warn(f"{source.name}: not checked: {report.note}", stacklevel=3)
        # The spec's form fields as the generated model encodes them; the file goes last
        # so the server has every field before the data.
        form = [
            (name, value[1].decode())
            for name, value in model.to_multipart()
            if name != "file" and isinstance(value[1], bytes)
        ]
        body = MultipartBody(form, "file", source, progress)
        request = {
            "method": op.method,
            "url": op.path,
            "content": body,
            "headers": {"Content-Type": body.content_type, "Content-Length": str(body.length)},
        }
        return Call(request=request, parse=parse_with(op), options=call_options)

    @local
    def check(self, file: Any, *, purpose: str = "fine-tune") -> DatasetReport:
        """Check a fine-tuning dataset locally, as ``upload(check=True)`` does, without
        uploading it: JSONL in the text, conversation, instruction or preference format,
        or tokenized Parquet (checked only when pyarrow is installed). Returns a
        DatasetReport (``.ok``, ``.problems`` with line numbers, ``.format``, ``.rows``)."""
        from .._dataset_check import check_dataset

        return check_dataset(file, purpose=purpose)
