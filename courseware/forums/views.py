from __future__ import annotations

from flask import Blueprint

bp = Blueprint("forums", __name__)
