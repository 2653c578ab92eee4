"""Administration pages: accounts, certificates, reports."""
# These modules add their pages to the `admin` blueprint defined in views.py: import them with the package.
from . import reports, users  # noqa: F401
