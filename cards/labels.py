"""The words the layouts print themselves, per language.

A deck's ``language`` picks the table (``de-AT`` falls back to ``de``, an
unknown language to English); the layouts receive them as ``labels``.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "hold": "Hold",
        "repeat": "Repeat",
        "pressure": "Pressure",
        "gentle": "gentle",
        "medium": "medium",
        "firm": "firm",
        "contents": "Contents",
        "notes": "Notes",
        "before_you_start": "Before you start",
        "section": "Section",
        "page": "Page",
        "print_at_full_size": "Print at 100 % — do not fit to page",
        "sheet": "sheet {number} of {total}",
    },
    "de": {
        "hold": "Halten",
        "repeat": "Wiederholen",
        "pressure": "Druck",
        "gentle": "sanft",
        "medium": "mittel",
        "firm": "fest",
        "contents": "Inhalt",
        "notes": "Notizen",
        "before_you_start": "Bevor Sie beginnen",
        "section": "Abschnitt",
        "page": "Seite",
        "print_at_full_size": "In 100 % drucken – nicht an Seite anpassen",
        "sheet": "Bogen {number} von {total}",
    },
    "fr": {
        "hold": "Tenir",
        "repeat": "Répéter",
        "pressure": "Pression",
        "gentle": "douce",
        "medium": "moyenne",
        "firm": "ferme",
        "contents": "Sommaire",
        "notes": "Notes",
        "before_you_start": "Avant de commencer",
        "section": "Partie",
        "page": "Page",
        "print_at_full_size": "Imprimer à 100 % — sans ajuster à la page",
        "sheet": "feuille {number} sur {total}",
    },
    "es": {
        "hold": "Mantener",
        "repeat": "Repetir",
        "pressure": "Presión",
        "gentle": "suave",
        "medium": "media",
        "firm": "firme",
        "contents": "Índice",
        "notes": "Notas",
        "before_you_start": "Antes de empezar",
        "section": "Sección",
        "page": "Página",
        "print_at_full_size": "Imprimir al 100 % — no ajustar a la página",
        "sheet": "hoja {number} de {total}",
    },
}


def labels_for(language: str) -> dict[str, str]:
    base = language.split("-")[0].lower()
    return dict(LABELS.get(base, LABELS["en"]))
