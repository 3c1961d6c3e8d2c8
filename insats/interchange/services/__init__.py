"""Import and export of the Insats interchange format (utbytesformatet), version 1.

`import_folder` and `export_folder` are the entry points; the management commands
`import_data` and `export_data` are thin wrappers around them.
"""

from insats.interchange.services.exporter import export_folder
from insats.interchange.services.importer import ImportResult, import_folder
from insats.interchange.services.reader import Problem

__all__ = ["ImportResult", "Problem", "export_folder", "import_folder"]
