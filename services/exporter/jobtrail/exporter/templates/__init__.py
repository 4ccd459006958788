"""The typst sources of the templates; `render.TEMPLATES` lists them."""
