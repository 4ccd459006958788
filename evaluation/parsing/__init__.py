"""Parsing quality: field-level precision and recall by corpus, layout and format.

For other suites (OCR) and for training code:
- `scorer`: `score_documents([(gold, parsed or None), ...]) -> Table`, `fields_of(resume)`,
  `Table.add(gold_fields, parsed_fields)`, `markdown_table({"row": table, ...})`;
- `rendered`: `rendered_corpus("dev" | "test", layouts=..., formats=..., limit=...)` yields
  `Rendered(data, format, layout, gold)`; 40 dev resumes for training, 20 held out for test;
- `dotin`: `set_aside_cvs()` and `gold_fields(cv)` for the 50-CV test split only;
- `parsers`: the current and baseline parsers of bytes or text, and `Failures`;
- `suite`: `score_rendered(documents, parsers, failures, timer)` for any extraction path.
"""
