"""The exporter: PDF and DOCX rendering of resumes and cover letters."""
