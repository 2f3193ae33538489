"""The one error class of the exporter: a render that cannot be finished, said in words a user can act on."""


class ExportError(Exception):
    pass
