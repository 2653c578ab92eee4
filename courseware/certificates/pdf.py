"""The certificate PDF: every reportlab call of the platform lives in this file.

The PDF is drawn once, when a certificate is issued, and stored; nothing here runs for a download.
DejaVu Sans is embedded (subset) so that every European name prints, and a ToUnicode map lets
readers, screen readers and search copy the text back out.
"""
from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _

from ..core.timezones import format_date
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
BRAND = HexColor("#0b5a3c")
INK = HexColor("#1b1f23")
MUTED = HexColor("#4a5560")
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 56
QR_SIZE = 108

# Registered once per process; registration is global in reportlab.
for _name, _file in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
    if _name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_name, str(FONT_DIR / _file)))


@dataclass(frozen=True)
class CertificateText:
    learner_name: str
    organisation: str
    course_title: str
    course_version: str
    module_titles: tuple[str, ...]
    awarded_at: datetime
    tutor_organisation: str
    code: str            # as printed, in groups
    verify_url: str
    version: int = 1
    edition: str = ""    # the edition (course run) it was earned in, when there is one


def _centred(c: Canvas, text: str, y: float, font: str, size: float, colour=INK) -> None:
    c.setFont(font, size)
    c.setFillColor(colour)
    c.drawCentredString(PAGE_WIDTH / 2, y, text)


def _fitting_size(text: str, font: str, size: float, width: float, smallest: float = 14) -> float:
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _wrapped(c: Canvas, text: str, y: float, font: str, size: float, width: float, leading: float,
             colour=INK) -> float:
    """Draw `text` centred over as many lines as it needs; return the y below the last line."""
    for line in simpleSplit(text, font, size, width):
        _centred(c, line, y, font, size, colour)
        y -= leading
    return y


def _qr(c: Canvas, url: str, x: float, y: float, size: float, quiet_zone: int = 4) -> None:
    """A QR code of `url`, drawn straight onto the canvas (the graphics renderer would add a
    Helvetica font resource that the PDF does not embed)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(url)
    qr.make()
    box = size / (qr.getModuleCount() + 2 * quiet_zone)
    c.setFillColor(black)
    for row_index, row in enumerate(qr.modules):
        top = y + size - (row_index + quiet_zone + 1) * box
        column = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            length = len(list(run))
            if dark:
                # Runs of dark modules as one rectangle: no hairline gaps between neighbours.
                c.rect(x + (column + quiet_zone) * box, top, length * box, box, stroke=0, fill=1)
            column += length


def render_certificate(text: CertificateText) -> bytes:
    buffer = io.BytesIO()
    # The initial font is ours too, so the PDF names no font it does not embed.
    c = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, initialFontName=REGULAR)
    # Printed in the language in force (certificates.service: the learner's, core.i18n.in_language_of).
    c.setTitle(_("Certificate: %(course)s – %(name)s", course=text.course_title, name=text.learner_name))
    c.setAuthor(text.tutor_organisation)
    c.setSubject(_("Certificate of completion, code %(code)s", code=text.code))
    c.setCreator("Smart-charging e-course platform")
    c.setKeywords(["certificate", text.code])

    # Frame.
    c.setStrokeColor(BRAND)
    c.setLineWidth(6)
    c.rect(24, 24, PAGE_WIDTH - 48, PAGE_HEIGHT - 48)
    c.setLineWidth(1)
    c.rect(34, 34, PAGE_WIDTH - 68, PAGE_HEIGHT - 68)

    width = PAGE_WIDTH - 2 * MARGIN - 40
    _centred(c, _("CERTIFICATE OF COMPLETION"), PAGE_HEIGHT - 92, BOLD, 15, BRAND)
    _centred(c, _("This is to certify that"), PAGE_HEIGHT - 132, REGULAR, 13, MUTED)
    name_size = _fitting_size(text.learner_name, BOLD, 32, width)
    _centred(c, text.learner_name, PAGE_HEIGHT - 174, BOLD, name_size)
    y = PAGE_HEIGHT - 200
    if text.organisation:
        y = _wrapped(c, text.organisation, y, REGULAR, 14, width, 18)
    y -= 12
    _centred(c, _("has completed every module of the course"), y, REGULAR, 13, MUTED)
    y = _wrapped(c, text.course_title, y - 30, BOLD, 20, width, 25)
    if text.edition:
        y = _wrapped(c, _("Edition: %(edition)s", edition=text.edition), y, REGULAR, 13, width, 18, MUTED)
    y -= 6
    for index, title in enumerate(text.module_titles, start=1):
        y = _wrapped(c, _("Module %(n)s: %(title)s", n=index, title=title), y, REGULAR, 12, width, 16)

    # Bottom left: date and issuer. Bottom right: how to verify.
    left = MARGIN + 10
    c.setFillColor(INK)
    c.setFont(BOLD, 11)
    c.drawString(left, 118, _("Awarded on %(date)s", date=format_date(text.awarded_at, "UTC")))
    c.setFont(REGULAR, 11)
    c.drawString(left, 100, _("Issued by %(organisation)s", organisation=text.tutor_organisation))
    c.setFillColor(MUTED)
    c.setFont(REGULAR, 9)
    version = _("Course version %(version)s", version=text.course_version)
    if text.version > 1:
        version += " · " + _("certificate version %(version)s (corrected)", version=text.version)
    c.drawString(left, 84, version)

    qr_x = PAGE_WIDTH - MARGIN - QR_SIZE
    _qr(c, text.verify_url, qr_x, 52, QR_SIZE)
    right = qr_x - 12
    c.setFillColor(INK)
    c.setFont(BOLD, 11)
    c.drawRightString(right, 118, _("Code %(code)s", code=text.code))
    c.setFont(REGULAR, 9)
    c.drawRightString(right, 100, _("Check this certificate at"))
    c.drawRightString(right, 86, text.verify_url)

    c.showPage()
    c.save()
    return buffer.getvalue()
