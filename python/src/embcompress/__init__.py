"""Load embcompress `.qr` checkpoints — compositional (quotient-remainder and multi-partition)
embedding tables — in numpy, and (``embcompress.torch``) as PyTorch modules; run the
``embcompress`` command from Python.

    import embcompress
    table = embcompress.load("out.qr")      # checked in full; ValueError naming the file otherwise
    table.lookup([0, 7, 42])                # float32 (3, dim), the bits `embcompress lookup` prints
    table.expand()                          # the whole rebuilt table
    report = embcompress.run("in.h5", "out.qr", "--scheme", "qr", "--force")
"""

from ._checkpoint import FORMAT_1, FORMAT_2, Partition, Rule, Term
from ._run import EmbCompressError, binary, run
from ._table import CompressedTable, load

__version__ = "0.1.0"

__all__ = [
    "CompressedTable", "EmbCompressError", "FORMAT_1", "FORMAT_2", "Partition", "Rule", "Term",
    "binary", "load", "run",
]
