"""Every export template of the catalogue can be rendered in every format."""

from importlib.resources import files

import pytest

from jobtrail.events.exports import TEMPLATES
from jobtrail.exporter import word


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_has_a_typst_file_and_a_word_style(template: str) -> None:
    assert files("jobtrail.exporter.templates").joinpath(f"{template}.typ").is_file()
    assert template in word.STYLES


def test_no_renderer_knows_a_template_the_catalogue_does_not() -> None:
    typst = {p.name.removesuffix(".typ") for p in files("jobtrail.exporter.templates").iterdir()
             if p.name.endswith(".typ")}  # fmt: skip
    assert typst == set(TEMPLATES)
    assert set(word.STYLES) == set(TEMPLATES)
