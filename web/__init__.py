"""The web chat behind app.py: markup (render), cited page images (pages), the public chat and the staff side."""
