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
        "notes_questions": "Questions for my therapist",
        "notes_felt": "How it felt",
        "before_you_start": "Before you start",
        "section": "Section",
        "page": "Page",
        "print_at_full_size": "Print at 100 % — do not fit to page",
        "sheet": "sheet {number} of {total}",
        "about": "About this guide",
        "routine": "The routine",
        "edition": "Edition of {month} {year}",
        "reviewed": "Reviewed {month} {year}",
        "sources": "Sources",
        "continued": "continued",
        "continues": "continued on the next card",
        "continues_page": "continued on the next page",
        "part": "part {number} of {total}",
        "cards": "{count} cards",
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
        "notes_questions": "Fragen für die nächste Behandlung",
        "notes_felt": "Wie es sich angefühlt hat",
        "before_you_start": "Bevor Sie beginnen",
        "section": "Abschnitt",
        "page": "Seite",
        "print_at_full_size": "In 100 % drucken – nicht an Seite anpassen",
        "sheet": "Bogen {number} von {total}",
        "about": "Über diesen Ratgeber",
        "routine": "Der Ablauf",
        "edition": "Ausgabe {month} {year}",
        "reviewed": "Geprüft im {month} {year}",
        "sources": "Quellen",
        "continued": "Fortsetzung",
        "continues": "weiter auf der nächsten Karte",
        "continues_page": "weiter auf der nächsten Seite",
        "part": "Teil {number} von {total}",
        "cards": "{count} Karten",
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
        "notes_questions": "Questions pour mon thérapeute",
        "notes_felt": "Ce que j’ai ressenti",
        "before_you_start": "Avant de commencer",
        "section": "Partie",
        "page": "Page",
        "print_at_full_size": "Imprimer à 100 % — sans ajuster à la page",
        "sheet": "feuille {number} sur {total}",
        "about": "À propos de ce guide",
        "routine": "Le déroulé",
        "edition": "Édition de {month} {year}",
        "reviewed": "Relu en {month} {year}",
        "sources": "Sources",
        "continued": "suite",
        "continues": "suite sur la carte suivante",
        "continues_page": "suite à la page suivante",
        "part": "partie {number} sur {total}",
        "cards": "{count} cartes",
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
        "notes_questions": "Preguntas para mi terapeuta",
        "notes_felt": "Cómo me sentí",
        "before_you_start": "Antes de empezar",
        "section": "Sección",
        "page": "Página",
        "print_at_full_size": "Imprimir al 100 % — no ajustar a la página",
        "sheet": "hoja {number} de {total}",
        "about": "Acerca de esta guía",
        "routine": "La rutina",
        "edition": "Edición de {month} de {year}",
        "reviewed": "Revisado en {month} de {year}",
        "sources": "Fuentes",
        "continued": "continúa",
        "continues": "sigue en la tarjeta siguiente",
        "continues_page": "sigue en la página siguiente",
        "part": "parte {number} de {total}",
        "cards": "{count} tarjetas",
    },
}


MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}  # fmt: skip


def month_name(language: str, month: int) -> str:
    """The month's name in the deck's language (English where there is no table)."""
    return MONTHS.get(language.split("-")[0].lower(), MONTHS["en"])[month - 1]


def labels_for(language: str) -> dict[str, str]:
    base = language.split("-")[0].lower()
    return dict(LABELS.get(base, LABELS["en"]))
