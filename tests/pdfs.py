"""PDFs built byte by byte for the upload tests, with what a hostile file hides where a byte search misses it.

`pdf_file()` writes a PDF 1.7 file whose chosen objects sit inside a compressed object stream (/ObjStm,
FlateDecode) with a cross-reference stream, the layout modern writers use: a script there is not in
the file's bytes at all until the stream is inflated.
"""

from __future__ import annotations

import struct
import zlib

PAGE_TEXT = "Number bonds to ten"


def _content() -> bytes:
    return f"BT /F1 18 Tf 72 720 Td ({PAGE_TEXT}) Tj ET".encode()


def pdf_file(
    *,
    catalog: bytes = b"",
    page: bytes = b"",
    extra: dict[int, bytes] | None = None,
    info: bytes = b"",
    compressed: tuple[int, ...] = (1, 3),
) -> bytes:
    """A one-page PDF. Objects: 1 catalog (+`catalog`), 2 pages, 3 page (+`page`), 4 content, 5 font,
    `extra` numbered from 10, an /Info dictionary (`info`) if given. Objects in `compressed` go into an
    object stream."""
    content = _content()
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + page + b" >>",
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        **(extra or {}),
    }
    if info:
        objects[9] = info
    packed = [n for n in sorted(objects) if n in compressed and b"stream" not in objects[n]]
    plain = [n for n in sorted(objects) if n not in packed]
    stream_number = max(objects) + 1
    xref_number = stream_number + 1

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in plain:
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    header, bodies = b"", b""
    index: dict[int, int] = {}
    for position, number in enumerate(packed):
        index[number] = position
        header += b"%d %d " % (number, len(bodies))
        bodies += objects[number] + b"\n"
    data = zlib.compress(header + bodies)
    offsets[stream_number] = len(out)
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number, len(packed), len(header), len(data))
        + data
        + b"\nendstream\nendobj\n"
    )
    offsets[xref_number] = len(out)
    rows = bytearray()
    for number in range(xref_number + 1):
        if number in index:
            rows += struct.pack(">BIH", 2, stream_number, index[number])
        elif number in offsets:
            rows += struct.pack(">BIH", 1, offsets[number], 0)
        else:
            rows += struct.pack(">BIH", 0, 0, 65535 if number == 0 else 0)
    rows_data = zlib.compress(bytes(rows))
    trailer = b"/Root 1 0 R" + (b" /Info 9 0 R" if info else b"")
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] %s /Filter /FlateDecode /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, trailer, len(rows_data))
        + rows_data
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def plain_pdf() -> bytes:
    return pdf_file()


# Each hides its danger inside the compressed object stream (the catalog or an extra object in it).
HOSTILE: dict[str, bytes] = {
    "javascript open action": pdf_file(
        catalog=b"/OpenAction 10 0 R", extra={10: b"<< /S /JavaScript /JS (app.alert(1)) >>"}, compressed=(1, 10)
    ),
    "javascript name tree": pdf_file(
        catalog=b"/Names << /JavaScript 10 0 R >>",
        extra={10: b"<< /Names [(a) << /S /JavaScript /JS (this.print()) >>] >>"},
        compressed=(1, 10),
    ),
    "launch open action": pdf_file(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>", compressed=(1,)),
    "uri open action": pdf_file(
        catalog=b"/OpenAction << /S /URI /URI (https://tracker.example/open) >>", compressed=(1,)
    ),
    "page additional action": pdf_file(
        page=b"/AA << /O << /S /URI /URI (https://tracker.example/page) >> >>", compressed=(1, 3)
    ),
    "embedded file": pdf_file(
        catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 10 0 R] >> >>",
        extra={
            10: b"<< /Type /Filespec /F (a.exe) /EF << /F 11 0 R >> >>",
            11: b"<< /Length 2 >>\nstream\nMZ\nendstream",
        },
        compressed=(1, 10),
    ),
    "file attachment annotation": pdf_file(
        page=b"/Annots [10 0 R]",
        extra={
            10: b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 11 0 R >>",
            11: b"<< /Type /Filespec /F (notes.txt) >>",
        },
        compressed=(1, 3, 10, 11),
    ),
    "lone embedded file stream": pdf_file(
        extra={10: b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"},
    ),
    "xfa form": pdf_file(
        catalog=b"/AcroForm << /Fields [] /XFA 10 0 R >>", extra={10: b"<< /Length 0 >>\nstream\n\nendstream"}
    ),
    "rich media": pdf_file(
        page=b"/Annots [10 0 R]",
        extra={10: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] /RichMediaContent << >> >>"},
        compressed=(1, 3, 10),
    ),
    "hex-escaped javascript": pdf_file(
        catalog=b"/OpenAction 10 0 R",
        extra={10: b"<< /S /#4Aava#53cript /#4A#53 (app.alert(1)) >>"},
        compressed=(1, 10),
    ),
}

# A link the reader must click is fine: worksheets point to websites.
WITH_LINK = pdf_file(
    page=b"/Annots [10 0 R]",
    extra={
        10: b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 730] "
        b"/A << /S /URI /URI (https://www.bbc.co.uk/bitesize) >> >>"
    },
    compressed=(1, 3, 10),
)

SECRET = "Amelia Parker, 12 Acacia Avenue"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{SECRET}"/></rdf:RDF></x:xmpmeta>'
).encode()
WITH_METADATA = pdf_file(
    catalog=b"/Metadata 10 0 R",
    extra={10: b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(XMP) + XMP + b"\nendstream"},
    info=b"<< /Author (%s) /Title (Amy's homework) /Producer (Scanner 3000) >>" % SECRET.encode(),
)
