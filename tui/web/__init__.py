"""siso in a browser: ``siso serve`` (``server``), one signed-in app per browser tab
(``session``), siso's own page (``templates/siso.html``)."""
