"""Spreadsheet uploads (CSV in UTF-8 or GBK, or XLSX): their rows after a fixed Chinese header, and the
per-line report an import refuses with. The imports built on it check every row before writing any."""

import codecs
import csv
import io
from dataclasses import dataclass

from openpyxl import load_workbook

from console.errors import RuleViolation

FORMATS = ("csv", "xlsx")
REPORTED_ERRORS = 200  # the first ones are shown; the count says how many more
MAX_ERRORS = 1000  # past these the file is read no further: it would cost minutes to say millions of things


@dataclass(frozen=True)
class RowError:
    line: int
    text: str


class ImportRefused(RuleViolation):
    def __init__(self, errors, stopped_at=None):
        said = (
            f"读到第 {stopped_at} 行已有 {len(errors)} 处错误，后面的行未再检查"
            if stopped_at
            else f"文件有 {len(errors)} 处错误"
        )
        super().__init__(f"{said}，未导入任何数据；请改正后重新导入")
        self.errors = sorted(errors, key=lambda e: e.line)


class Errors(list):
    """A file's RowErrors as they are found; the MAX_ERRORS-th ends the reading (ImportRefused)."""

    def add(self, line, text):
        self.append(RowError(line, text))
        if len(self) >= MAX_ERRORS:
            raise ImportRefused(self, stopped_at=line)


def suffix(filename):
    """The format of an upload by its name: csv or xlsx, else RuleViolation."""
    found = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if found not in FORMATS:
        raise RuleViolation("请上传 CSV 或 XLSX 文件", "file")
    return found


def rows(filename, stream, header):
    """(line number, cells) of every non-empty row after the header. XLSX cells keep their types
    (numbers, dates); CSV cells are text."""
    lines = _xlsx_lines(stream) if suffix(filename) == "xlsx" else _csv_lines(stream)
    first = next(lines, None)
    if first is None or tuple(str(c or "").strip() for c in first[: len(header)]) != tuple(header):
        raise RuleViolation(f"第一行应为表头：{'、'.join(header)}", "file")
    width = len(header)
    return (
        (n, [*cells, *[None] * width][:width])
        for n, cells in enumerate(lines, start=2)
        if any(str(c if c is not None else "").strip() for c in cells)
    )


def text(cell):
    """A cell as trimmed text; a whole number Excel stored as a float loses its '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _csv_lines(stream):
    """The rows as the file is decoded, never its whole text at once (a million rows would take a gigabyte):
    a first pass finds the encoding, the second reads."""
    encoding = _encoding(stream)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        yield from csv.reader(text)
    finally:
        if not stream.closed:  # a reading given up is finished after its opener closed the stream
            text.detach()  # the stream stays its opener's to close


def _encoding(stream, block=1 << 20):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK unless told otherwise
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(block):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise RuleViolation("无法识别文件编码，请另存为 UTF-8 编码的 CSV", "file")


def _xlsx_lines(stream):
    try:
        book = load_workbook(io.BytesIO(stream.read()), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise RuleViolation("无法读取该 XLSX 文件，请确认文件未损坏", "file") from error
    return book.worksheets[0].iter_rows(values_only=True)


def authority_by_code(code, known, scope):
    """The authority a line names by its code (`known`: every authority by code), in use and within `scope` (the
    ids the importer keeps; None: all), or RuleViolation saying which of these fails."""
    if not code:
        raise RuleViolation("机构编号为空")
    authority = known.get(code)
    if authority is None:
        raise RuleViolation(f"系统中没有编号为 {code} 的会计管理机构")
    if not authority.is_active:
        raise RuleViolation(f"“{authority.name}”（编号 {code}）已停用")
    if scope is not None and authority.id not in scope:
        raise RuleViolation(f"“{authority.name}”不在本机构管理范围内")
    return authority
