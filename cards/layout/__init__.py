"""Layout: the theme, the layout markup, flowables, diagrams and fitting.

``theme`` holds every number a designer might change; ``styles`` the paragraph
styles of one type scale; ``markup`` parses what a template wrote; ``blocks``
turns its blocks into flowables with the help of ``figure``, ``glance``,
``pieces`` and ``diagrams``; ``fit`` finds the size at which they fit.
"""
