"""Detection: normalisation, the candidate index, the matcher and batch detection over the listings index.

Public entry points: :class:`detection.matcher.Matcher` (with :class:`detection.marks.MarkSpec`),
:func:`detection.batch.run_detection`, :func:`detection.batch.reprioritise` and
:func:`detection.backfill.run_backfills` (new and changed marks against the whole index). The classifier's
contract is :mod:`detection.scoring`.
"""
