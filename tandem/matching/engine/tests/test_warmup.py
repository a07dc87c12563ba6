"""The child process that compiles the kernels during a first run's embedding."""

import subprocess
import sys

from tandem.matching.engine import warmup


def test_the_warm_up_solves_its_tiny_pool_in_a_child_process():
    # The child is what a first run starts: it must run from any working directory.
    done = subprocess.run(
        [sys.executable, "-m", "tandem.matching.engine.warmup"],
        cwd="/",
        env={"PYTHONPATH": str(warmup.ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


def test_few_texts_to_embed_start_no_child():
    background = warmup.Background(min_texts=100)
    background.start(99)
    assert background.process is None
    background.wait()  # nothing to wait for
