"""Reading files and asking models: PDF (PDFium), DOCX, images and scans (OCR), the
optional LLM pass. Each turns outside input into the lines `jobtrail.resume.domain` parses.
"""
