"""The resume parser's training data is labelled the way it is written."""

from __future__ import annotations

from evaluation.parsing.rendered import split_of
from evaluation.training import dotin, resume_parser


def test_dotin_spans_point_into_the_plain_text() -> None:
    xml = (
        '<?xml version="1.0"?><cv>\n<label type="Designation">Sales Engineer</label> - '
        '<label type="Companies worked at">Concept &amp; Co</label>\n\n'
        '<label type="Years of Experience">January 2014 to November 2016</label>\n</cv>'
    )
    cv = dotin.read(xml, 7)
    assert [cv.text[s.start : s.end] for s in cv.spans] == [
        "Sales Engineer",
        "Concept & Co",
        "January 2014 to November 2016",
    ]
    (sequence,) = list(resume_parser.dotin_sequences(cv))
    lines, tags = sequence
    assert lines == ["Sales Engineer - Concept & Co", "January 2014 to November 2016"]
    assert tags[:6] == ["TITLE", "TITLE", "O", "EMP", "EMP", "EMP"]


def test_synthetic_headers_label_every_piece() -> None:
    layout = resume_parser.WORK_LAYOUTS[2]  # "Title, Employer (City)" over the dates
    lines, tags = resume_parser._synthetic(layout("Data Engineer", "Acme", "2019 - 2021", "Pune"))
    assert lines == ["Data Engineer, Acme (Pune)", "2019 - 2021"]
    assert tags == ["TITLE", "TITLE", "O", "EMP", "O", "LOC", "O", "DATE", "DATE", "DATE"]


def test_the_fake_resumes_used_for_training_and_dev_are_apart_and_early() -> None:
    train, dev = resume_parser.fake_stems("train"), resume_parser.fake_stems("dev")
    assert len(train) > len(dev) > 0
    assert not train & dev
    names = sorted(path.stem for path in resume_parser.FAKE.glob("*.json"))
    assert all(names.index(stem) < 40 for stem in train | dev)
    # and none is in the rendered corpus's test split
    assert all(split_of(names.index(stem)) == "dev" for stem in train | dev)
