"""Launch verl's PPO/GRPO trainer with rjua's C3PO loss registered in every Ray worker.

``python -m rjua.train.verl.launch --config-path $(python -c "import rjua.train.verl as v, os; print(os.path.dirname(v.__file__))") --config-name c3po_multi_gpu [hydra overrides]``

Ray is initialised here with ``worker_process_setup_hook`` pointing at
:func:`rjua.train.verl.loss.register`, so the ``c3po`` loss exists in the actor workers
too; verl then reuses this Ray session.
"""
from __future__ import annotations

import sys


def main() -> None:
    try:
        import ray
        from verl.trainer import main_ppo
    except ImportError:
        sys.exit("verl and ray are needed: pip install 'rjua[verl]' (GPU cluster)")
    from .loss import register

    register()
    if not ray.is_initialized():
        ray.init(runtime_env={"worker_process_setup_hook": "rjua.train.verl.loss.register",
                              "env_vars": {"TOKENIZERS_PARALLELISM": "true"}})
    main_ppo.main()


if __name__ == "__main__":
    main()
