"""verl integration (Ray + FSDP, vLLM rollouts) for clusters.

* :mod:`.reward` — ``compute_score`` for ``custom_reward_function`` (rjua metrics);
* :mod:`.loss` — the C3PO policy loss in verl's ``PolicyLossFn`` signature, registered as
  ``c3po`` when verl is importable, plus the token-budget selection;
* :mod:`.prepare` — RJUA splits -> verl parquet files (prompt, reward_model.ground_truth);
* :mod:`.launch` — starts verl's ``main_ppo`` with the loss registered in every Ray worker;
* ``c3po_multi_gpu.yaml`` — an example 8-GPU configuration with vLLM rollouts.

Everything here imports without verl; only :func:`.launch.main` needs it.
"""

__all__: list[str] = []  # nothing re-exported: import the submodules by name (they stay optional-dependency free)
