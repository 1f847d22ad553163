"""Batch extraction over thousands to millions of documents.

- :mod:`.runner`: the local engine (one process, or ``--jobs N`` worker processes
  fed through a bounded queue), streaming, exact ``--resume``;
- :mod:`.worker`: what one worker does with one document;
- :mod:`.state`: the on-disk id sets and the resume scan of the output files;
- :mod:`.errors`: the rows of the errors table and the exit codes;
- :mod:`.dask_engine`: the same extraction on a Dask cluster, partitioned files.
"""

from __future__ import annotations

from .errors import EXIT_FAILED_DOCS, EXIT_OK, ErrorRow
from .runner import BatchOptions, BatchSummary, run_batch

__all__ = ["BatchOptions", "BatchSummary", "run_batch", "ErrorRow", "EXIT_OK", "EXIT_FAILED_DOCS"]
