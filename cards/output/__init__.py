"""Output: a PDF canvas set up the same way for every file, atomic writes, previews."""
