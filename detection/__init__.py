"""Detection: normalisation, the candidate index, the matcher and batch detection over the listings index.

Public entry points: :class:`detection.matcher.Matcher` (with :class:`detection.marks.MarkSpec`),
:func:`detection.batch.run_detection` and :func:`detection.batch.reprioritise`. The classifier's
contract is :mod:`detection.scoring`.
"""
