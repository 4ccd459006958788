"""Understanding a resume's text: pure functions from lines to JSON Resume fields.

Sections, entries, dates, contacts, skills and confidence, with the two CRF models shipped
in `../models`. Nothing here reads files or talks to a server (an import-linter contract);
the file readers are `jobtrail.resume.adapters`.
"""
