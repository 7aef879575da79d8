"""The one error a reader raises for a file it cannot ingest."""


class ReadError(Exception):
    """A file that cannot be ingested, with a reason a person can act on."""
