"""Shared ReportLab pieces for every PDF the application builds.

- :mod:`aljisr.pdf.fonts`: bundled TrueType faces, registered once per process, and the
  choice of a face per run of text (Latin/Cyrillic/Greek, Arabic, CJK).
- :mod:`aljisr.pdf.text`: Arabic shaping, bidi reordering (UAX #9), wrapping in logical
  order, fitting text into a box, and drawing mixed-script lines on a canvas.

Builders take plain data and return bytes; see :mod:`aljisr.certificates.pdf` for one.
"""
