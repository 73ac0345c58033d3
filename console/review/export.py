"""Export of the filtered review list: CSV (UTF-8 with BOM, so Excel reads the Chinese) or XLSX,
streamed in keyset batches; ID numbers and phones stay masked as in the list, and no cell is a formula."""

import csv
import io
import os
import tempfile
from urllib.parse import quote

import xlsxwriter

from console.infra import clock, texts
from console.people.identity import mask_id, mask_phone
from console.review import screening
from models.collection import COLLECTION_STATES

HEADERS = (
    "姓名",
    "证件号码",
    "手机号码",
    "工作单位",
    "会计管理机构",
    "提交时间",
    "等待工作日",
    "状态",
    "检查标记",
    "领取人",
)
CHUNK = 1 << 16


def values(row):
    submitted = clock.to_beijing(row["submitted_at"]).strftime("%Y-%m-%d %H:%M") if row["submitted_at"] else ""
    cells = (
        row["name"],
        mask_id(row["id_number"]),
        mask_phone(row["phone"]),
        row["unit_name"] or "",
        row["authority_name"],
        submitted,
        row["waiting"] if row["waiting"] is not None else "",
        COLLECTION_STATES.label(row["status"]),
        "、".join(screening.FLAGS.get(f, f) for f in row["flag_list"]),
        row["claimer"] if row["claimed"] else "",
    )
    return tuple(texts.cell(value) for value in cells)


def csv_chunks(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(values(row))
        if buffer.tell() > CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_chunks(rows):
    """XlsxWriter in constant-memory mode writes each row out as it goes; the file is streamed, then removed."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        book = xlsxwriter.Workbook(
            path, {"constant_memory": True, "tmpdir": os.path.dirname(path), "strings_to_formulas": False}
        )
        sheet = book.add_worksheet("审核列表")
        sheet.write_row(0, 0, HEADERS)
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, values(row))
        book.close()
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


FORMATS = {
    "csv": ("text/csv; charset=utf-8", csv_chunks),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_chunks),
}


def disposition(filename):
    """RFC 6266: an ASCII fallback and the Chinese name in filename* (RFC 5987)."""
    fallback = "export." + filename.rsplit(".", 1)[-1]
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def chunks(kind, rows):
    return FORMATS[kind][1](rows)
