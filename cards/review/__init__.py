"""The plain-language review: ``checks`` measures, ``report`` holds what it found,
``run`` reviews a deck's folder and its built files."""
