"""Formats: the fitted cards and pages drawn into the files the user prints.

``card`` draws one card; ``card_fitting`` fits a deck's cards and
``cardsheet`` imposes them; ``booklet_plan`` numbers and lays out the
booklet's pages, ``booklet_pages`` draws one page and ``booklet_files`` writes
the reading-order and imposed files.
"""
