"""Tandem's project package (settings, URLs, WSGI, gunicorn).

Every process imports this package before Django's settings and before anything loads numpy, so
it is where the process-wide choice below is made.
"""

import os

# One thread per numpy/scipy call (OpenBLAS, MKL): the engine's linear algebra in a worker
# otherwise starts a thread per core that spins against the web processes and the other workers
# (measured on 2 cores at a load of 12: 0.3 s for a pool's goal basis with one thread, 1.5 s
# with the default; benchmarks/desk.py). The engine's own scoring threads are not affected. The
# environment wins, for a machine that runs nothing else.
for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
