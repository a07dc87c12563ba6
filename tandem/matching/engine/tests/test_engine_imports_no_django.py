import subprocess
import sys


def test_the_engine_imports_without_django():
    # A fresh interpreter where importing django fails: the engine must not need it.
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'):\n"
        "            raise ImportError('django is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import tandem.matching.engine as engine\n"
        "import tandem.matching.engine.api, tandem.matching.engine.cli\n"
        "import tandem.matching.engine.csvio, tandem.matching.engine.solver\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
