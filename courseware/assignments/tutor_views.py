from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tutor", __name__, url_prefix="/tutor")
